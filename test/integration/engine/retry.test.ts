/** Retries with backoff and operator retry, through the real CLI against a local HTTP server. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { CountingServer, milestone, runCli, runOf, task, tempDir, writeRunbook } from './cli.js';

test('an http task that fails twice with 503 then succeeds is retried with backoff and succeeds on attempt 3', {
  timeout: 60_000,
}, async () => {
  const server = new CountingServer((path, n) =>
    path === '/flaky' && n <= 2 ? { status: 503, body: { busy: true } } : { status: 200, body: { n } },
  );
  const base = await server.start();
  try {
    const dir = await tempDir();
    const file = await writeRunbook(dir, 'retry.json', {
      name: 'Flaky',
      tasks: [
        { id: 'call', type: 'http', method: 'POST', url: `${base}/flaky`, retry: { attempts: 3, backoff: '50ms' } },
        milestone('after', ['call']),
      ],
    });
    const r = await runCli(dir, ['run', file, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const run = runOf(r);
    assert.equal(task(run, 'call').status, 'succeeded');
    assert.equal(task(run, 'call').attempts, 3);
    assert.equal(task(run, 'call').error, null);
    assert.deepEqual(task(run, 'call').output?.body, { n: 3 });
    assert.equal(server.count('/flaky'), 3);
    const store = SqliteStore.open(dir);
    try {
      const events = await store.getEvents(run.id);
      const retries = events.filter((e) => e.kind === 'task.retrying');
      assert.equal(retries.length, 2);
      // Exponential: the second wait's base is twice the first's (50ms * 2^(n-1), jitter within ±25%).
      const delays = retries.map((e) => Number(e.data?.delay_ms));
      assert.ok(delays[0]! >= 37 && delays[0]! <= 63, `first delay ${delays[0]}`);
      assert.ok(delays[1]! >= 75 && delays[1]! <= 125, `second delay ${delays[1]}`);
      assert.deepEqual(
        events.filter((e) => e.taskId === 'call' && e.kind === 'task.running').map((e) => e.data?.attempt),
        [1, 2, 3],
      );
    } finally {
      await store.close();
    }
  } finally {
    await server.stop();
  }
});

test('a task that keeps failing fails the run (exit 1), its dependents stay pending, and task retry revives the run', {
  timeout: 60_000,
}, async () => {
  let healthy = false;
  const server = new CountingServer(() => (healthy ? { status: 200 } : { status: 500 }));
  const base = await server.start();
  try {
    const dir = await tempDir();
    const file = await writeRunbook(dir, 'fail.json', {
      name: 'Broken',
      tasks: [
        { id: 'call', type: 'http', url: `${base}/down`, retry: { attempts: 2, backoff: '20ms' } },
        milestone('other'),
        milestone('after', ['call', 'other']),
      ],
    });
    const r = await runCli(dir, ['run', file, '--json']);
    assert.equal(r.code, 1, r.stderr);
    const failed = runOf(r);
    assert.equal(failed.status, 'failed');
    assert.equal(task(failed, 'call').status, 'failed');
    assert.equal(task(failed, 'call').attempts, 2);
    assert.equal(task(failed, 'call').error?.code, 'runwire.http.server_error');
    assert.equal(task(failed, 'other').status, 'succeeded');
    assert.equal(task(failed, 'after').status, 'pending');
    assert.equal(server.count('/down'), 2);

    const human = await runCli(dir, ['runs', 'show', failed.id]);
    assert.match(human.stdout, /call\s+failed/);

    healthy = true;
    const retried = await runCli(dir, ['task', 'retry', failed.id, 'call', '--json']);
    assert.equal(retried.code, 0, retried.stderr);
    const run = runOf(retried);
    assert.equal(run.status, 'succeeded');
    assert.equal(task(run, 'call').attempts, 1, 'an operator retry starts a fresh round');
    assert.equal(task(run, 'after').status, 'succeeded');
    assert.equal(server.count('/down'), 3);
  } finally {
    await server.stop();
  }
});
