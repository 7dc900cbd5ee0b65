/**
 * Crash recovery: a run killed with SIGKILL mid-way is resumed with `runwire resume`; every side
 * effect (an http POST to a local counting server) happens exactly once, an idempotent in-flight
 * task (wait) is re-run, a non-idempotent in-flight one (http) is failed "interrupted" for the operator.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { RunEvent } from '../../../src/store/store.js';
import {
  collect,
  CountingServer,
  milestone,
  runCli,
  runOf,
  spawnCli,
  task,
  tempDir,
  wait,
  writeRunbook,
} from './cli.js';

/** Poll the run's event log in the data dir until `pred` finds what it needs (the run writes it; we only read). */
async function untilEvents(
  dir: string,
  pred: (events: RunEvent[]) => boolean,
): Promise<{ runId: string; events: RunEvent[] }> {
  for (;;) {
    const store = SqliteStore.open(dir);
    try {
      const runs = await store.listRuns(1);
      if (runs[0]) {
        const events = await store.getEvents(runs[0].id);
        if (pred(events)) return { runId: runs[0].id, events };
      }
    } finally {
      await store.close();
    }
    await delay(25);
  }
}

const has = (events: RunEvent[], kind: string, taskId: string): boolean =>
  events.some((e) => e.kind === kind && e.taskId === taskId);

test('a run killed with SIGKILL resumes with every side effect done exactly once', { timeout: 120_000 }, async () => {
  let p2Hangs = true;
  const server = new CountingServer((path) => (path === '/p2' && p2Hangs ? 'hang' : { status: 200, body: { path } }));
  const base = await server.start();
  try {
    const dir = await tempDir();
    const post = (id: string, deps: string[]) => ({
      id,
      type: 'http',
      method: 'POST',
      url: `${base}/${id}`,
      depends_on: deps,
      retry: { attempts: 1, backoff: '1s' },
    });
    const file = await writeRunbook(dir, 'crash.json', {
      name: 'Crash me',
      tasks: [
        milestone('start'),
        post('p1', ['start']),
        wait('slow', '2s', ['start']),
        post('p2', ['p1']),
        post('p3', ['p1']),
        milestone('end', ['p2', 'p3', 'slow']),
      ],
    });
    const child = spawnCli(dir, ['run', file, '--json']);
    const exited = collect(child);

    // Kill once the log shows progress: p3 done, p2's POST in flight (the server holds it), slow waiting.
    await server.until(() => server.count('/p2') === 1);
    const { runId } = await untilEvents(dir, (ev) => has(ev, 'task.succeeded', 'p3') && has(ev, 'task.state', 'slow'));
    child.kill('SIGKILL');
    const killed = await exited;
    assert.equal(killed.code, null, 'killed, not exited');

    const store = SqliteStore.open(dir);
    const before = await store.getTasks(runId);
    await store.close();
    const statusOf = (id: string) => before.find((t) => t.taskId === id)?.status;
    assert.equal(statusOf('p2'), 'running');
    assert.equal(statusOf('slow'), 'running');
    assert.equal(statusOf('p3'), 'succeeded');
    assert.equal(statusOf('end'), 'pending');

    const resumed = await runCli(dir, ['resume', runId, '--json']);
    assert.equal(resumed.code, 1, resumed.stderr);
    const run = runOf(resumed);
    assert.equal(run.status, 'failed');
    assert.equal(task(run, 'p1').status, 'succeeded');
    assert.equal(task(run, 'p3').status, 'succeeded');
    assert.equal(task(run, 'slow').status, 'succeeded', 'an idempotent in-flight task is re-run');
    assert.equal(task(run, 'p2').status, 'failed');
    assert.equal(task(run, 'p2').reason, 'interrupted');
    assert.equal(task(run, 'p2').error?.code, 'runwire.engine.interrupted');
    assert.equal(task(run, 'end').status, 'pending');
    // Nothing was repeated by the resume.
    assert.deepEqual([server.count('/p1'), server.count('/p2'), server.count('/p3')], [1, 1, 1]);

    // The operator checks p2's effect and retries it on purpose: only p2 is called again.
    p2Hangs = false;
    const retried = await runCli(dir, ['task', 'retry', runId, 'p2', '--json']);
    assert.equal(retried.code, 0, retried.stderr);
    assert.equal(runOf(retried).status, 'succeeded');
    assert.deepEqual([server.count('/p1'), server.count('/p2'), server.count('/p3')], [1, 2, 1]);

    const check = SqliteStore.open(dir);
    try {
      const events = await check.getEvents(runId);
      assert.ok(events.some((e) => e.kind === 'run.resumed' && e.actor === 'cli:tester'));
      assert.ok(events.some((e) => e.kind === 'task.ready' && e.taskId === 'slow' && /re-running/.test(e.message)));
      assert.equal(events.filter((e) => e.kind === 'task.running' && e.taskId === 'p1').length, 1);
      assert.equal(events.filter((e) => e.kind === 'task.running' && e.taskId === 'p3').length, 1);
    } finally {
      await check.close();
    }
  } finally {
    await server.stop();
  }
});

test('resuming a run a live process holds records the resume for that holder and follows the run to its end', {
  timeout: 60_000,
}, async () => {
  const dir = await tempDir();
  const file = await writeRunbook(dir, 'hold.json', { name: 'Held', tasks: [wait('long', '3s')] });
  const child = spawnCli(dir, ['run', file, '--json']);
  const exited = collect(child);
  const { runId } = await untilEvents(dir, (ev) => has(ev, 'task.state', 'long'));
  const r = await runCli(dir, ['resume', runId, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(runOf(r).status, 'succeeded', 'the resume followed the holder to the end');
  const done = await exited;
  assert.equal(done.code, 0, done.stderr);
  assert.equal(runOf(done).status, 'succeeded');
  assert.deepEqual(
    runOf(done).tasks.map((t) => [t.id, t.status, t.attempts]),
    [['long', 'succeeded', 1]],
    'the holder went on with its wait: nothing re-run',
  );
  const { events } = await untilEvents(dir, (ev) => ev.some((e) => e.kind === 'run.resumed'));
  assert.equal(events.filter((e) => e.kind === 'run.resumed').length, 1, 'the holder applied the resume once');
});

test('Ctrl-C (SIGINT) stops a run at once with the resume command; resume finishes it', {
  timeout: 60_000,
}, async () => {
  const dir = await tempDir();
  const file = await writeRunbook(dir, 'int.json', {
    name: 'Interrupt me',
    tasks: [milestone('start'), wait('long', '1500ms', ['start']), milestone('end', ['long'])],
  });
  const child = spawnCli(dir, ['run', file]);
  const exited = collect(child);
  const { runId } = await untilEvents(dir, (ev) => has(ev, 'task.state', 'long'));
  child.kill('SIGINT');
  const r = await exited;
  assert.equal(r.code, 130);
  assert.match(r.stderr, new RegExp(`Continue the run with: runwire --data-dir \\S+ resume ${runId}`));
  const resumed = await runCli(dir, ['resume', runId, '--json']);
  assert.equal(resumed.code, 0, resumed.stderr);
  const run = runOf(resumed);
  assert.deepEqual(
    run.tasks.map((t) => [t.id, t.status, t.attempts]),
    [
      ['start', 'succeeded', 1],
      ['long', 'succeeded', 2],
      ['end', 'succeeded', 1],
    ],
  );
});
