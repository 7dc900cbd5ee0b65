/**
 * Slack mrkdwn → safe HTML, for the sandbox web page.
 *
 * One pure function, self-contained on purpose: the page serialises it with `toString()` into its
 * script (no build step), and the unit tests call the very same code. So it must not reference
 * anything outside its own body — no imports, no module-level helpers.
 *
 * Safety: every piece of message text is HTML-escaped before any markup is added, link targets
 * are limited to http(s) and mailto, and the only tags produced are the fixed ones below.
 */

/** What the renderer needs to know about the workspace. */
export interface MrkdwnContext {
  /** The display name for a user id (`<@U123>` → `@name`); undefined when unknown. */
  userName(id: string): string | undefined;
  /** The name for a channel id (`<#C123>` → `#name`); undefined when unknown. */
  channelName(id: string): string | undefined;
  /** The emoji for a shortcode without colons (`rocket` → 🚀); undefined when unknown. */
  emoji(name: string): string | undefined;
}

/**
 * Renders Slack mrkdwn as HTML: `*bold*`, `_italic_`, `~strike~`, `` `code` ``, ```` ```pre``` ````,
 * `> quotes`, `<url|label>` and `<url>` links, `<@U…>` / `<#C…>` / `<!here>` mentions, `:emoji:`
 * shortcodes, and the `&lt;` `&gt;` `&amp;` entities Slack's API uses. Newlines are kept as
 * newlines (the page shows text with `white-space: pre-wrap`).
 */
