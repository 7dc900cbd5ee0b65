/**
 * Slack mrkdwn, the pure parts the product needs: escaping a value so it shows as text, and
 * rendering the templates of a message's text and Block Kit blocks with values escaped where
 * Slack reads mrkdwn.
 *
 * Slack's "Formatting text for app surfaces" asks apps to escape exactly three characters in text:
 * `&` → `&amp;`, `<` → `&lt;`, `>` → `&gt;` (and nothing else). Escaped, a value from a var or a task
 * output cannot become a mention (`<!channel>`, `<@U…>`), a link with a disguised label
 * (`<https://evil|docs>`) or a channel link: it shows as the characters it holds.
 */

/** A value as mrkdwn text: `&`, `<` and `>` escaped as Slack documents. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Renders every string inside a value, escaping each inserted value with `escape` when given. */
export type StringRenderer = <T>(value: T, escapeValue?: (value: string) => string) => T;

/**
 * Render templates inside parsed Block Kit blocks: every string value is rendered on its own (so
 * a value can never add or change blocks), and the `text` of a `mrkdwn` text object — the only
 * place Slack reads mrkdwn in blocks — gets its values escaped. Keys are left as written;
 * `plain_text`, URLs, ids and the rest get values as they are.
 */
export function renderBlocks(value: unknown, render: StringRenderer): unknown {
  if (Array.isArray(value)) return value.map((v) => renderBlocks(v, render));
  if (value === null || typeof value !== 'object') return render(value);
  const src = value as Record<string, unknown>;
  const type = render(src.type);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(src)) {
    if (k === 'type') out[k] = type;
    else if (k === 'text' && type === 'mrkdwn' && typeof v === 'string') out[k] = render(v, escapeMrkdwn);
    else out[k] = renderBlocks(v, render);
  }
  return out;
}
