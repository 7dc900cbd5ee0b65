/**
 * Progress lines and the stored event log are in time order (issue 8 item 18): slack.message tasks in
 * parallel save their delivery state while others finish. A state saved by a task used to be written
 * and printed at once, ahead of events of other tasks queued earlier in the same step.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SlackEnv } from './harness.js';

let env: SlackEnv;
before(async () => {
  env = await SlackEnv.start();
});
after(async () => env?.close());

const parallel = (n: number) =>
  `name: Parallel posts\ntasks:\n${Array.from(
    { length: n },
    (_, i) =>
      `  - id: post${i}\n    type: slack.message\n    channel: "#releases"\n    message: "post ${i}"\n  - id: after${i}\n    type: milestone\n    depends_on: [post${i}]\n  - id: pause${i}\n    type: wait\n    duration: ${10 * (i + 1)}ms\n`,
  ).join('')}`;

const sorted = (xs: string[]) => xs.every((x, i) => i === 0 || xs[i - 1]! <= x);

test('parallel slack.message tasks: printed lines and stored events both in time order', {
  timeout: 120_000,
}, async () => {
  for (let round = 0; round < 3; round++) {
    const file = await env.writeRunbook(`parallel-${round}.yaml`, parallel(6));
    const r = await env.cli(['run', file]);
    assert.equal(r.code, 0, r.stderr);
    const times = r.stdout
      .split('\n')
      .filter((l) => /^\d{4}-\d\d-\d\dT/.test(l))
      .map((l) => l.split(' ')[0]!);
    assert.ok(times.length > 40, r.stdout);
    assert.ok(sorted(times), `printed out of time order:\n${r.stdout}`);
    const runId = /Run (r_\w+)/.exec(r.stdout)![1]!;
    const db = new Database(join(env.dataDir, 'runwire.db'), { readonly: true });
    const stored = (
      db.prepare('SELECT at FROM run_events WHERE run_id = ? ORDER BY seq').all(runId) as Array<{ at: string }>
    ).map((e) => e.at);
    db.close();
    assert.ok(sorted(stored), `stored out of time order: ${stored.join(' ')}`);
  }
});
