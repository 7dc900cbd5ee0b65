/**
 * One channel's 429 never slows another, end to end: the sandbox answers chat.postMessage to #ops
 * with 429 and a long Retry-After while, in the same run, messages to #random go out at Runwire's
 * normal pace. Read back from the sandbox's stored message timestamps: every #random message was
 * stored long before #ops's first one (a comparison with a wide margin, not a speed limit), and
 * every #ops message arrived exactly once, in order, after the Retry-After.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SlackEnv, taskOf } from './harness.js';

const RETRY_AFTER_SEC = 20;

let env: SlackEnv;
before(async () => {
  // Only the armed 429 limits posts; Runwire's own pacing (1/s per channel) sets B's pace.
  env = await SlackEnv.start({ rateLimits: false });
});
after(async () => env?.close());

const seconds = (ts: string) => Number(ts);

test("a long Retry-After on one channel does not delay another channel's messages", { timeout: 300_000 }, async () => {
  await env.admin('POST', 'faults', {
    method: 'chat.postMessage',
    kind: 'rate_limited',
    retry_after: RETRY_AFTER_SEC,
    channel: 'ops',
    times: 1,
  });
  const a = [0, 1, 2].map((i) => ({ id: `a${i}`, channel: '#ops', text: `A ${i}` }));
  const b = [0, 1, 2, 3, 4].map((i) => ({ id: `b${i}`, channel: '#random', text: `B ${i}` }));
  const yaml = `name: isolation\ntasks:${[...a, ...b]
    .map(
      (t) => `
  - id: ${t.id}
    type: slack.message
    channel: "${t.channel}"
    message: "${t.text}"`,
    )
    .join('')}\n`;
  const r = await env.run(yaml);
  assert.equal(r.code, 0, r.stderr);

  const ofRun = async (channel: string) =>
    (await env.messages(channel)).filter((m) => m.metadata?.event_payload.run_id === r.run.id);
  const opsMsgs = await ofRun('#ops');
  const randomMsgs = await ofRun('#random');
  assert.deepEqual(
    opsMsgs.map((m) => m.text),
    a.map((t) => t.text),
    'A: each once, in task order',
  );
  assert.deepEqual(
    randomMsgs.map((m) => m.text),
    b.map((t) => t.text),
    'B: each once, in task order',
  );
  assert.equal(taskOf(r.run, 'a0').slack!.attempts, 2, 'the first A post was answered 429, then sent once');

  const firstA = seconds(opsMsgs[0]!.ts);
  const firstB = seconds(randomMsgs[0]!.ts);
  const lastB = seconds(randomMsgs.at(-1)!.ts);
  const startedAt = (id: string) =>
    Date.parse((taskOf(r.run, id) as unknown as { started_at: string }).started_at) / 1000;
  // A waited out the Retry-After: the 429 came after task a0 started, and its message after the wait.
  assert.ok(
    firstA - startedAt('a0') >= RETRY_AFTER_SEC - 1,
    `A's first message ${(firstA - startedAt('a0')).toFixed(1)}s after a0 started: it waited Retry-After`,
  );
  // B's first message went out without that wait.
  assert.ok(
    firstB - startedAt('b0') < RETRY_AFTER_SEC / 2,
    `B's first message ${(firstB - startedAt('b0')).toFixed(1)}s after b0 started`,
  );
  // B did not: all of B was stored before A's first message, and B's whole run took well under the Retry-After.
  assert.ok(lastB < firstA, `B's last message (${lastB}) came before A's first (${firstA})`);
  assert.ok(
    lastB - firstB < RETRY_AFTER_SEC * 0.75,
    `B's five messages spanned ${(lastB - firstB).toFixed(1)}s, not delayed by A's ${RETRY_AFTER_SEC}s Retry-After`,
  );
});
