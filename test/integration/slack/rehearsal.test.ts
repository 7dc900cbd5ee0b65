/** Rehearsal behaviour of slack.message: skip (default) records the text; send prefixes; a channel redirects. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { postedFor, SlackEnv, taskOf } from './harness.js';

let env: SlackEnv;
before(async () => {
  env = await SlackEnv.start({ rateLimits: false });
});
after(async () => env?.close());

const RUNBOOK = `
name: rehearse
vars:
  release: "7"
tasks:
  - id: quiet
    type: slack.message
    channel: "#releases"
    message: "Release {{vars.release}} is live"
  - id: loud
    type: slack.message
    channel: "#ops"
    message: "Ops: release {{vars.release}}"
    rehearsal: send
  - id: redirected
    type: slack.message
    channel: "#incidents"
    message: "Incident drill for {{vars.release}}"
    rehearsal:
      channel: "#random"
`;

test('a rehearsal skips by default, sends prefixed with rehearsal: send, and redirects with rehearsal: {channel}', {
  timeout: 120_000,
}, async () => {
  const r = await env.run(RUNBOOK, ['--rehearsal']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.run.mode, 'rehearsal');

  // skip: nothing posted, but the rendered text is recorded as "Not sent (rehearsal)".
  const quiet = taskOf(r.run, 'quiet');
  assert.equal(quiet.status, 'skipped');
  assert.equal(quiet.slack?.state, 'skipped');
  assert.equal(quiet.slack?.text, 'Release 7 is live');
  assert.equal(postedFor(await env.messages('#releases'), 'quiet').length, 0);
  assert.ok(env.events(r.run.id).some((e) => e.task === 'quiet' && e.message === 'quiet: Not sent (rehearsal)'));

  // send: posted to its own channel with the prefix.
  const loud = postedFor(await env.messages('#ops'), 'loud');
  assert.equal(loud.length, 1);
  assert.equal(loud[0]!.text, '[REHEARSAL] Ops: release 7');
  assert.equal(taskOf(r.run, 'loud').slack?.state, 'sent');

  // redirect: posted to the rehearsal channel, not the real one.
  assert.equal(postedFor(await env.messages('#incidents'), 'redirected').length, 0);
  const red = postedFor(await env.messages('#random'), 'redirected');
  assert.equal(red.length, 1);
  assert.equal(red[0]!.text, '[REHEARSAL] Incident drill for 7');
  assert.equal(taskOf(r.run, 'redirected').slack?.channel_name, '#random');
});

test('the same runbook live posts to the real channels without a prefix', { timeout: 120_000 }, async () => {
  const r = await env.run(RUNBOOK);
  assert.equal(r.code, 0, r.stderr);
  const inc = postedFor(await env.messages('#incidents'), 'redirected').filter(
    (m) => m.metadata?.event_payload.run_id === r.run.id,
  );
  assert.equal(inc.length, 1);
  assert.equal(inc[0]!.text, 'Incident drill for 7');
  assert.equal(postedFor(await env.messages('#releases'), 'quiet')[0]?.text, 'Release 7 is live');
});

test('in a rehearsal, a reply whose parent was not sent is not sent either', { timeout: 120_000 }, async () => {
  const r = await env.run(
    `
name: rehearse-thread
tasks:
  - id: parent
    type: slack.message
    channel: "#ops"
    message: "parent"
  - id: child
    type: slack.message
    depends_on: [parent]
    thread: parent
    message: "child"
    rehearsal: send
`,
    ['--rehearsal'],
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(taskOf(r.run, 'parent').slack?.state, 'skipped');
  assert.equal(taskOf(r.run, 'child').slack?.state, 'skipped');
  assert.equal(taskOf(r.run, 'child').slack?.text, '[REHEARSAL] child');
  const mine = (await env.messages('#ops')).filter((m) => m.metadata?.event_payload.run_id === r.run.id);
  assert.equal(mine.length, 0);
});
