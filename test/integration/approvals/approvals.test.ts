/**
 * Approvals in Slack through the real server (worker included) and the sandbox's signed clicks:
 * approve and reject by an approver; a person who may not decide gets an ephemeral and nothing
 * changes; a double click and a click racing `runwire task complete` give one decision (the late one
 * is told who decided); a forged or replayed interactivity request is refused with 401.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { computeSlackSignature } from '../../../src/sandbox/events/signature.js';
import { collect, waitFor } from '../slack/harness.js';
import { ApprovalEnv, hasButtons } from './harness.js';

const RUNBOOK = `name: Cutover
vars:
  release: "2.0"
tasks:
  - id: smoke
    type: milestone
  - id: go
    name: Go / no-go
    type: manual
    depends_on: [smoke]
    slack:
      channel: "#releases"
      text: "Cut over release {{vars.release}}?"
      approvers: ["@alice", "@release-managers"]
  - id: cutover
    type: milestone
    depends_on: [go]
`;

for (const backend of ['sqlite', 'postgres'] as const)
  describe(`approvals in Slack (server + sandbox, ${backend})`, () => {
    let env: ApprovalEnv;
    before(async () => {
      env = await ApprovalEnv.start(backend);
    });
    after(async () => {
      await env.close();
    });

    it('an approver clicks Approve: the task completes once, the log says who, the message shows it without buttons', async () => {
      const runId = await env.start(RUNBOOK);
      const m = await env.request(runId, 'go');
      assert.ok(hasButtons(m));
      const clicked = await env.click('alice', 'releases', m.ts, 'runwire_approve');
      assert.equal(clicked.acked, true, 'acked with a 200 within 3 s');
      await env.waitRun(runId, 'succeeded');
      const log = (await env.server.runtime.runtime.store.getEvents(runId)).map((e) => e.message);
      assert.ok(log.includes('Go / no-go: approved by @alice in Slack'), log.join('\n'));
      const now = await waitFor(async () => {
        const c = await env.current('releases', m.ts);
        return hasButtons(c) ? undefined : c;
      }, 'the message closed');
      assert.match(now.text, /Approved\* by @alice in Slack at 20\d\d-/);
    });

    it('a member of an approvers user group clicks Reject: the task fails "rejected by @erin in Slack"', async () => {
      const runId = await env.start(RUNBOOK);
      const m = await env.request(runId, 'go');
      await env.click('erin', 'releases', m.ts, 'runwire_reject');
      await env.waitRun(runId, 'failed');
      const go = await env.task(runId, 'go');
      assert.equal(go.status, 'failed');
      assert.equal(go.error?.code, 'runwire.task.rejected');
      assert.equal(go.reason, 'rejected by @erin in Slack');
      assert.equal((await env.task(runId, 'cutover')).status, 'pending');
      const closed = await waitFor(async () => {
        const c = await env.current('releases', m.ts);
        return hasButtons(c) ? undefined : c;
      }, 'the message closed');
      assert.match(closed.text, /Rejected\* by @erin in Slack/);
    });

    it('a person who is not an approver is told so in an ephemeral; the task still waits, the buttons stay', async () => {
      const runId = await env.start(RUNBOOK);
      const m = await env.request(runId, 'go');
      await env.waitTask(runId, 'go', 'waiting');
      const seen = env.ephemerals.length;
      await env.click('dave', 'releases', m.ts, 'runwire_approve');
      const eph = await waitFor(
        async () => env.ephemerals.slice(seen).find((e) => e.user === env.userId('dave')),
        'an ephemeral to dave',
      );
      assert.match(eph.text, /You are not an approver of this task/);
      await env.server.approvals.idle();
      assert.equal((await env.task(runId, 'go')).status, 'waiting');
      assert.ok(hasButtons(await env.current('releases', m.ts)));
      await env.click('alice', 'releases', m.ts, 'runwire_approve');
      await env.waitRun(runId, 'succeeded');
    });

    it('a double click gives one decision; the second clicker is told who decided', async () => {
      const runId = await env.start(RUNBOOK);
      const m = await env.request(runId, 'go');
      await env.waitTask(runId, 'go', 'waiting');
      const seen = env.ephemerals.length;
      await Promise.all([
        env.click('alice', 'releases', m.ts, 'runwire_approve'),
        env.click('erin', 'releases', m.ts, 'runwire_reject'),
      ]);
      await env.server.approvals.idle();
      const go = await waitFor(async () => {
        const t = await env.task(runId, 'go');
        return t.status === 'waiting' ? undefined : t;
      }, 'the decision applied');
      const events = await env.server.runtime.runtime.store.getEvents(runId);
      const decisions = events.filter((e) => e.taskId === 'go' && typeof e.data?.decided_by === 'string');
      assert.equal(decisions.length, 1, 'one decision in the log');
      assert.equal(events.filter((e) => e.kind === 'action.ignored').length, 0, 'no second decision recorded');
      const winner = decisions[0]!.data!.decided_by as string;
      const loser = winner === 'slack:@alice' ? 'erin' : 'alice';
      assert.equal(go.status, winner === 'slack:@alice' ? 'succeeded' : 'failed');
      const told = await waitFor(
        async () => env.ephemerals.slice(seen).find((e) => e.user === env.userId(loser)),
        'an ephemeral to the late clicker',
      );
      assert.match(told.text, new RegExp(`Already (approved|rejected) by ${winner.slice('slack:'.length)} in Slack`));
    });

    it('a click racing runwire task complete: one decision; whoever is late is told who decided', async () => {
      const runId = await env.start(RUNBOOK);
      const m = await env.request(runId, 'go');
      await env.waitTask(runId, 'go', 'waiting');
      const seen = env.ephemerals.length;
      const [cli] = await Promise.all([
        collect(env.slack.spawn([...env.dbArgs, 'task', 'complete', runId, 'go', '--json'])),
        env.click('alice', 'releases', m.ts, 'runwire_approve'),
      ]);
      await env.server.approvals.idle();
      await env.waitRun(runId, 'succeeded');
      const events = await env.server.runtime.runtime.store.getEvents(runId);
      const decisions = events.filter((e) => e.taskId === 'go' && typeof e.data?.decided_by === 'string');
      assert.equal(decisions.length, 1, 'one decision');
      if (decisions[0]!.data!.decided_by === 'slack:@alice') {
        assert.notEqual(cli.code, 0, 'the CLI came late');
        assert.match(cli.stderr + cli.stdout, /already approved by @alice in Slack/);
      } else {
        assert.equal(cli.code, 0, cli.stderr);
        const told = await waitFor(
          async () => env.ephemerals.slice(seen).find((e) => e.user === env.userId('alice')),
          'an ephemeral to alice',
        );
        assert.match(told.text, /Already completed by cli:/);
      }
      const closed = await waitFor(async () => {
        const c = await env.current('releases', m.ts);
        return hasButtons(c) ? undefined : c;
      }, 'the message closed');
      assert.match(closed.text, /(Approved|Completed)\* by/);
    });

    it('a forged or replayed interactivity request is refused with 401 and changes nothing', async () => {
      const runId = await env.start(RUNBOOK);
      const m = await env.request(runId, 'go');
      await env.waitTask(runId, 'go', 'waiting');
      const approve = (
        (m.blocks ?? []).find((b) => (b as { type: string }).type === 'actions') as {
          elements: Array<{ value: string }>;
        }
      ).elements[0]!.value;
      const ws = env.slack.sandbox.workspace;
      const payload = {
        type: 'block_actions',
        api_app_id: ws.app.id,
        team: { id: ws.team.id },
        user: { id: env.userId('alice'), username: 'alice' },
        actions: [{ action_id: 'runwire_approve', value: approve }],
        container: { channel_id: env.channelId('releases'), message_ts: m.ts },
      };
      const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
      const post = (headers: Record<string, string>) =>
        fetch(`${env.server.url}/slack/interactivity`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
          body,
        });
      const now = Math.floor(Date.now() / 1000);
      const forged = await post({
        'x-slack-request-timestamp': String(now),
        'x-slack-signature': computeSlackSignature('not-the-secret', now, body),
      });
      assert.equal(forged.status, 401);
      const old = now - 600;
      const replayed = await post({
        'x-slack-request-timestamp': String(old),
        'x-slack-signature': computeSlackSignature(ws.app.signing_secret, old, body),
      });
      assert.equal(replayed.status, 401);
      assert.equal(((await replayed.json()) as { error: { code: string } }).error.code, 'runwire.slack.request.stale');
      const unsigned = await post({});
      assert.equal(unsigned.status, 401);
      await env.server.approvals.idle();
      assert.equal((await env.task(runId, 'go')).status, 'waiting', 'nothing changed');
      assert.deepEqual(await env.server.runtime.runtime.store.pendingActions(runId), []);
      // A correctly signed request with a tampered button value decides nothing either.
      const tampered = `payload=${encodeURIComponent(JSON.stringify({ ...payload, actions: [{ action_id: 'runwire_approve', value: `${approve.slice(0, -2)}xx` }] }))}`;
      const signedAt = Math.floor(Date.now() / 1000);
      const t = await fetch(`${env.server.url}/slack/interactivity`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': String(signedAt),
          'x-slack-signature': computeSlackSignature(ws.app.signing_secret, signedAt, tampered),
        },
        body: tampered,
      });
      assert.equal(t.status, 200);
      await env.server.approvals.idle();
      assert.equal((await env.task(runId, 'go')).status, 'waiting', 'a tampered reference decides nothing');
      await env.click('alice', 'releases', m.ts, 'runwire_approve');
      await env.waitRun(runId, 'succeeded');
    });
  });
