/**
 * slack.message through the real CLI and engine against the sandbox: a public channel, a private
 * channel the bot is in, DMs by handle and e-mail, a group DM, a thread reply (broadcast), an update.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { postedFor, SlackEnv, taskOf } from './harness.js';

let env: SlackEnv;
before(async () => {
  env = await SlackEnv.start({ rateLimits: true });
});
after(async () => env?.close());

const RUNBOOK = `
name: targets
vars:
  release: "42"
tasks:
  - id: announce
    type: slack.message
    channel: "#releases"
    message: "Release {{vars.release}} starts"
  - id: private
    type: slack.message
    channel: "#security"
    message: "Private note for {{vars.release}}"
  - id: dm-handle
    type: slack.message
    channel: "@alice"
    message: "Hi Alice"
  - id: dm-mail
    type: slack.message
    channel: bob@runwire.example
    message: "Hi Bob"
  - id: group
    type: slack.message
    channel: ["@alice", "@bob", "carol@runwire.example"]
    message: "Hi all three"
  - id: reply
    type: slack.message
    depends_on: [announce]
    thread: announce
    broadcast: true
    message: "Step 1 done"
  - id: status
    type: slack.message
    depends_on: [reply]
    update: announce
    message: "Release {{vars.release}}: done"
  - id: blocks
    type: slack.message
    channel: "#ops"
    message: "fallback text"
    blocks:
      - type: section
        text: { type: mrkdwn, text: "*Release {{vars.release}}*" }
`;

test('posts to a public channel, a private channel, DMs, a group DM, a thread and updates a message', {
  timeout: 180_000,
}, async () => {
  const r = await env.run(RUNBOOK);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.run.status, 'succeeded');
  const state = env.sandbox.workspace;

  // Public channel: posted once, tagged with run, task and delivery; the run JSON has the delivery state.
  const announce = taskOf(r.run, 'announce').slack!;
  assert.equal(announce.state, 'sent');
  assert.equal(announce.channel_name, '#releases');
  assert.match(announce.channel ?? '', /^C/);
  assert.equal(announce.attempts, 1);
  assert.match(announce.permalink ?? '', new RegExp(`/archives/${announce.channel}/p${announce.ts?.replace('.', '')}`));
  const releases = await env.messages('#releases');
  const posted = postedFor(releases, 'announce');
  assert.equal(posted.length, 1);
  assert.equal(posted[0]!.ts, announce.ts);
  assert.equal(posted[0]!.metadata?.event_payload.run_id, r.run.id);
  // The update edited it in place (still one message), with the rendered text.
  assert.equal(posted[0]!.text, 'Release 42: done');
  assert.equal(taskOf(r.run, 'status').slack?.ts, announce.ts);
  assert.equal(taskOf(r.run, 'announce').slack?.text, 'Release 42 starts');

  // Thread reply, also shown in the channel.
  const reply = postedFor(releases, 'reply');
  assert.equal(reply.length, 1);
  assert.equal(reply[0]!.thread_ts, announce.ts);
  assert.equal(reply[0]!.reply_broadcast, true);

  // Private channel the bot is a member of.
  assert.equal(postedFor(await env.messages('#security'), 'private')[0]?.text, 'Private note for 42');

  // DMs: the conversation is an IM with the right person.
  for (const [id, person] of [
    ['dm-handle', 'alice'],
    ['dm-mail', 'bob'],
  ] as const) {
    const s = taskOf(r.run, id).slack!;
    assert.equal(s.state, 'sent', id);
    const ch = state.channels.get(s.channel!);
    assert.equal(ch?.type, 'im', id);
    const user = [...state.users.values()].find((u) => u.name === person)!;
    assert.ok(ch?.members.has(user.id), `${id} goes to ${person}`);
    assert.equal(postedFor(await env.messages(s.channel!), id).length, 1);
  }

  // Group DM with exactly the three people (and the bot).
  const g = taskOf(r.run, 'group').slack!;
  const mpim = state.channels.get(g.channel!);
  assert.equal(mpim?.type, 'mpim');
  const names = [...(mpim?.members ?? [])].map((id) => state.users.get(id)?.name).sort();
  assert.deepEqual(
    names.filter((n) => ['alice', 'bob', 'carol'].includes(n!)),
    ['alice', 'bob', 'carol'],
  );
  assert.equal(postedFor(await env.messages(g.channel!), 'group')[0]?.text, 'Hi all three');

  // Blocks are rendered and sent; the text stays as the fallback.
  const b = postedFor(await env.messages('#ops'), 'blocks')[0]!;
  assert.equal(b.text, 'fallback text');
  assert.deepEqual(b.blocks, [{ type: 'section', text: { type: 'mrkdwn', text: '*Release 42*' } }]);

  // People see the states in the event log.
  const log = env
    .events(r.run.id)
    .filter((e) => e.task === 'announce')
    .map((e) => e.message);
  assert.ok(log.includes('announce: Message sending'), log.join('\n'));
  assert.ok(log.includes('announce: Message sent'), log.join('\n'));
});

test('runwire validate rejects a thread that is not an earlier slack.message ancestor', async () => {
  const file = await env.writeRunbook(
    'bad-thread.yaml',
    `
name: bad
tasks:
  - id: a
    type: slack.message
    channel: "#ops"
    message: a
  - id: b
    type: slack.message
    thread: a
    message: b
  - id: c
    type: slack.message
    channel: "#ops"
    update: nowhere
    broadcast: true
    message: c
`,
  );
  const r = await env.cli(['validate', file]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /thread: task "a" must finish first/);
  assert.match(r.stderr, /update: no task "nowhere"/);
  assert.match(r.stderr, /broadcast only applies to thread replies/);
});

test('runwire validate: a list of channels says one task per channel; 9 users say at most 8', async () => {
  const file = await env.writeRunbook(
    'lists.yaml',
    `
name: lists
tasks:
  - id: two
    type: slack.message
    channel: ["#ops", "#releases"]
    message: a
  - id: nine
    type: slack.message
    channel: ["@a", "@b", "@c", "@d", "@e", "@f", "@g", "@h", "@i"]
    message: b
`,
  );
  const r = await env.cli(['validate', file]);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /lists\.yaml:6:5 tasks\[0\]\.channel: "#ops", "#releases" are channels, not users: .*write one task per channel/,
  );
  assert.match(r.stderr, /lists\.yaml:10:5 tasks\[1\]\.channel: a group DM can have at most 8 users \(got 9\)/);
  assert.ok(!/got a list/.test(r.stderr), 'says what is wrong with the list');
});

test("as_user: true posts with the connection's user token, as that person", { timeout: 120_000 }, async () => {
  await env.addConnection('me', env.sandbox.credentials.user_token!);
  const r = await env.run(`
name: as-user
tasks:
  - id: personal
    type: slack.message
    connection: me
    as_user: true
    channel: "#general"
    message: "Posted as a person"
`);
  assert.equal(r.code, 0, r.stderr);
  const m = postedFor(await env.messages('#general'), 'personal');
  assert.equal(m.length, 1);
  const poster = env.sandbox.workspace.users.get(m[0]!.user);
  assert.equal(poster?.is_bot, false, 'posted by a person, not the bot');
  assert.equal(env.sandbox.workspace.tokens.get(env.sandbox.credentials.user_token!)?.user_id, m[0]!.user);
});

const UPDATE_BLOCKS = `
name: update-blocks
tasks:
  - id: announce
    type: slack.message
    channel: "#ops"
    message: "starting"
    blocks:
      - type: section
        text: { type: mrkdwn, text: "*Starting*" }
  - id: done
    type: slack.message
    depends_on: [announce]
    update: announce
    message: "All done"
`;

test('an update without blocks replaces a message that had blocks with its text (Slack keeps blocks left out)', {
  timeout: 120_000,
}, async () => {
  const r = await env.run(UPDATE_BLOCKS);
  assert.equal(r.code, 0, r.stderr);
  const posted = postedFor(await env.messages('#ops'), 'announce');
  assert.equal(posted.length, 1);
  assert.equal(posted[0]!.text, 'All done');
  assert.ok(!posted[0]!.blocks?.length, `the old blocks are gone: ${JSON.stringify(posted[0]!.blocks)}`);
});