export function renderMrkdwn(text: string, ctx: MrkdwnContext): string {
  // Placeholders for finished HTML (links, mentions, code) while formatting runs over the rest.
  // Private-use characters: stripped from the input first, so text cannot forge one.
  const OPEN = '\uE000';
  const CLOSE = '\uE001';
  const saved: string[] = [];
  const keep = (html: string): string => OPEN + (saved.push(html) - 1) + CLOSE;
  const restore = (s: string): string => s.replace(/\uE000(\d+)\uE001/g, (_m, i: string) => saved[Number(i)] ?? '');

  const decode = (s: string): string => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const esc = (s: string): string =>
    s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  /** Slack text → escaped HTML text: entities decoded once, then everything escaped. */
  const plain = (s: string): string => esc(decode(s));

  const mention = (label: string, cls: string): string => keep(`<span class="${cls}">${esc(label)}</span>`);

  /** One `<…>` control sequence: a mention, a special mention, or a link. */
  const control = (inner: string): string => {
    const bar = inner.indexOf('|');
    const target = bar === -1 ? inner : inner.slice(0, bar);
    const label = bar === -1 ? '' : decode(inner.slice(bar + 1));
    if (target.startsWith('@')) {
      const id = target.slice(1);
      return mention(`@${ctx.userName(id) ?? (label || id)}`, 'mention');
    }
    if (target.startsWith('#')) {
      const id = target.slice(1);
      return mention(`#${ctx.channelName(id) ?? (label || id)}`, 'mention');
    }
    if (target.startsWith('!')) {
      const word = target.slice(1);
      if (word === 'here' || word === 'channel' || word === 'everyone') return mention(`@${word}`, 'mention');
      // <!subteam^S123|@oncall>, <!date^1700000000^{date}|fallback>: Slack shows the label.
      return label
        ? word.startsWith('subteam')
          ? mention(label, 'mention')
          : keep(esc(label))
        : keep(esc(`<${decode(inner)}>`));
    }
    const url = decode(target);
    if (/^(https?:\/\/|mailto:)/i.test(url)) {
      const shown = label || url.replace(/^mailto:/i, '');
      return keep(`<a href="${esc(url)}" target="_blank" rel="noopener noreferrer">${esc(shown)}</a>`);
    }
    // Not a scheme a link may carry (javascript:, data:, …): show the label, link nothing. With no
    // label it was never meant as a link (a literal `<b>` someone typed), so show it as written.
    return keep(esc(label || `<${url}>`));
  };

  /** Bold, italic and strike over escaped text; markers need a non-word character outside them. */
  const format = (s: string): string => {
    const span = (marker: string, tag: string, input: string): string => {
      const m = marker === '*' ? '\\*' : marker;
      const re = new RegExp(`(^|[^\\w${m}])${m}(?=[^\\s${m}])([^${m}\\n]*?[^\\s${m}])${m}(?![\\w${m}])`, 'g');
      return input.replace(re, (_all, pre: string, body: string) => `${pre}<${tag}>${body}</${tag}>`);
    };
    return span('~', 's', span('_', 'i', span('*', 'b', s)));
  };

  // `:+1::skin-tone-3:` is one emoji in Slack: the tone joins the emoji in one span so fonts combine them.
  const emoji = (s: string): string =>
    s.replace(/:([a-z0-9_+'-]+):(?::(skin-tone-[2-6]):)?/gi, (all, name: string, tone: string | undefined) => {
      const e = ctx.emoji(name.toLowerCase());
      if (e === undefined) return all;
      const t = tone ? (ctx.emoji(tone.toLowerCase()) ?? '') : '';
      const title = `:${name}:${tone ? `:${tone}:` : ''}`;
      return keep(`<span class="emoji" title="${esc(title)}">${esc(e + t)}</span>`);
    });

  /** A run of text outside code: controls first (on the raw text), then escape, emoji, formatting. */
  const inline = (raw: string): string => {
    const parts = raw.split(/(`[^`\n]+`)/);
    let out = '';
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] ?? '';
      if (i % 2 === 1) {
        out += keep(`<code>${plain(part.slice(1, -1))}</code>`);
        continue;
      }
      const withControls = part
        .replace(/<([^<>\n]+)>/g, (_m, inner: string) => control(inner))
        // Slack links bare URLs too; sentence punctuation after one is not part of it.
        .replace(/\bhttps?:\/\/[^\s<>\uE000\uE001]+/g, (url: string) => {
          const tail = /[.,;:!?)'"]+$/.exec(url)?.[0] ?? '';
          return control(url.slice(0, url.length - tail.length)) + tail;
        });
      out += emoji(plain(withControls));
    }
    return format(out);
  };

  /** Lines starting with `>` (or `&gt;`, as the API sends it) become a quote. */
  const lines = (raw: string): string => {
    const out: string[] = [];
    let quote: string[] = [];
    const flush = (): void => {
      if (quote.length) out.push(`<blockquote>${quote.join('\n')}</blockquote>`);
      quote = [];
    };
    for (const line of raw.split('\n')) {
      const q = /^(?:&gt;|>) ?(.*)$/.exec(line);
      if (q) {
        quote.push(inline(q[1] ?? ''));
        continue;
      }
      flush();
      out.push(inline(line));
    }
    flush();
    // A quote is a block element, so the newline that ended it in the source would show twice.
    return out.join('\n').replace(/<\/blockquote>\n/g, '</blockquote>');
  };

  const source = String(text ?? '').replace(/[\uE000\uE001]/g, '');
  const chunks = source.split(/```([\s\S]*?)```/);
  let html = '';
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i] ?? '';
    if (i % 2 === 1) html += keep(`<pre>${plain(chunk.replace(/^\n/, '').replace(/\n$/, ''))}</pre>`);
    else {
      // A pre is a block: the newlines that set it apart in the source would show as blank lines.
      let around = i > 0 ? chunk.replace(/^\n/, '') : chunk;
      if (i < chunks.length - 1) around = around.replace(/\n$/, '');
      html += lines(around);
    }
  }
  // Placeholders nest (code inside a quote line, a quote inside formatting): unwrap until none are left.
  for (let pass = 0; pass < 4 && html.includes(OPEN); pass++) html = restore(html);
  return html;
}
