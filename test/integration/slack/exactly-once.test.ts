/**
 * Exactly once: when Slack's answer is lost (the message was stored but the connection dropped),
 * when Slack answers 5xx, resets, or never answers, the task still ends with exactly one message —
 * the delivery looks the message up by its metadata before posting again. And a 429 storm on one
 * channel: every message delivered once, in task order.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { postedFor, SlackEnv, taskOf } from './harness.js';

let env: SlackEnv;
before(async () => {
  env = await SlackEnv.start({ rateLimits: false });
});
after(async () => env?.close());

function oneTask(channel: string, id = 'post'): string {
  return `
name: once
tasks:
  - id: ${id}
    type: slack.message
    channel: "${channel}"
    message: "exactly once please"
`;
}

async function arm(fault: Record<string, unknown>): Promise<void> {
  await env.admin('POST', 'faults', fault);
}

test('posted, then the response is lost: exactly one message, found by look-up', { timeout: 120_000 }, async () => {
  await arm({ method: 'chat.postMessage', kind: 'lost_response', channel: 'ops', times: 1 });
  const r = await env.run(oneTask('#ops', 'lost'));
  assert.equal(r.code, 0, r.stderr);
  const posted = postedFor(await env.messages('#ops'), 'lost');
  assert.equal(posted.length, 1, 'one message in the channel');
  const s = taskOf(r.run, 'lost').slack!;
  assert.equal(s.state, 'sent');
  assert.equal(s.ts, posted[0]!.ts, 'the state points at the message that was stored');
  assert.equal(s.attempts, 1, 'no second post: the look-up found the first');
  assert.ok(env.events(r.run.id).some((e) => /Found the message already in Slack/.test(e.message)));
});

test('5xx twice, then success: one message after three attempts', { timeout: 120_000 }, async () => {
  await arm({ method: 'chat.postMessage', kind: 'http_error', status: 503, channel: 'random', times: 2 });
  const r = await env.run(oneTask('#random', 'five'));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(postedFor(await env.messages('#random'), 'five').length, 1);
  const s = taskOf(r.run, 'five').slack!;
  assert.equal(s.state, 'sent');
  assert.equal(s.attempts, 3);
});

test('connection reset and a request that never answers: one message each', { timeout: 180_000 }, async () => {
  await arm({ method: 'chat.postMessage', kind: 'reset', channel: 'general', times: 1 });
  const r1 = await env.run(oneTask('#general', 'reset'));
  assert.equal(r1.code, 0, r1.stderr);
  assert.equal(postedFor(await env.messages('#general'), 'reset').length, 1);

  await arm({ method: 'chat.postMessage', kind: 'timeout', hold_ms: 60_000, channel: 'incidents', times: 1 });
  const file = await env.writeRunbook('timeout.yaml', oneTask('#incidents', 'hang'));
  const r2 = await env.cli(['run', file, '--json'], { RUNWIRE_SLACK_TIMEOUT_MS: '1500' });
  assert.equal(r2.code, 0, r2.stderr);
  assert.equal(postedFor(await env.messages('#incidents'), 'hang').length, 1);
});

test('a 429 storm on one channel: every message delivered once, in task order', { timeout: 300_000 }, async () => {
  // Slack's limit made stricter than Runwire's pacing, so the sandbox answers 429 with Retry-After.
  await env.admin('POST', 'rate-limits', { enabled: true, postMessage: { perSecond: 0.5, burst: 1 } });
  try {
    const n = 6;
    const tasks = Array.from(
      { length: n },
      (_, i) => `
  - id: m${i}
    type: slack.message
    channel: "#releases"
    message: "storm message ${i}"`,
    ).join('');
    const r = await env.run(`name: storm\ntasks:${tasks}\n`);
    assert.equal(r.code, 0, r.stderr);
    const mine = (await env.messages('#releases')).filter((m) => m.metadata?.event_payload.run_id === r.run.id);
    assert.deepEqual(
      mine.map((m) => m.text),
      Array.from({ length: n }, (_, i) => `storm message ${i}`),
      'once each, in task order',
    );
    const attempts = r.run.tasks.map((t) => t.slack!.attempts);
    assert.ok(
      attempts.reduce((a, b) => a + b, 0) > n,
      `some posts were answered 429 and retried: ${attempts.join(',')}`,
    );
    assert.ok(r.run.tasks.every((t) => t.slack?.state === 'sent'));
  } finally {
    await env.admin('POST', 'rate-limits', { enabled: false });
  }
});

test('without the history scopes: the scope doctor warns, and a lost answer means at-least-once', {
  timeout: 120_000,
}, async () => {
  await env.addConnection('no-history', await env.token(['chat:write', 'channels:read', 'groups:read']));
  const yaml = `
name: no-history
tasks:
  - id: twice
    type: slack.message
    connection: no-history
    channel: "#releases"
    message: "may appear twice"
`;
  const file = await env.writeRunbook('no-history.yaml', yaml);
  const c = await env.cli(['check', file, '--json']);
  assert.equal(c.code, 2, c.stderr);
  const report = JSON.parse(c.stdout) as { problems: Array<{ code: string; severity: string; message: string }> };
  const warning = report.problems.find((p) => p.code === 'runwire.slack.at_least_once');
  assert.ok(warning, JSON.stringify(report));
  assert.equal(warning.severity, 'warning');
  assert.match(warning.message, /channels:history/);

  await arm({ method: 'chat.postMessage', kind: 'lost_response', channel: 'releases', times: 1 });
  const r = await env.run(yaml);
  assert.equal(r.code, 0, r.stderr);
  const s = taskOf(r.run, 'twice').slack!;
  assert.equal(s.state, 'sent');
  assert.match(s.note ?? '', /at-least-once/);
  assert.equal(
    postedFor(await env.messages('#releases'), 'twice').filter((m) => m.metadata?.event_payload.run_id === r.run.id)
      .length,
    2,
  );
});
