/**
 * Approvals and /runwire over Socket Mode: the connection has an app-level token, the server holds the
 * socket (no Request URL is configured), and the sandbox sends the click and the slash command as
 * `interactive` and `slash_commands` envelopes — the same handlers as the HTTP routes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../slack/harness.js';
import { ApprovalEnv, hasButtons } from './harness.js';

const RUNBOOK = `name: Socket approval
tasks:
  - id: go
    name: Go
    type: manual
    slack:
      channel: "#releases"
      text: "Go?"
      approvers: ["@alice"]
`;

describe('approvals over Socket Mode', () => {
  let env: ApprovalEnv;
  before(async () => {
    env = await ApprovalEnv.start('sqlite', { socketMode: true });
  });
  after(async () => {
    await env.close();
  });

  it('a click over the socket approves; a non-approver is told in an ephemeral; /runwire answers over the socket', async () => {
    const runId = await env.start(RUNBOOK);
    const m = await env.request(runId, 'go');
    await env.waitTask(runId, 'go', 'waiting');
    let seen = env.ephemerals.length;
    const refused = await env.click('bob', 'releases', m.ts, 'runwire_approve');
    assert.equal(refused.via, 'socket_mode');
    const eph = await waitFor(async () => env.told('bob', seen)[0], 'an ephemeral to bob');
    assert.match(eph.text, /You are not an approver of this task/);
    const ok = await env.click('alice', 'releases', m.ts, 'runwire_approve');
    assert.equal(ok.via, 'socket_mode');
    await env.waitRun(runId, 'succeeded');
    const closed = await waitFor(async () => {
      const c = await env.current('releases', m.ts);
      return hasButtons(c) ? undefined : c;
    }, 'the message closed');
    assert.match(closed.text, /Approved\* by @alice in Slack/);
    seen = env.ephemerals.length;
    const cmd = await env.command('alice', 'releases', '/runwire help');
    assert.equal(cmd.via, 'socket_mode');
    const help = await waitFor(async () => env.told('alice', seen)[0], 'the help');
    assert.match(
      help.text,
      /operate Runwire runbooks from Slack/,
      `the ack payload is shown as the reply: ${help.text}`,
    );
  });
});
