/**
 * Block Kit → what the sandbox page shows: the text of each block, in order. Plain on purpose
 * (no buttons that work, no images fetched): enough to read a message the way Slack shows it.
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
  | { kind: 'actions'; labels: string[] }
  | { kind: 'image'; alt: string };

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
  for (const b of blocks) {
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
        if (labels.length) out.push({ kind: 'actions', labels });
        break;
      }
      case 'image':
        out.push({ kind: 'image', alt: typeof b.alt_text === 'string' ? b.alt_text : 'image' });
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
