import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderDeep, type TemplateScope } from '../../../src/core/template.js';
import type { InputRenderer } from '../../../src/core/task-type.js';
import { escapeMrkdwn, renderBlocks } from '../../../src/slack/mrkdwn.js';
import { renderSlackMessageInput, type SlackMessageInput } from '../../../src/tasks/slack-message.js';

const scope: TemplateScope = { vars: { v: '<!channel> & <https://evil|docs>', who: '<@U1>' } };
const render: InputRenderer = (value, escapeValue) =>
  renderDeep(value, scope, escapeValue ? { escape: escapeValue } : {});

test("Slack's escaping: exactly &, < and >", () => {
  assert.equal(escapeMrkdwn('<!here> a & b > c'), '&lt;!here&gt; a &amp; b &gt; c');
  assert.equal(escapeMrkdwn('&amp;'), '&amp;amp;', 'a value is text: an entity in it shows as written');
  assert.equal(escapeMrkdwn('*bold* _it_ "q" \'s\''), '*bold* _it_ "q" \'s\'');
});

test('message values are escaped, {{raw …}} is not, the literal text is left alone', () => {
  const out = renderSlackMessageInput(
    { channel: '#ops', message: '<!here> {{vars.v}} / {{raw vars.who}} / {{ raw  vars.v }}' },
    render,
  );
  assert.equal(
    out.message,
    '<!here> &lt;!channel&gt; &amp; &lt;https://evil|docs&gt; / <@U1> / <!channel> & <https://evil|docs>',
  );
});

test('blocks: a JSON string is parsed before rendering; only mrkdwn text is escaped', () => {
  const blocks = JSON.stringify([
    {
      type: 'section',
      text: { type: 'mrkdwn', text: 'a {{vars.v}}' },
      fields: [{ type: 'mrkdwn', text: '{{vars.who}}' }],
    },
    { type: 'header', text: { type: 'plain_text', text: '{{vars.v}}' } },
    {
      type: 'actions',
      elements: [
        { type: 'button', url: 'https://x.example/?a={{vars.who}}', text: { type: 'plain_text', text: 'go' } },
      ],
    },
  ]);
  const out = renderSlackMessageInput({ channel: '#ops', message: 'm', blocks } as SlackMessageInput, render);
  assert.ok(Array.isArray(out.blocks), 'the string became its list');
  const b = out.blocks as Array<Record<string, any>>;
  assert.equal(b.length, 3);
  assert.equal(b[0]!.text.text, 'a &lt;!channel&gt; &amp; &lt;https://evil|docs&gt;');
  assert.equal(b[0]!.fields[0].text, '&lt;@U1&gt;');
  assert.equal(b[1]!.text.text, '<!channel> & <https://evil|docs>', 'plain_text is shown literally by Slack');
  assert.equal(b[2]!.elements[0].url, 'https://x.example/?a=<@U1>');
});

test('a value with JSON in it stays inside its string', () => {
  const breakout: TemplateScope = { vars: { v: '"}},{"type":"divider"' } };
  const r: InputRenderer = (value, e) => renderDeep(value, breakout, e ? { escape: e } : {});
  const out = renderBlocks(JSON.parse('[{"type":"section","text":{"type":"mrkdwn","text":"x{{vars.v}}"}}]'), r);
  assert.deepEqual(out, [{ type: 'section', text: { type: 'mrkdwn', text: 'x"}},{"type":"divider"' } }]);
});

test('a templated type is rendered before deciding whether text is mrkdwn', () => {
  const s: TemplateScope = { vars: { t: 'mrkdwn', v: '<x>' } };
  const r: InputRenderer = (value, e) => renderDeep(value, s, e ? { escape: e } : {});
  assert.deepEqual(renderBlocks({ type: '{{vars.t}}', text: '{{vars.v}}' }, r), { type: 'mrkdwn', text: '&lt;x&gt;' });
});
