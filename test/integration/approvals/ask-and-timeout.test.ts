/**
 * A manual task with `slack:` through the real CLI against the sandbox: the request is posted once
 * with Approve/Reject buttons holding signed references; with a timeout the task wakes at its
 * deadline and applies `on_timeout` (fail, skip, complete), closing the message in place (no buttons).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SlackEnv, postedFor, taskOf, type SandboxMessage } from '../slack/harness.js';

const runbook = (extra: string) => `name: Cutover
vars:
  release: "1.2 <b>"
tasks:
  - id: smoke
    type: milestone
  - id: go
    type: manual
    depends_on: [smoke]
    slack:
      channel: "#releases"
      text: "Cut over release {{vars.release}}?"
${extra}
  - id: after
    type: milestone
    depends_on: [go]
`;

interface Button {
  action_id: string;
  value: string;
}

function buttonsOf(m: SandboxMessage): Button[] {
  const actions = (m.blocks ?? []).find((b) => (b as { type: string }).type === 'actions') as
    | { elements: Button[] }
    | undefined;
  return actions?.elements ?? [];
}

describe('manual tasks asking in Slack (CLI)', () => {
  let env: SlackEnv;
  before(async () => {
    env = await SlackEnv.start();
  });
  after(async () => {
    await env.close();
  });

  it('posts the request once with two signed, opaque buttons and waits (exit 3); runwire task complete goes on and closes it', async () => {
    const r = await env.run(runbook('      approvers: ["@alice", "@release-managers"]'));
    assert.equal(r.code, 3, r.stderr);
    const go = taskOf(r.run, 'go');
    assert.equal(go.status, 'waiting');
    const posted = postedFor(await env.messages('releases'), 'go');
    assert.equal(posted.length, 1, 'posted once');
    const m = posted[0]!;
    assert.match(m.text, /Cut over release 1\.2 &lt;b&gt;\?/, 'vars escaped for mrkdwn');
    const buttons = buttonsOf(m);
    assert.deepEqual(
      buttons.map((b) => b.action_id),
      ['runwire_approve', 'runwire_reject'],
    );
    for (const b of buttons) {
      assert.match(b.value, /^rwa1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
      assert.ok(!b.value.includes(r.run.id), 'the run id is not readable in the value');
    }
    assert.notEqual(buttons[0]!.value, buttons[1]!.value);
    const done = await env.cli(['task', 'complete', r.run.id, 'go', '--json']);
    assert.equal(done.code, 0, done.stderr);
    assert.equal(JSON.parse(done.stdout).status, 'succeeded');
    const closed = (await env.messages('releases')).find((x) => x.ts === m.ts)!;
    assert.deepEqual(buttonsOf(closed), [], 'decided with the CLI: the request is closed too');
    assert.match(closed.text, /Completed\* by cli:tester at 20\d\d-/);
  });

  it('an unknown approver fails the task before anything is posted, naming it', async () => {
    const r = await env.run(runbook('      approvers: ["@nobody-here"]'));
    assert.equal(r.code, 1);
    const go = taskOf(r.run, 'go');
    assert.equal(go.error?.code, 'runwire.approval.unknown_approver');
    assert.match(go.error?.message ?? '', /@nobody-here/);
  });

  for (const [onTimeout, status, runStatus] of [
    ['fail', 'failed', 'failed'],
    ['skip', 'skipped', 'succeeded'],
    ['complete', 'succeeded', 'succeeded'],
  ] as const) {
    it(`timeout with on_timeout: ${onTimeout} → the task is ${status}; the message is closed without buttons`, async () => {
      const r = await env.run(runbook(`      timeout: 1s\n      on_timeout: ${onTimeout}`));
      assert.equal(r.run.status, runStatus, r.stdout);
      const go = taskOf(r.run, 'go');
      assert.equal(go.status, status);
      if (onTimeout === 'fail') assert.equal(go.error?.code, 'runwire.task.approval_timeout');
      assert.equal(taskOf(r.run, 'after').status, onTimeout === 'fail' ? 'pending' : 'succeeded');
      const posted = postedFor(await env.messages('releases'), 'go').filter((m) => m.ts === go.output?.ts);
      assert.equal(posted.length, 1);
      assert.deepEqual(buttonsOf(posted[0]!), [], 'no buttons left');
      assert.match(posted[0]!.text, /Timed out/);
      const log = env.events(r.run.id).map((e) => e.message);
      assert.ok(
        log.some((l) => /No decision by .*: /.test(l)),
        log.join('\n'),
      );
    });
  }

  it('in a rehearsal the request goes to the rehearsal channel, prefixed [REHEARSAL]', async () => {
    const r = await env.run(runbook('      rehearsal: { channel: "#ops" }'), ['--rehearsal']);
    assert.equal(r.code, 3, r.stderr);
    const posted = postedFor(await env.messages('ops'), 'go');
    assert.equal(posted.length, 1);
    assert.match(posted[0]!.text, /^\[REHEARSAL\] Cut over release/);
    assert.equal(postedFor(await env.messages('releases'), 'go').filter((m) => m.text.includes('REHEARSAL')).length, 0);
  });
});
