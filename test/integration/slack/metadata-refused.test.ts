/**
 * When Slack refuses the exactly-once metadata (`invalid_metadata_format`, as for an app not
 * allowed to send it), the message still goes out — once, without metadata — and the delivery
 * state notes at-least-once. The sandbox's `slack_error` fault with `when_arg: "metadata"` refuses
 * only calls that carry metadata, so a post without it succeeds as it would on Slack.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SlackEnv, taskOf } from './harness.js';

let env: SlackEnv;
before(async () => {
  env = await SlackEnv.start({ rateLimits: false });
});
after(async () => env?.close());

for (const error of ['invalid_metadata_format', 'invalid_metadata_schema']) {
  test(`${error}: posted once without metadata, noted at-least-once`, { timeout: 120_000 }, async () => {
    // times: 5 — more than one post would meet; the fallback must not carry metadata again.
    await env.admin('POST', 'faults', {
      method: 'chat.postMessage',
      kind: 'slack_error',
      error,
      when_arg: 'metadata',
      channel: 'ops',
      times: 5,
    });
    const text = `no metadata please ${error}`;
    const r = await env.run(
      `name: meta\ntasks:\n  - { id: post, type: slack.message, channel: "#ops", message: "${text}" }\n`,
    );
    await env.admin('DELETE', 'faults');
    assert.equal(r.code, 0, r.stderr);
    const posted = (await env.messages('#ops')).filter((m) => m.text === text);
    assert.equal(posted.length, 1, 'exactly one message');
    assert.equal(posted[0]!.metadata, undefined, 'sent without metadata');
    const s = taskOf(r.run, 'post').slack!;
    assert.equal(s.state, 'sent');
    assert.equal(s.ts, posted[0]!.ts);
    assert.equal(s.attempts, 2, 'one refused post with metadata, one without');
    assert.match(s.note ?? '', new RegExp(`at-least-once: Slack refused the message metadata \\(${error}\\)`));
    assert.ok(
      env.events(r.run.id).some((e) => e.task === 'post' && /Slack refused the exactly-once metadata/.test(e.message)),
      'the warning is in the event log',
    );
  });
}
