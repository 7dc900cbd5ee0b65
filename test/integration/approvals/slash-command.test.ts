/**
 * `/runwire` through the sandbox (signed slash commands) and the real server: the reply is an
 * ephemeral (within Slack's 3 s); `run --rehearsal` starts a rehearsal whose board message appears in
 * the channel with the outcome in its thread; roles come from `runwire slack-users map`; an unknown
 * runbook or var gets the CLI's clear error; approve decides a waiting task.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../slack/harness.js';
import { ApprovalEnv, hasButtons } from './harness.js';

const RUNBOOK = `name: Cutover drill
vars:
  release: "1.0"
tasks:
  - id: smoke
    type: milestone
  - id: go
    type: manual
    depends_on: [smoke]
    slack:
      channel: "#releases"
      text: "Go for {{vars.release}}?"
`;

describe('/runwire slash command (server + sandbox)', () => {
  let env: ApprovalEnv;
  before(async () => {
    env = await ApprovalEnv.start();
    for (const [who, role] of [
      ['@alice', 'operator'],
      ['@sre', 'viewer'],
    ]) {
      const r = await env.slack.cli(['slack-users', 'map', who!, role!]);
      assert.equal(r.code, 0, r.stderr);
    }
    await env.library('cutover', RUNBOOK);
  });
  after(async () => {
    await env.close();
  });

  it('runwire slack-users list shows the mappings; a bad role is refused before anything is stored', async () => {
    const list = await env.slack.cli(['slack-users', 'list', '--json']);
    assert.deepEqual(
      (JSON.parse(list.stdout) as Array<{ subject: string; role: string }>).map((r) => [r.subject, r.role]),
      [
        ['@alice', 'operator'],
        ['@sre', 'viewer'],
      ],
    );
    const bad = await env.slack.cli(['slack-users', 'map', '@bob', 'owner']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /"owner" is not a role: use viewer, operator, admin/);
  });

  it('run --rehearsal: an ephemeral first, then the run in the channel, its outcome in the thread', async () => {
    const seen = env.ephemerals.length;
    const r = await env.command('alice', 'releases', '/runwire run cutover --rehearsal release=2.0');
    assert.equal(r.acked, true);
    const [reply] = env.told('alice', seen);
    assert.ok(reply, 'an ephemeral reply');
    const runId = /run (r_[0-9a-z]+)/.exec(reply.text)?.[1];
    assert.ok(runId, reply.text);
    assert.match(reply.text, /Started a rehearsal of "Cutover drill"/);
    const run = await env.server.service.get(runId);
    assert.equal(run.run.mode, 'rehearsal');
    assert.equal(run.run.vars.release, '2.0');
    // The rehearsal's approval request: approve it in Slack, then the run ends and its thread says so.
    const m = await env.request(runId, 'go');
    assert.match(m.text, /^\[REHEARSAL\] Go for 2\.0\?/);
    await env.click('alice', 'releases', m.ts, 'runwire_approve');
    await env.waitRun(runId, 'succeeded');
    const thread = await waitFor(async () => {
      const all = await env.slack.messages('releases');
      const board = all.find(
        (x) => x.metadata?.event_payload.run_id === runId && x.metadata.event_payload.task_id === '__board',
      );
      const outcome = board && all.find((x) => x.thread_ts === board.ts && x.ts !== board.ts);
      return board && outcome && /succeeded/.test(board.text) ? { board, outcome } : undefined;
    }, 'the board and its outcome reply');
    assert.match(thread.board.text, /^REHEARSAL · Cutover drill — succeeded · 2 of 2 done/);
    assert.match(thread.outcome.text, new RegExp(`Run ${runId} ended: REHEARSAL · Cutover drill — succeeded`));
  });

  it('an unknown runbook, an unknown var and a missing role get clear ephemerals; nothing starts', async () => {
    const before = (await env.server.runtime.runtime.store.listRuns(100)).length;
    let seen = env.ephemerals.length;
    await env.command('alice', 'releases', '/runwire run nope');
    assert.match(env.told('alice', seen)[0]?.text ?? '', /No runbook "nope" in the library/);
    seen = env.ephemerals.length;
    await env.command('alice', 'releases', '/runwire run cutover colour=red');
    assert.match(env.told('alice', seen)[0]?.text ?? '', /declares no var "colour".*\nFix: Its vars are: release/s);
    seen = env.ephemerals.length;
    await env.command('alice', 'releases', '/runwire run cutover release');
    assert.match(env.told('alice', seen)[0]?.text ?? '', /is not name=value/);
    seen = env.ephemerals.length;
    await env.command('bob', 'releases', '/runwire run cutover');
    assert.match(
      env.told('bob', seen)[0]?.text ?? '',
      /needs the operator role, and you are viewer/,
      'bob is viewer through @sre',
    );
    seen = env.ephemerals.length;
    await env.command('dave', 'releases', '/runwire status');
    assert.match(env.told('dave', seen)[0]?.text ?? '', /have no Runwire role.*runwire slack-users map @dave viewer/s);
    assert.equal((await env.server.runtime.runtime.store.listRuns(100)).length, before);
  });

  it('status for a viewer; approve from the command decides a waiting task and closes its request', async () => {
    const runId = await env.start(RUNBOOK);
    const m = await env.request(runId, 'go');
    await env.waitTask(runId, 'go', 'waiting');
    let seen = env.ephemerals.length;
    await env.command('bob', 'releases', `/runwire status ${runId}`);
    assert.match(env.told('bob', seen)[0]?.text ?? '', /LIVE · Cutover drill — waiting · 1 of 2 done/);
    seen = env.ephemerals.length;
    await env.command('alice', 'releases', `/runwire approve ${runId} go`);
    assert.match(env.told('alice', seen)[0]?.text ?? '', /Approved "go" of run/);
    await env.waitRun(runId, 'succeeded');
    assert.ok(!hasButtons(await env.current('releases', m.ts)));
    seen = env.ephemerals.length;
    await env.command('alice', 'releases', `/runwire reject ${runId} go`);
    assert.match(env.told('alice', seen)[0]?.text ?? '', /Already approved by @alice in Slack/);
  });
});
