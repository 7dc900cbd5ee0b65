/**
 * Block Kit → what the sandbox page shows: the text of each block, in order, and the buttons, which
 * work (a click sends the app a block_actions payload). No images are fetched.
 */

/** One piece of text; `mrkdwn` says whether the page should format it or show it as written. */
export interface ViewText {
  text: string;
  mrkdwn: boolean;
}

/** A block as the page draws it. */
export type ViewBlock =
  | { kind: 'header'; text: ViewText }
  | { kind: 'section'; text?: ViewText; fields: ViewText[] }
  | { kind: 'context'; items: ViewText[] }
  | { kind: 'divider' }
  | { kind: 'actions'; labels: string[]; buttons: ViewButton[] }
  | { kind: 'image'; alt: string /** http(s) only */; url?: string };

/** A clickable button: what the page needs to send the click. */
export interface ViewButton {
  label: string;
  action_id: string;
  block_id: string;
  style?: string;
  url?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A Block Kit text object (`{type: 'mrkdwn'|'plain_text', text}`), or undefined if it is not one. */
function textOf(v: unknown): ViewText | undefined {
  if (!isObject(v) || typeof v.text !== 'string') return undefined;
  return { text: v.text, mrkdwn: v.type === 'mrkdwn' };
}

/** The text of a rich_text block (what Slack's own composer sends), flattened to plain text. */
function richText(v: unknown): string {
  if (!isObject(v)) return '';
  if (typeof v.text === 'string') return v.text;
  if (v.type === 'emoji' && typeof v.name === 'string') return `:${v.name}:`;
  if (v.type === 'link' && typeof v.url === 'string') return v.url;
  const children = Array.isArray(v.elements) ? v.elements : [];
  const sep = v.type === 'rich_text_list' ? '\n• ' : '';
  return (sep ? sep.slice(1) : '') + children.map(richText).join(sep);
}

/**
 * The page's view of a message's blocks; unknown or malformed blocks are skipped rather than
 * breaking the page. Undefined when there is nothing to show (so the page falls back to `text`).
 */
export function blocksView(blocks: unknown): ViewBlock[] | undefined {
  if (!Array.isArray(blocks)) return undefined;
  const out: ViewBlock[] = [];
  for (const [index, b] of blocks.entries()) {
    if (!isObject(b)) continue;
    switch (b.type) {
      case 'header': {
        const t = textOf(b.text);
        if (t) out.push({ kind: 'header', text: { text: t.text, mrkdwn: false } });
        break;
      }
      case 'section': {
        const fields = Array.isArray(b.fields)
          ? b.fields.map(textOf).filter((f): f is ViewText => f !== undefined)
          : [];
        const text = textOf(b.text);
        if (text || fields.length) out.push({ kind: 'section', ...(text ? { text } : {}), fields });
        break;
      }
      case 'context': {
        const items = (Array.isArray(b.elements) ? b.elements : [])
          .map(textOf) // image elements have no text: skipped
          .filter((t): t is ViewText => t !== undefined);
        if (items.length) out.push({ kind: 'context', items });
        break;
      }
      case 'divider':
        out.push({ kind: 'divider' });
        break;
      case 'actions': {
        const labels = (Array.isArray(b.elements) ? b.elements : [])
          .map((e) => (isObject(e) ? (textOf(e.text)?.text ?? textOf(e.placeholder)?.text) : undefined))
          .filter((l): l is string => typeof l === 'string');
        const blockId = typeof b.block_id === 'string' ? b.block_id : `b${index}`;
        const buttons = (Array.isArray(b.elements) ? b.elements : []).flatMap((e): ViewButton[] => {
          if (!isObject(e) || e.type !== 'button' || typeof e.action_id !== 'string') return [];
          const label = textOf(e.text)?.text ?? e.action_id;
          return [
            {
              label,
              action_id: e.action_id,
              block_id: blockId,
              ...(typeof e.style === 'string' ? { style: e.style } : {}),
              ...(typeof e.url === 'string' ? { url: e.url } : {}),
            },
          ];
        });
        if (labels.length) out.push({ kind: 'actions', labels, buttons });
        break;
      }
      case 'image':
        out.push({
          kind: 'image',
          alt: typeof b.alt_text === 'string' ? b.alt_text : 'image',
          ...(typeof b.image_url === 'string' && /^https?:\/\//i.test(b.image_url) ? { url: b.image_url } : {}),
        });
        break;
      case 'rich_text': {
        const text = richText(b);
        if (text) out.push({ kind: 'section', text: { text, mrkdwn: false }, fields: [] });
        break;
      }
      default:
        break;
    }
  }
  return out.length ? out : undefined;
}
