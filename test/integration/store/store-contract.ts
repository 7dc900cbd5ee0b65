/**
 * The Store contract, run against every implementation (a real SQLite file, a fresh PostgreSQL schema):
 * runs, batched commits, the lease fence, state, cancel, listing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunEvent, RunRecord, Store, TaskRecord } from '../../../src/store/store.js';

/** A fresh, empty store, and a way to open a second connection to the same data. */
export interface StoreHandle {
  store: Store;
  reopen(): Promise<Store>;
}

const T0 = Date.parse('2026-01-01T00:00:00.000Z');

function fixture(id: string, owner: string | null): { run: RunRecord; tasks: TaskRecord[]; events: RunEvent[] } {
  const run: RunRecord = {
    id,
    runbook: 'Demo',
    mode: 'live',
    status: 'running',
    vars: { a: '1' },
    createdAt: new Date(T0).toISOString(),
    startedAt: new Date(T0).toISOString(),
    finishedAt: null,
    leaseOwner: owner,
    leaseExpiresAt: owner ? T0 + 30_000 : null,
    spec: {
      name: 'Demo',
      vars: { a: '1' },
      source: 'demo.yaml',
      tasks: [
        {
          id: 'one',
          name: 'One',
          type: 'milestone',
          depends_on: [],
          input: {},
          position: { file: 'demo.yaml', line: 3, column: 5 },
        },
        {
          id: 'two',
          name: 'Two',
          type: 'manual',
          depends_on: ['one'],
          input: {},
          position: { file: 'demo.yaml', line: 5, column: 5 },
        },
      ],
    },
  };
  const tasks: TaskRecord[] = run.spec.tasks.map((t, position) => ({
    runId: id,
    taskId: t.id,
    position,
    name: t.name,
    type: t.type,
    status: 'pending',
    attempts: 0,
    startedAt: null,
    finishedAt: null,
    nextAttemptAt: null,
    error: null,
    output: null,
    state: null,
    reason: null,
  }));
  const events: RunEvent[] = [
    { runId: id, at: run.createdAt, actor: 'cli:tester', kind: 'run.created', taskId: null, message: 'created' },
  ];
  return { run, tasks, events };
}

