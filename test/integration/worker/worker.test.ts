/**
 * `runwire worker` through the real CLI: a detached run finished by a worker; a parked wait finished
 * on time by a different worker after the first was killed; a SIGTERM drain that lets an in-flight
 * http call finish (exit 0, nothing held); a cancel that reaches the worker holding the run within a
 * second; SIGSTOP/SIGCONT fencing on PostgreSQL. SQLite unless the test says PostgreSQL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { backends } from '../../helpers/backends.js';
import { milestone, runCli, runOf, task, tempDir, wait, writeRunbook } from '../engine/cli.js';
import { look, startWorker, until } from './helpers.js';

const pg = backends.find((b) => b.name === 'postgres');

for (const b of backends) {
  test(`${b.name}: run --detach enqueues (queued, exit 0) and runwire worker finishes it`, {
    timeout: 90_000,
  }, async () => {
    const dir = await tempDir();
    const env = b.freshEnv('wk_detach');
    const file = await writeRunbook(dir, 'd.json', {
      name: 'Detached',
      tasks: [milestone('a'), wait('w', '50ms', ['a']), milestone('z', ['w'])],
    });
    const queued = await runCli(dir, ['run', file, '--detach', '--json'], env);
    assert.equal(queued.code, 0, queued.stderr);
    const run = runOf(queued);
    assert.equal(run.status, 'queued');
    assert.deepEqual(
      run.tasks.map((t) => t.status),
      ['pending', 'pending', 'pending'],
    );
    const w = await startWorker(dir, ['--name', 'w-detach', '--concurrency', '4'], env);
    try {
      await until(async () => (await look(dir, env, run.id)).run?.status === 'succeeded', 30_000, w.err);
      const listed = await runCli(dir, ['workers', 'list', '--json'], env);
      assert.equal(listed.code, 0, listed.stderr);
      const workers = JSON.parse(listed.stdout) as Array<{ name: string; pid: number; runs_held: number }>;
      assert.deepEqual(
        workers.map((x) => [x.name, x.pid]),
        [['w-detach', w.child.pid]],
      );
    } finally {
      w.child.kill('SIGTERM');
    }
    const done = await w.exited;
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stdout, new RegExp(`${run.id} run.succeeded`));
    const show = runOf(await runCli(dir, ['runs', 'show', run.id, '--json'], env));
    assert.deepEqual(
      show.tasks.map((t) => [t.id, t.status, t.attempts]),
      [
        ['a', 'succeeded', 1],
        ['w', 'succeeded', 1],
        ['z', 'succeeded', 1],
      ],
    );
    const gone = await runCli(dir, ['workers', 'list', '--json'], env);
    assert.deepEqual(JSON.parse(gone.stdout), [], 'a drained worker leaves the list');
  });
}

test('a parked wait (no lease, no process) is finished on time by a different worker after the first is killed', {
  timeout: 90_000,
}, async () => {
  const dir = await tempDir();
  const env = {};
  const file = await writeRunbook(dir, 'p.json', {
    name: 'Parked',
    tasks: [milestone('a'), wait('long', '6s', ['a']), milestone('z', ['long'])],
  });
  const run = runOf(await runCli(dir, ['run', file, '--detach', '--json'], env));
  const first = await startWorker(dir, ['--name', 'first'], env);
  await until(async () => (await look(dir, env, run.id)).events.some((e) => e.kind === 'run.parked'), 30_000);
  const parked = await look(dir, env, run.id);
  assert.equal(parked.run?.leaseOwner, null, 'a parked run holds no lease');
  assert.equal(parked.run?.status, 'waiting');
  first.child.kill('SIGKILL');
  await first.exited;

  const second = await startWorker(dir, ['--name', 'second'], env);
  try {
    await until(async () => (await look(dir, env, run.id)).run?.status === 'succeeded', 30_000, second.err);
  } finally {
    second.child.kill('SIGTERM');
  }
  const done = await second.exited;
  assert.equal(done.code, 0, done.stderr);
  assert.match(done.stdout, new RegExp(`${run.id} run.succeeded`), 'the second worker finished it');
  assert.doesNotMatch(first.out(), /run\.succeeded/);
  const { events } = await look(dir, env, run.id);
  const saved = events.find((e) => e.kind === 'task.state' && e.taskId === 'long')?.data?.state as { until: string };
  const until0 = Date.parse(saved.until);
  const finished = Date.parse(events.find((e) => e.kind === 'task.succeeded' && e.taskId === 'long')?.at ?? '');
  assert.ok(finished >= until0, 'not before its time');
  assert.ok(finished - until0 < 1500, `on time within the poll interval (${finished - until0} ms late)`);
  const show = runOf(await runCli(dir, ['runs', 'show', run.id, '--json'], env));
  assert.equal(task(show, 'long').attempts, 1, 'a wake-up continues the attempt, it is not a retry');
});

/** An HTTP server whose /hold requests wait until `release()`; records when each request's socket closed. */
async function holdingServer() {
  const held: ServerResponse[] = [];
  const closedAt: number[] = [];
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    req.resume();
    res.on('close', () => {
      if (!res.writableEnded) closedAt.push(Date.now());
    });
    if (req.url?.startsWith('/hold')) held.push(res);
    else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held,
    closedAt,
    requests: () => requests,
    release: () => {
      for (const r of held.splice(0)) r.writeHead(200, { 'content-type': 'application/json' }).end('{"done":true}');
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

test('SIGTERM drains: an in-flight http task finishes (not "interrupted"), the worker exits 0 holding nothing', {
  timeout: 90_000,
}, async () => {
  const srv = await holdingServer();
  try {
    const dir = await tempDir();
    const env = {};
    const file = await writeRunbook(dir, 'h.json', {
      name: 'Drain',
      tasks: [
        { id: 'call', type: 'http', method: 'POST', url: `${srv.url}/hold`, retry: { attempts: 1, backoff: '1s' } },
        milestone('after', ['call']),
      ],
    });
    const run = runOf(await runCli(dir, ['run', file, '--detach', '--json'], env));
    const w = await startWorker(dir, ['--drain-timeout', '20s'], env);
    await until(() => srv.held.length === 1, 30_000, w.err);
    w.child.kill('SIGTERM');
    await until(() => /Draining/.test(w.err()), 10_000);
    setTimeout(() => srv.release(), 300);
    const done = await w.exited;
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stderr, /Drained: every run parked, nothing held/);
    const { run: after } = await look(dir, env, run.id);
    assert.equal(after?.leaseOwner, null, 'nothing held');
    const show = runOf(await runCli(dir, ['runs', 'show', run.id, '--json'], env));
    assert.equal(task(show, 'call').status, 'succeeded', 'the in-flight call finished, not failed interrupted');
    assert.equal(task(show, 'after').status, 'ready', 'nothing new started while draining');
    // The run is due: the next worker (or resume) continues it without calling again.
    const resumed = await runCli(dir, ['resume', run.id, '--json'], env);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(runOf(resumed).status, 'succeeded');
    assert.equal(srv.requests(), 1);
  } finally {
    await srv.stop();
  }
});

for (const b of backends) {
  test(`${b.name}: a cancel reaches the worker holding the run within a second`, { timeout: 90_000 }, async () => {
    const srv = await holdingServer();
    try {
      const dir = await tempDir();
      const env = b.freshEnv('wk_cancel');
      const file = await writeRunbook(dir, 'c.json', {
        name: 'Cancel me',
        tasks: [{ id: 'call', type: 'http', url: `${srv.url}/hold`, retry: { attempts: 1, backoff: '1s' } }],
      });
      const run = runOf(await runCli(dir, ['run', file, '--detach', '--json'], env));
      const w = await startWorker(dir, [], env);
      try {
        await until(() => srv.held.length === 1, 30_000, w.err);
        const cancelled = await runCli(dir, ['runs', 'cancel', run.id], env);
        assert.equal(cancelled.code, 0, cancelled.stderr);
        const at = Date.now();
        // The worker aborts the in-flight call: the server sees its connection close.
        await until(
          () => srv.closedAt.length > 0,
          5000,
          () => 'the held request was never aborted',
        );
        // PostgreSQL: a NOTIFY; SQLite: the worker's next poll (1 s), plus the abort itself.
        const limit = b.name === 'postgres' ? 1000 : 1500;
        assert.ok((srv.closedAt[0] ?? 0) - at < limit, `reached the worker in ${(srv.closedAt[0] ?? 0) - at} ms`);
        const { run: after } = await look(dir, env, run.id);
        assert.equal(after?.status, 'cancelled');
        await until(async () => (await look(dir, env, run.id)).run?.leaseOwner === null, 5000);
      } finally {
        w.child.kill('SIGTERM');
      }
      assert.equal((await w.exited).code, 0);
    } finally {
      await srv.stop();
    }
  });
}

if (pg) {
  test('postgres: a worker paused past its lease (SIGSTOP) is fenced out after SIGCONT; the new holder finishes', {
    timeout: 90_000,
  }, async () => {
    const dir = await tempDir();
    const env = pg.freshEnv('wk_fence');
    const file = await writeRunbook(dir, 'f.json', {
      name: 'Fence',
      tasks: [milestone('a'), wait('w', '3s', ['a']), milestone('z', ['w'])],
    });
    const run = runOf(await runCli(dir, ['run', file, '--detach', '--json'], env));
    const a = await startWorker(dir, ['--name', 'a', '--lease', '2s'], env);
    await until(async () => (await look(dir, env, run.id)).events.some((e) => e.kind === 'task.state'), 30_000);
    const held = await look(dir, env, run.id);
    assert.match(held.run?.leaseOwner ?? '', new RegExp(`^${a.child.pid}@`));
    a.child.kill('SIGSTOP');
    const b2 = await startWorker(dir, ['--name', 'b', '--lease', '2s'], env);
    try {
      await until(async () => (await look(dir, env, run.id)).run?.status === 'succeeded', 30_000, b2.err);
      const took = await look(dir, env, run.id);
      assert.ok((took.run?.leaseEpoch ?? 0) >= 2, 'taken over with a new epoch');
      const count = took.events.length;
      a.child.kill('SIGCONT');
      // A wakes, its timer fires, its write is refused: it lets go and writes nothing.
      await new Promise((r) => setTimeout(r, 3000));
      const later = await look(dir, env, run.id);
      assert.equal(later.events.length, count, 'the paused worker wrote nothing after the take-over');
      assert.equal(later.run?.status, 'succeeded');
      assert.match(b2.out(), new RegExp(`${run.id} run.succeeded`));
      const listed = JSON.parse((await runCli(dir, ['workers', 'list', '--json'], env)).stdout) as Array<{
        name: string;
        runs_held: number;
      }>;
      assert.deepEqual(listed.map((x) => x.name).sort(), ['a', 'b'], 'the fenced worker lives on');
    } finally {
      a.child.kill('SIGCONT');
      a.child.kill('SIGTERM');
      b2.child.kill('SIGTERM');
    }
    assert.equal((await a.exited).code, 0);
    assert.equal((await b2.exited).code, 0);
  });
}

test('sqlite: a runwire worker picks up another process’s run --detach without waiting for its poll (data_version)', {
  timeout: 90_000,
}, async () => {
  const dir = await tempDir();
  const file = await writeRunbook(dir, 'q.json', { name: 'Quick', tasks: [milestone('a')] });
  // A poll of a minute: only the wake-up on another process's commit can find the run in time.
  const w = await startWorker(dir, ['--name', 'w-quick', '--poll', '60s'], {});
  try {
    const queued = await runCli(dir, ['run', file, '--detach', '--json'], {});
    assert.equal(queued.code, 0, queued.stderr);
    const run = runOf(queued);
    await until(async () => (await look(dir, {}, run.id)).run?.status === 'succeeded', 5_000, w.err);
  } finally {
    w.child.kill('SIGTERM');
  }
  assert.equal((await w.exited).code, 0);
});

test('runwire worker --poll must be a duration', async () => {
  const dir = await tempDir();
  const r = await runCli(dir, ['worker', '--poll', 'soon'], {});
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--poll must be a duration such as 30s, not "soon"/);
});
