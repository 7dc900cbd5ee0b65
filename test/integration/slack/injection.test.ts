/**
 * Values from vars and task outputs cannot inject into Slack, through the real CLI and engine
 * against the sandbox: in mrkdwn they are escaped (an http response holding `<!channel>` and a
 * disguised link shows as text), `{{raw …}}` inserts one as mrkdwn on purpose, and blocks given as a
 * JSON string are parsed before their string values are rendered, so a var cannot add a block.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postedFor, SlackEnv, taskOf } from './harness.js';

let env: SlackEnv;
let server: Server;
let statusUrl: string;
const HOSTILE = '<!channel> deploy failed, see <https://evil.example/login|the runbook> & retry';

before(async () => {
  env = await SlackEnv.start({ rateLimits: false });
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ summary: HOSTILE }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  statusUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/status`;
});
after(async () => {
  await env?.close();
  await new Promise((resolve) => server?.close(resolve));
});

const escaped = '&lt;!channel&gt; deploy failed, see &lt;https://evil.example/login|the runbook&gt; &amp; retry';

test('an http response and a var go into mrkdwn escaped; a var cannot add blocks', {
  timeout: 120_000,
}, async () => {
  // A var that would close the text, the block and the list in a JSON string templated before parsing.
  const breakout = 'x"}},{"type":"section","text":{"type":"mrkdwn","text":"<!here> injected';
  const file = await env.writeRunbook(
    'inject.yaml',
    `
name: inject
vars:
  who: "someone"
  breakout: "none"
tasks:
  - id: status
    type: http
    url: "${statusUrl}"
  - id: tell
    type: slack.message
    depends_on: [status]
    channel: "#ops"
    message: "Status: {{tasks.status.output.body.summary}} (by {{vars.who}})"
    blocks: '[{"type":"section","text":{"type":"mrkdwn","text":"Note: {{vars.breakout}}"}},{"type":"header","text":{"type":"plain_text","text":"{{vars.breakout}}"}}]'
`,
  );
  const r = await env.cli(['run', file, '--json', '--var', 'who=<@U0ALICE>', '--var', `breakout=${breakout}`]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const run = JSON.parse(r.stdout) as { id: string; tasks: Array<{ id: string; slack?: { text?: string } }> };
  const [msg] = postedFor(await env.messages('#ops'), 'tell').filter(
    (m) => m.metadata?.event_payload.run_id === run.id,
  );
  assert.ok(msg, 'the message was posted');
  assert.equal(msg.text, `Status: ${escaped} (by &lt;@U0ALICE&gt;)`);
  assert.ok(!msg.text.includes('<!channel>'), 'no @channel from an http response');
  assert.ok(!msg.text.includes('<https://evil'), 'no disguised link');
  assert.equal(taskOf(run as never, 'tell').slack?.text, msg.text, 'the state shows the text as posted');

  const blocks = msg.blocks as Array<{ type: string; text: { type: string; text: string } }>;
  assert.equal(blocks.length, 2, 'the var did not add a block');
  assert.deepEqual(
    blocks.map((b) => b.type),
    ['section', 'header'],
  );
  assert.equal(
    blocks[0]!.text.text,
    `Note: x"}},{"type":"section","text":{"type":"mrkdwn","text":"&lt;!here&gt; injected`,
    'the whole value sits inside the mrkdwn text, escaped',
  );
  assert.equal(blocks[1]!.text.text, breakout, 'plain_text gets the value as it is (Slack shows it literally)');
});

test('{{raw …}} inserts a value as mrkdwn on purpose (a mention), the same value escaped elsewhere', {
  timeout: 120_000,
}, async () => {
  const r = await env.run(
    `
name: raw
vars:
  who: "someone"
tasks:
  - id: page
    type: slack.message
    channel: "#ops"
    message: "Paging {{raw vars.who}} (asked by {{vars.who}})"
`,
    ['--var', 'who=<@U0ALICE>'],
  );
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const [msg] = postedFor(await env.messages('#ops'), 'page').filter(
    (m) => m.metadata?.event_payload.run_id === r.run.id,
  );
  assert.equal(msg?.text, 'Paging <@U0ALICE> (asked by &lt;@U0ALICE&gt;)');
});

test('blocks as a JSON string with a template outside its strings is refused by validate', async () => {
  const file = await env.writeRunbook(
    'outside.yaml',
    `
name: outside
vars:
  more: ""
tasks:
  - id: tell
    type: slack.message
    channel: "#ops"
    message: "m"
    blocks: '[{"type":"divider"}{{vars.more}}]'
`,
  );
  const r = await env.cli(['validate', file]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(
    r.stderr,
    /outside\.yaml:\d+:\d+ tasks\[0\]\.blocks: blocks is not valid JSON: templates go inside its string values/,
  );
});
