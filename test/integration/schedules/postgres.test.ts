/**
 * Schedules on one PostgreSQL with several processes: two `runwire worker` processes and a server
 * fire each occurrence once; a server down over two occurrences honours each `missed` policy.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { openServerRuntime } from '../../../src/server/runtime.js';
import { ScheduleStore } from '../../../src/server/store/schedule-store.js';
import { freshSchemaUrl } from '../../helpers/backends.js';
import { freshSchema, pgUrlWithSchema, startTestServer } from '../../helpers/server.js';
import { startWorker, until } from '../worker/helpers.js';
import { putScheduled, tempDataDir } from './helpers.js';

test('two workers and a server on one PostgreSQL fire each occurrence once, none lost', async () => {
  const url = freshSchemaUrl('sched');
  const dir = tempDataDir();
  const rt = await openServerRuntime({ dataDir: dir, databaseUrl: url });
  const ids = ['a', 'b', 'c'];
  for (const id of ids) await putScheduled(rt.library, id, [{ id: 'tick', cron: '* * * * * *', missed: 'all' }]);
  const env = { RUNWIRE_DATABASE_URL: url };
  const workers = await Promise.all([startWorker(dir, [], env), startWorker(dir, [], env)]);
  const server = await startTestServer('postgres', { databaseUrl: url, dataDir: tempDataDir() });
  try {
    await delay(4500);
  } finally {
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    await server.close();
  }
  try {
    const fires = new ScheduleStore(rt.sql);
    for (const id of ids) {
      const got = (await fires.fires(id, 'tick')).sort((x, y) => x.scheduledFor - y.scheduledFor);
      assert.ok(got.length >= 3, `${id}: ${got.length} occurrences fired in 4.5 s`);
      assert.ok(
        got.every((f) => f.outcome === 'started' && f.runId !== null),
        JSON.stringify(got),
      );
      // Consecutive seconds from the first to the last: nothing lost in between.
      got.forEach((f, i) => assert.equal(f.scheduledFor, got[0]!.scheduledFor + i * 1000));
      const runs = await rt.runtime.store.listRuns({ runbook: id, limit: 100 });
      assert.equal(runs.length, got.length, `${id}: one run per occurrence`);
      assert.deepEqual(new Set(runs.map((r) => r.id)), new Set(got.map((f) => f.runId)));
    }
  } finally {
    await rt.close();
  }
});

test('a server down over two occurrences honours missed: skip, once, all', async () => {
  const schema = freshSchema('runwire_sched');
  const dataDir = tempDataDir();
  const first = await startTestServer('postgres', { schema, dataDir });
  const rt = await openServerRuntime({ dataDir, databaseUrl: pgUrlWithSchema(schema) });
  const fires = new ScheduleStore(rt.sql);
  const EVERY = 6000; // grace: half of it, 3 s
  try {
    for (const missed of ['skip', 'once', 'all'] as const) {
      await putScheduled(rt.library, missed, [{ id: 'six', cron: '*/6 * * * * *', missed }]);
    }
    await until(async () => (await fires.fires('all', 'six')).some((f) => f.outcome === 'started'), 15_000);
    await first.close();
    const closedAt = Date.now();
    const o1 = Math.ceil((closedAt + 1) / EVERY) * EVERY;
    const o2 = o1 + EVERY;
    // Back 3.5 s after the second missed occurrence: later than its grace, before the next one.
    await delay(o2 + 3500 - Date.now());
    const second = await startTestServer('postgres', { schema, dataDir });
    try {
      const outcome = async (id: string, at: number) =>
        (await fires.fires(id, 'six')).find((f) => f.scheduledFor === at)?.outcome;
      // Decided (not just claimed) everywhere: the runs of `once` and `all` exist.
      await until(async () => {
        const all = await Promise.all(['skip', 'once', 'all'].flatMap((id) => [outcome(id, o1), outcome(id, o2)]));
        return all.every((o) => o !== undefined && o !== 'claimed');
      }, 5000);
      assert.deepEqual([await outcome('skip', o1), await outcome('skip', o2)], ['missed', 'missed']);
      assert.deepEqual([await outcome('once', o1), await outcome('once', o2)], ['missed', 'started']);
      assert.deepEqual([await outcome('all', o1), await outcome('all', o2)], ['started', 'started']);
    } finally {
      await second.close();
    }
  } finally {
    await rt.close();
  }
});
