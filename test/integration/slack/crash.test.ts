/**
 * SIGKILL during delivery, then `runwire resume`: exactly one message. Two moments: while the post
 * itself is in flight (nothing stored yet), and after Slack stored the message but before Runwire
 * learned of it (the answer lost, the look-up in flight) — the resumed task must find it, not repost.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { collect, parseRun, postedFor, SlackEnv, taskOf, waitFor } from './harness.js';

let env: SlackEnv;
before(async () => {
  env = await SlackEnv.start({ rateLimits: false });
});
after(async () => {
  await env?.admin('DELETE', 'faults');
  await env?.close();
});

function runIdOf(dataDir: string): string | undefined {
  try {
    const db = new Database(join(dataDir, 'runwire.db'), { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare('SELECT id FROM runs ORDER BY created_at DESC LIMIT 1').get() as
        | { id: string }
        | undefined;
      return row?.id;
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
}

async function faultsLeft(): Promise<number> {
  return ((await env.admin('GET', 'faults')).faults as unknown[]).length;
}

async function killedThenResumed(
  channel: string,
  taskId: string,
  faults: Array<Record<string, unknown>>,
  ready: () => Promise<boolean>,
) {
  for (const f of faults) await env.admin('POST', 'faults', f);
  const file = await env.writeRunbook(
    `${taskId}.yaml`,
    `
name: crash
tasks:
  - id: ${taskId}
    type: slack.message
    channel: "${channel}"
    message: "survives a crash"
`,
  );
  const child = env.spawn(['run', file, '--json']);
  const done = collect(child);
  await waitFor(async () => ((await ready()) ? true : undefined), 'the child to be inside the delivery');
  child.kill('SIGKILL');
  const killed = await done;
  assert.equal(killed.code, null, 'the run was killed, not finished');
  await env.admin('DELETE', 'faults');
  const runId = runIdOf(env.dataDir);
  assert.ok(runId, 'the run was recorded before the kill');
  const resumed = await env.cli(['resume', runId, '--json']);
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  return parseRun(resumed);
}

test('SIGKILL while the post is in flight, then resume: exactly one message', { timeout: 180_000 }, async () => {
  const run = await killedThenResumed(
    '#ops',
    'inflight',
    [{ method: 'chat.postMessage', kind: 'timeout', hold_ms: 60_000, channel: 'ops' }],
    async () => (await faultsLeft()) === 0,
  );
  const posted = postedFor(await env.messages('#ops'), 'inflight').filter(
    (m) => m.metadata?.event_payload.run_id === run.id,
  );
  assert.equal(posted.length, 1);
  const s = taskOf(run, 'inflight').slack!;
  assert.equal(s.state, 'sent');
  assert.equal(s.ts, posted[0]!.ts);
});

test('SIGKILL after Slack stored the message but before Runwire knew, then resume: no second post', {
  timeout: 180_000,
}, async () => {
  const run = await killedThenResumed(
    '#random',
    'stored',
    [
      { method: 'chat.postMessage', kind: 'lost_response', channel: 'random' },
      { method: 'conversations.history', kind: 'timeout', hold_ms: 60_000, channel: 'random' },
    ],
    async () => (await faultsLeft()) === 0 && postedFor(await env.messages('#random'), 'stored').length === 1,
  );
  const posted = postedFor(await env.messages('#random'), 'stored');
  assert.equal(posted.length, 1, 'exactly one message in the channel');
  const s = taskOf(run, 'stored').slack!;
  assert.equal(s.state, 'sent');
  assert.equal(s.ts, posted[0]!.ts, 'the resumed task recorded the message posted before the crash');
  assert.equal(s.attempts, 1, 'the resumed task did not post again');
});
