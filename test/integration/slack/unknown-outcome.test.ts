/**
 * Unknown outcomes beyond a plain lost answer, through the real CLI against the sandbox:
 * - a thread reply whose answer is lost is found by `conversations.replies` (with
 *   `include_all_metadata`), not posted twice;
 * - a slow Slack that stores the post after Runwire gave up on it (the sandbox's `late_commit`
 *   fault) is caught by the second look at the end of the late-commit window;
 * - a commit later than the window gives two messages, and the task says so in its note.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRun, postedFor, SlackEnv, taskOf, waitFor } from './harness.js';

let env: SlackEnv;
before(async () => {
  env = await SlackEnv.start({ rateLimits: false });
});
after(async () => {
  await env?.admin('DELETE', 'faults');
  await env?.close();
});

async function arm(fault: Record<string, unknown>): Promise<void> {
  await env.admin('POST', 'faults', fault);
}

function oneTask(channel: string, id: string): string {
  return `
name: late
tasks:
  - id: ${id}
    type: slack.message
    channel: "${channel}"
    message: "exactly once, even from a slow Slack"
`;
}

test('a thread reply whose answer is lost is found in the thread, not posted twice', { timeout: 120_000 }, async () => {
  // Only the reply carries thread_ts, so only its post loses its answer.
  await arm({ method: 'chat.postMessage', kind: 'lost_response', channel: 'ops', when_arg: 'thread_ts' });
  const r = await env.run(`
name: thread
tasks:
  - id: parent
    type: slack.message
    channel: "#ops"
    message: "thread parent"
  - id: reply
    type: slack.message
    depends_on: [parent]
    thread: parent
    message: "a reply, once"
`);
  assert.equal(r.code, 0, r.stderr);
  const replies = postedFor(await env.messages('#ops'), 'reply').filter(
    (m) => m.metadata?.event_payload.run_id === r.run.id,
  );
  assert.equal(replies.length, 1, 'one reply in the thread');
  const s = taskOf(r.run, 'reply').slack!;
  assert.equal(s.state, 'sent');
  assert.equal(s.ts, replies[0]!.ts, 'the state points at the reply that was stored');
  assert.equal(replies[0]!.thread_ts, taskOf(r.run, 'parent').slack!.ts);
  assert.equal(s.attempts, 1, 'no second post: the look-up in the thread found the first');
  assert.equal(s.note, undefined);
  assert.ok(
    env.events(r.run.id).some((e) => e.task === 'reply' && /Found the message already in Slack/.test(e.message)),
  );
});

test('Slack stores the post 2.5 s after a 1 s timeout: the second look finds it, one message', {
  timeout: 120_000,
}, async () => {
  await arm({ method: 'chat.postMessage', kind: 'late_commit', commit_ms: 3500, channel: 'incidents' });
  const file = await env.writeRunbook('late.yaml', oneTask('#incidents', 'slow'));
  const r = await env.cli(['run', file, '--json'], { RUNWIRE_SLACK_TIMEOUT_MS: '1000' });
  assert.equal(r.code, 0, r.stderr);
  const run = parseRun(r);
  const s = taskOf(run, 'slow').slack!;
  assert.equal(s.state, 'sent');
  assert.equal(s.attempts, 1, 'not posted again');
  // Give a (wrong) second post time to land before counting.
  await new Promise((res) => setTimeout(res, 1000));
  const posted = postedFor(await env.messages('#incidents'), 'slow').filter(
    (m) => m.metadata?.event_payload.run_id === run.id,
  );
  assert.equal(posted.length, 1, 'one message in the channel');
  assert.equal(s.ts, posted[0]!.ts);
  assert.ok(
    env.events(run.id).some((e) => /looking again in/.test(e.message)),
    'the wait before the second look is logged',
  );
});

test('a commit later than the window: two messages, and the task says so', { timeout: 120_000 }, async () => {
  // Post 1 gets no answer within 5 s and lands at 7 s; with no grace Runwire looks at ~5.5 s, finds
  // nothing and posts again; post 2 takes 3 s (answered, stored at ~8.5 s), so when Runwire checks
  // after sending, both copies are there.
  await arm({ method: 'chat.postMessage', kind: 'late_commit', commit_ms: 7000, channel: 'general' });
  await arm({ method: 'chat.postMessage', kind: 'late_commit', commit_ms: 3000, channel: 'general' });
  const file = await env.writeRunbook('later.yaml', oneTask('#general', 'twice'));
  const r = await env.cli(['run', file, '--json'], {
    RUNWIRE_SLACK_TIMEOUT_MS: '5000',
    RUNWIRE_SLACK_COMMIT_GRACE_MS: '0',
  });
  assert.equal(r.code, 0, r.stderr);
  const run = parseRun(r);
  const posted = await waitFor(async () => {
    const p = postedFor(await env.messages('#general'), 'twice').filter(
      (m) => m.metadata?.event_payload.run_id === run.id,
    );
    return p.length === 2 ? p : undefined;
  }, 'both copies in the channel');
  const s = taskOf(run, 'twice').slack!;
  assert.equal(s.state, 'sent');
  assert.equal(s.attempts, 2);
  assert.match(s.note ?? '', /^duplicate: Slack holds 2 copies/);
  for (const m of posted) assert.ok(s.note!.includes(m.ts), `the note names copy ${m.ts}`);
  assert.ok(
    env.events(run.id).some((e) => /Message posted twice: duplicate/.test(e.message)),
    'a warning in the log',
  );
  const shown = await env.cli(['runs', 'show', run.id]);
  assert.match(shown.stdout, /note: duplicate: Slack holds 2 copies/);
});