export function storeContract(name: string, openTemp: () => Promise<StoreHandle>): void {
  test(`${name}: a run is created with its tasks and events and read back whole`, async () => {
    const { store } = await openTemp();
    const { run, tasks, events } = fixture('r_a', 'me');
    await store.createRun(run, tasks, events);
    assert.deepEqual(await store.getRun('r_a'), run);
    assert.deepEqual(await store.getTasks('r_a'), tasks);
    const got = await store.getEvents('r_a');
    assert.equal(got.length, 1);
    assert.equal(got[0]?.kind, 'run.created');
    assert.equal(typeof got[0]?.seq, 'number');
    assert.equal(await store.getRun('r_missing'), undefined);
    await store.close();
  });

  test(`${name}: a commit writes task rows, the run patch and events atomically, fenced by the lease`, async () => {
    const { store, reopen } = await openTemp();
    const { run, tasks, events } = fixture('r_b', 'me');
    await store.createRun(run, tasks, events);
    const one = {
      ...(tasks[0] as TaskRecord),
      status: 'succeeded' as const,
      attempts: 1,
      startedAt: 'x',
      finishedAt: 'y',
      output: { n: 1 },
      error: null,
    };
    await store.commit({
      runId: 'r_b',
      owner: 'me',
      leaseExpiresAt: T0 + 60_000,
      tasks: [one],
      run: { status: 'waiting' },
      events: [
        {
          runId: 'r_b',
          at: 'y',
          actor: 'task:one',
          kind: 'task.succeeded',
          taskId: 'one',
          message: 'ok',
          data: { k: 'v' },
        },
      ],
    });
    const stored = await store.getTasks('r_b');
    assert.deepEqual(stored[0], one);
    assert.equal((await store.getRun('r_b'))?.status, 'waiting');
    assert.equal((await store.getRun('r_b'))?.leaseExpiresAt, T0 + 60_000);
    assert.deepEqual(
      (await store.getEvents('r_b', 1)).map((e) => [e.kind, e.data]),
      [['task.succeeded', { k: 'v' }]],
    );

    // Another owner's commit is refused and writes nothing, not even its events.
    const bad = { ...(tasks[1] as TaskRecord), status: 'running' as const };
    await assert.rejects(
      store.commit({
        runId: 'r_b',
        owner: 'other',
        leaseExpiresAt: T0,
        tasks: [bad],
        events: [{ runId: 'r_b', at: 'z', actor: 'engine', kind: 'task.running', taskId: 'two', message: 'no' }],
      }),
      /no longer held/,
    );
    await assert.rejects(
      store.commit({ runId: 'r_b', owner: 'other', tasks: [bad], events: [] }),
      /no longer held/,
      'checked even without renewal',
    );
    await store.commit({ runId: 'r_b', owner: 'me', tasks: [], events: [] });
    assert.equal(
      (await store.getRun('r_b'))?.leaseExpiresAt,
      T0 + 60_000,
      'a commit without leaseExpiresAt leaves the lease as it is',
    );
    assert.equal((await store.getTasks('r_b'))[1]?.status, 'pending');
    assert.equal((await store.getEvents('r_b')).length, 2);
    await store.close();

    // Durable: a second connection to the same file sees it all.
    const again = await reopen();
    assert.deepEqual((await again.getTasks('r_b'))[0], one);
    await again.close();
  });

  test(`${name}: a lease is refused while live, taken over when expired or when its holder is gone`, async () => {
    const { store } = await openTemp();
    const { run, tasks, events } = fixture('r_c', 'first');
    await store.createRun(run, tasks, events);
    const req = { runId: 'r_c', owner: 'second', now: T0 + 1000, expiresAt: T0 + 31_000, isStale: () => false };
    assert.deepEqual(await store.acquireLease(req), { ok: false, holder: 'first', expiresAt: T0 + 30_000 });
    assert.deepEqual(await store.acquireLease({ ...req, isStale: (o) => o === 'first' }), { ok: true });
    assert.equal((await store.getRun('r_c'))?.leaseOwner, 'second');
    // The first holder is now fenced out.
    await assert.rejects(
      store.commit({ runId: 'r_c', owner: 'first', leaseExpiresAt: T0, tasks: [], events: [] }),
      /no longer held/,
    );
    // Expiry alone also frees it.
    assert.deepEqual(await store.acquireLease({ ...req, owner: 'third', now: T0 + 40_000, expiresAt: T0 + 70_000 }), {
      ok: true,
    });
    await store.releaseLease('r_c', 'second'); // not the holder: no effect
    assert.equal((await store.getRun('r_c'))?.leaseOwner, 'third');
    await store.releaseLease('r_c', 'third');
    assert.equal((await store.getRun('r_c'))?.leaseOwner, null);
    await assert.rejects(store.acquireLease({ ...req, runId: 'r_none' }), /No run "r_none"/);
    await store.close();
  });

  test(`${name}: task state is saved durably with its event; cancel stops unfinished tasks and fences the holder`, async () => {
    const { store } = await openTemp();
    const { run, tasks, events } = fixture('r_d', 'me');
    await store.createRun(run, tasks, events);
    await store.saveTaskState(
      'r_d',
      'me',
      T0 + 30_000,
      'two',
      { ts: '1.2' },
      { runId: 'r_d', at: 'a', actor: 'task:two', kind: 'task.state', taskId: 'two', message: 'Message sent' },
    );
    assert.deepEqual((await store.getTasks('r_d'))[1]?.state, { ts: '1.2' });
    await assert.rejects(
      store.saveTaskState(
        'r_d',
        'intruder',
        T0,
        'two',
        {},
        { runId: 'r_d', at: 'a', actor: 'x', kind: 'task.state', taskId: 'two', message: 'no' },
      ),
      /no longer held/,
    );

    assert.equal(
      await store.cancelRun('r_d', 'c', {
        runId: 'r_d',
        at: 'c',
        actor: 'cli:tester',
        kind: 'run.cancelled',
        taskId: null,
        message: 'cancelled',
      }),
      true,
    );
    assert.equal((await store.getRun('r_d'))?.status, 'cancelled');
    assert.deepEqual(
      (await store.getTasks('r_d')).map((t) => [t.status, t.reason]),
      [
        ['cancelled', 'run cancelled'],
        ['cancelled', 'run cancelled'],
      ],
    );
    await assert.rejects(
      store.commit({ runId: 'r_d', owner: 'me', leaseExpiresAt: T0, tasks: [], events: [] }),
      /no longer held/,
    );
    assert.equal(
      await store.cancelRun('r_d', 'c', {
        runId: 'r_d',
        at: 'c',
        actor: 'x',
        kind: 'run.cancelled',
        taskId: null,
        message: 'again',
      }),
      false,
    );
    await store.close();
  });

  test(`${name}: runs are listed newest first; runs left running without a live lease are found for resume`, async () => {
    const { store } = await openTemp();
    for (const [id, owner] of [
      ['r_1', null],
      ['r_2', 'live'],
      ['r_3', 'old'],
    ] as const) {
      const f = fixture(id, owner);
      if (id === 'r_3') f.run.leaseExpiresAt = T0 - 1;
      await store.createRun(f.run, f.tasks, f.events);
    }
    assert.deepEqual(
      (await store.listRuns()).map((r) => [r.id, r.taskCount]),
      [
        ['r_3', 2],
        ['r_2', 2],
        ['r_1', 2],
      ],
    );
    assert.deepEqual(
      (await store.listRuns(1)).map((r) => r.id),
      ['r_3'],
    );
    assert.deepEqual(
      (await store.findRunsToResume(T0 + 1000)).map((r) => r.id),
      ['r_1', 'r_3'],
    );
    await store.close();
  });
}
