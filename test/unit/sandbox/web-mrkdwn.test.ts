/**
 * The sandbox page's mrkdwn formatter: Slack's markup, mentions, links and emoji become HTML, and
 * nothing in a message's text can become markup of its own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMrkdwn, type MrkdwnContext } from '../../../src/sandbox/web/mrkdwn.js';
import { emojiTable } from '../../../src/sandbox/web/emoji.js';

const EMOJI = emojiTable();
const ctx: MrkdwnContext = {
  userName: (id) => (({ U0ALICE000: 'alice' }) as Record<string, string>)[id],
  channelName: (id) => (({ C0RELEASES: 'releases' }) as Record<string, string>)[id],
  emoji: (name) => (Object.hasOwn(EMOJI, name) ? EMOJI[name] : undefined),
};
const r = (text: string): string => renderMrkdwn(text, ctx);

test('bold, italic, strike and inline code', () => {
  assert.equal(r('*Release 42* is _almost_ ~late~ done'), '<b>Release 42</b> is <i>almost</i> <s>late</s> done');
  assert.equal(r('run `npm start` now'), 'run <code>npm start</code> now');
  // Markers inside code are literal, as in Slack.
  assert.equal(r('`*not bold*`'), '<code>*not bold*</code>');
  // Formatting wraps code and links.
  assert.equal(
    r('*see `x` and <https://a.example|docs>*'),
    '<b>see <code>x</code> and <a href="https://a.example" target="_blank" rel="noopener noreferrer">docs</a></b>',
  );
});

test('markers that Slack leaves alone stay as written', () => {
  for (const text of ['snake_case_name', '2*3*4', '* spaced *', 'a * b', '_ spaced _', 'file~1~2', '**'])
    assert.equal(r(text), text);
});

test('preformatted blocks keep their text and newlines, unformatted', () => {
  assert.equal(
    r('before\n```\nline *1*\n<@U0ALICE000> :rocket:\n```\nafter'),
    'before<pre>line *1*\n&lt;@U0ALICE000&gt; :rocket:</pre>after',
  );
  assert.equal(r('```one line```'), '<pre>one line</pre>');
});

test('links: labelled, bare in brackets, bare in text, mailto; other schemes are not links', () => {
  assert.equal(
    r('<https://x.example/a?b=1&amp;c=2|the docs>'),
    '<a href="https://x.example/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">the docs</a>',
  );
  assert.equal(
    r('<https://y.example>'),
    '<a href="https://y.example" target="_blank" rel="noopener noreferrer">https://y.example</a>',
  );
  assert.equal(
    r('open https://z.example/p.'),
    'open <a href="https://z.example/p" target="_blank" rel="noopener noreferrer">https://z.example/p</a>.',
  );
  assert.equal(
    r('<mailto:ops@example.com|ops>'),
    '<a href="mailto:ops@example.com" target="_blank" rel="noopener noreferrer">ops</a>',
  );
  assert.equal(r('<javascript:alert(1)|click>'), 'click');
  assert.equal(r('<data:text/html,x>'), '&lt;data:text/html,x&gt;');
});

test('mentions show names; unknown ids fall back to the label, then the id', () => {
  assert.equal(
    r('<@U0ALICE000> see <#C0RELEASES>'),
    '<span class="mention">@alice</span> see <span class="mention">#releases</span>',
  );
  assert.equal(
    r('<#C0OTHER|other> <@U0NOBODY>'),
    '<span class="mention">#other</span> <span class="mention">@U0NOBODY</span>',
  );
  assert.equal(r('<!here> <!channel>'), '<span class="mention">@here</span> <span class="mention">@channel</span>');
  assert.equal(r('<!subteam^S1|@oncall>'), '<span class="mention">@oncall</span>');
  assert.equal(r('<!date^1700000000^{date}|Nov 14>'), 'Nov 14');
});

test('entities are decoded once and shown as characters, never as markup', () => {
  assert.equal(r('1 &lt; 2 &amp;&amp; 3 &gt; 2'), '1 &lt; 2 &amp;&amp; 3 &gt; 2');
  assert.equal(r('&amp;lt;'), '&amp;lt;');
  assert.equal(r('"quoted" it\'s'), '&quot;quoted&quot; it&#39;s');
});

test('emoji shortcodes become emoji; unknown ones stay as written', () => {
  assert.equal(r(':rocket: go'), '<span class="emoji" title=":rocket:">🚀</span> go');
  const expected: Record<string, string> = {
    white_check_mark: '✅',
    tada: '🎉',
    hourglass_flowing_sand: '⏳',
    warning: '⚠️',
    x: '❌',
    heavy_check_mark: '✔️',
    fire: '🔥',
    rotating_light: '🚨',
    construction: '🚧',
    eyes: '👀',
    '+1': '👍',
    thumbsup: '👍',
    wave: '👋',
    lock: '🔒',
    bell: '🔔',
    memo: '📝',
    calendar: '📆',
    stopwatch: '⏱️',
    green_circle: '🟢',
    red_circle: '🔴',
    large_yellow_circle: '🟡',
    large_green_circle: '🟢',
    thinking_face: '🤔',
  };
  for (const [name, emoji] of Object.entries(expected))
    assert.equal(r(`:${name}:`), `<span class="emoji" title=":${name}:">${emoji}</span>`, name);
  assert.equal(r(':not_an_emoji_at_all:'), ':not_an_emoji_at_all:');
  assert.equal(r(':wave::skin-tone-3:'), '<span class="emoji" title=":wave::skin-tone-3:">👋🏼</span>');
  assert.equal(r('at 10:30:45'), 'at 10:30:45');
});

test('quotes and newlines', () => {
  assert.equal(r('&gt; quoted *bold*\n&gt; more\nafter'), '<blockquote>quoted <b>bold</b>\nmore</blockquote>after');
  assert.equal(r('line 1\nline 2'), 'line 1\nline 2');
});

test('script and event-handler text stays text (XSS)', () => {
  const attacks = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '&lt;img src=x onerror=alert(1)&gt;',
    '<https://x.example|<img src=x onerror=alert(1)>>',
    '<https://x.example" onmouseover="alert(1)|x>',
    '`<script>`',
    '```<script>alert(1)</script>```',
    '\uE0000\uE001<script>',
    ':rocket:<svg onload=alert(1)>',
  ];
  for (const text of attacks) {
    const html = r(text);
    assert.doesNotMatch(html, /<(script|img|svg)/i, `${text} → ${html}`);
    // Outside quoted attribute values (where a quote cannot appear unescaped), no handler attribute.
    assert.doesNotMatch(html.replace(/"[^"]*"/g, '""'), /<[^>]*\son\w+=/i, `${text} → ${html}`);
    // No attribute gains a quote it did not open.
    for (const tag of html.match(/<a [^>]*>/g) ?? [])
      assert.match(tag, /^<a href="[^"]*" target="_blank" rel="noopener noreferrer">$/);
  }
});

test('the function works when serialised into the page, as the page uses it', () => {
  const revived = new Function(`return (${renderMrkdwn.toString()});`)() as typeof renderMrkdwn;
  for (const text of ['*b* _i_ ~s~ `c` :tada: <@U0ALICE000> <https://x.example|x>', '```pre```\n&gt; q', '<script>']) {
    assert.equal(revived(text, ctx), r(text));
  }
});
