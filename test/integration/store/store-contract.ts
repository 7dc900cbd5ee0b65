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
const LEASE = 30_000;

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
    leaseExpiresAt: null,
    leaseEpoch: owner ? 1 : 0,
    wakeAt: null,
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

const ev = (runId: string, kind: string, taskId: string | null = null): RunEvent => ({
  runId,
  at: 'x',
  actor: 'engine',
  kind,
  taskId,
  message: kind,
});

/** Create a fixture run (claimed by `owner` for LEASE ms when given), returning what was created. */
async function create(store: Store, id: string, owner: string | null, wakeAt: number | null = null) {
  const f = fixture(id, owner);
  f.run.wakeAt = wakeAt;
  await store.createRun(f.run, f.tasks, f.events, owner ? { leaseMs: LEASE } : {});
  return f;
}

/** Save one task's type-specific state with its event the way the engine does: a fenced holder commit. */
async function saveState(
  store: Store,
  lease: { runId: string; owner: string; epoch: number },
  renewLeaseMs: number,
  taskId: string,
  state: Record<string, unknown>,
  event: RunEvent,
): Promise<void> {
  const task = (await store.getTasks(lease.runId)).find((t) => t.taskId === taskId) as TaskRecord;
  await store.commit({ ...lease, renewLeaseMs, tasks: [{ ...task, state }], events: [event] });
}

export function storeContract(name: string, openTemp: () => Promise<StoreHandle>): void {
  test(`${name}: a run is created with its tasks and events and read back whole`, async () => {
    const { store } = await openTemp();
    const { run, tasks } = await create(store, 'r_a', null);
    assert.deepEqual(await store.getRun('r_a'), run);
    assert.deepEqual(await store.getTasks('r_a'), tasks);
    const got = await store.getEvents('r_a');
    assert.equal(got.length, 1);
    assert.equal(got[0]?.kind, 'run.created');
    assert.equal(typeof got[0]?.seq, 'number');
    assert.equal(await store.getRun('r_missing'), undefined);
    await store.close();
  });

  test(`${name}: a commit writes task rows, the run patch and events atomically, fenced by owner and epoch`, async () => {
    const { store, reopen } = await openTemp();
    const { tasks } = await create(store, 'r_b', 'me');
    const lease = { runId: 'r_b', owner: 'me', epoch: 1 };
    const before = await store.now();
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
      ...lease,
      renewLeaseMs: 60_000,
      tasks: [one],
      run: { status: 'waiting' },
      events: [{ ...ev('r_b', 'task.succeeded', 'one'), data: { k: 'v' } }],
    });
    const stored = await store.getTasks('r_b');
    assert.deepEqual(stored[0], one);
    const run = await store.getRun('r_b');
    assert.equal(run?.status, 'waiting');
    const expires = run?.leaseExpiresAt ?? 0;
    assert.ok(expires >= before + 60_000 && expires <= (await store.now()) + 60_000, 'renewed on the store clock');
    assert.deepEqual(
      (await store.getEvents('r_b', 1)).map((e) => [e.kind, e.data]),
      [['task.succeeded', { k: 'v' }]],
    );

    // Another owner's commit, or ours with a stale epoch, is refused and writes nothing, not even events.
    const bad = { ...(tasks[1] as TaskRecord), status: 'running' as const };
    for (const wrong of [
      { owner: 'other', epoch: 1 },
      { owner: 'me', epoch: 0 },
    ]) {
      await assert.rejects(
        store.commit({ runId: 'r_b', ...wrong, renewLeaseMs: 1, tasks: [bad], events: [ev('r_b', 'no')] }),
        /no longer held/,
      );
      await assert.rejects(
        store.commit({ runId: 'r_b', ...wrong, tasks: [bad], events: [] }),
        /no longer held/,
        'checked even without renewal',
      );
    }
    await store.commit({ ...lease, tasks: [], events: [] });
    assert.equal((await store.getRun('r_b'))?.leaseExpiresAt, expires, 'a commit without renewal leaves the lease');
    assert.equal((await store.getTasks('r_b'))[1]?.status, 'pending');
    assert.equal((await store.getEvents('r_b')).length, 2);
    await store.close();

    // Durable: a second connection to the same data sees it all.
    const again = await reopen();
    assert.deepEqual((await again.getTasks('r_b'))[0], one);
    await again.close();
  });

  test(`${name}: claimRun takes a free, own, expired or gone holder's lease and increments the epoch`, async () => {
    const { store, reopen } = await openTemp();
    await create(store, 'r_c', 'first');
    const o = { owner: 'second', leaseMs: LEASE };
    const refused = await store.claimRun('r_c', o);
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.holder, 'first');
    if (store.dialect === 'sqlite') {
      // One host: a holder whose pid is gone is taken over at once.
      assert.equal((await store.claimRun('r_c', { ...o, isStale: () => false })).ok, false);
      assert.deepEqual(await store.claimRun('r_c', { ...o, isStale: (h) => h === 'first' }), { ok: true, epoch: 2 });
    } else {
      // PostgreSQL asks the database: a holder whose session lives keeps its lease, whatever a pid says.
      const first = await reopen();
      await first.announceOwner('first');
      assert.equal((await store.claimRun('r_c', { ...o, isStale: () => true })).ok, false, 'a live session keeps it');
      await first.close();
      assert.deepEqual(await store.claimRun('r_c', { ...o, isStale: () => false }), { ok: true, epoch: 2 }, 'gone');
    }
    // The first holder is now fenced out, even with its own owner id, by the epoch.
    await assert.rejects(
      store.commit({ runId: 'r_c', owner: 'first', epoch: 1, tasks: [], events: [] }),
      /no longer held/,
    );
    // Expiry alone also frees it.
    const short = await store.claimRun('r_c', { owner: 'second', leaseMs: -1 });
    assert.deepEqual(short, { ok: true, epoch: 3 });
    assert.deepEqual(await store.claimRun('r_c', { ...o, owner: 'third' }), { ok: true, epoch: 4 });
    await store.releaseLease('r_c', 'second'); // not the holder: no effect
    assert.equal((await store.getRun('r_c'))?.leaseOwner, 'third');
    await store.releaseLease('r_c', 'third');
    assert.equal((await store.getRun('r_c'))?.leaseOwner, null);
    await assert.rejects(store.claimRun('r_none', o), /No run "r_none"/);
    await store.close();
  });

  test(`${name}: claimRuns takes due runs once each, oldest due first; a park releases with a wake-up`, async () => {
    const { store, reopen } = await openTemp();
    const now = await store.now();
    await create(store, 'r_due1', null, now - 2000);
    await create(store, 'r_due2', null, now - 1000);
    await create(store, 'r_later', null, now + 60_000);
    await create(store, 'r_never', null, null);
    await create(store, 'r_held', 'live', now - 3000);
    const other = await reopen();
    const [a, b] = await Promise.all([
      store.claimRuns({ owner: 'w1', leaseMs: LEASE, limit: 1 }),
      other.claimRuns({ owner: 'w2', leaseMs: LEASE, limit: 5 }),
    ]);
    const all = [...a, ...b].map((c) => c.runId).sort();
    assert.deepEqual(all, ['r_due1', 'r_due2'], 'each due run claimed by exactly one worker');
    // w1 asked for one; with SKIP LOCKED it may find both already taken by w2, which is fine.
    assert.ok(a.length <= 1, 'w1 asked for at most one');
    assert.deepEqual(await store.claimRuns({ owner: 'w3', leaseMs: LEASE, limit: 5 }), []);

    const holder = a.length === 1 ? 'w1' : 'w2';
    const claimed = (a[0] ?? b[0]) as { runId: string; epoch: number };
    assert.equal(claimed.epoch, 1);
    assert.deepEqual(
      (await store.heldRuns(holder, LEASE))
        .filter((h) => h.runId === claimed.runId)
        .map((h) => [h.runId, h.epoch, h.pendingActions]),
      [[claimed.runId, 1, 0]],
    );
    // A park releases the lease and stores the wake-up; the run is due again then, for anyone.
    await store.commit({
      runId: claimed.runId,
      owner: holder,
      epoch: 1,
      tasks: [],
      events: [],
      park: { wakeAt: now - 1 },
    });
    const parked = await store.getRun(claimed.runId);
    assert.deepEqual([parked?.leaseOwner, parked?.wakeAt], [null, now - 1]);
    assert.deepEqual(
      (await store.heldRuns(holder)).filter((h) => h.runId === claimed.runId),
      [],
    );
    const again = await store.claimRuns({ owner: 'w3', leaseMs: LEASE, limit: 5 });
    assert.deepEqual(again, [{ runId: claimed.runId, epoch: 2 }]);
    await other.close();
    await store.close();
  });

  test(`${name}: operator actions are recorded for the holder, keep a parked run due, and go with the commit that applies them`, async () => {
    const { store } = await openTemp();
    await create(store, 'r_act', 'w1');
    const seen: string[] = [];
    const off = await store.subscribe((n) => {
      if (n.kind !== 'changed') seen.push(`${n.kind}:${n.runId}${n.kind === 'due' && n.created ? ':created' : ''}`);
    });
    const act = await store.recordAction({ runId: 'r_act', kind: 'complete', taskId: 'two', actor: 'cli:a', at: 'x' });
    assert.equal(typeof act.id, 'number');
    assert.deepEqual(
      (await store.pendingActions('r_act')).map((a) => [a.kind, a.taskId, a.actor]),
      [['complete', 'two', 'cli:a']],
    );
    assert.equal((await store.heldRuns('w1'))[0]?.pendingActions, 1);
    // Parking with nothing due does not lose the action: the run stays due.
    await store.commit({ runId: 'r_act', owner: 'w1', epoch: 1, tasks: [], events: [], park: { wakeAt: null } });
    const due = await store.getRun('r_act');
    assert.ok(due?.wakeAt !== null && (due?.wakeAt ?? Infinity) <= (await store.now()));
    const [c] = await store.claimRuns({ owner: 'w2', leaseMs: LEASE, limit: 1 });
    assert.deepEqual(c, { runId: 'r_act', epoch: 2 });
    await store.commit({
      runId: 'r_act',
      owner: 'w2',
      epoch: 2,
      tasks: [],
      events: [],
      actionsApplied: [act.id],
      park: { wakeAt: null },
    });
    assert.deepEqual(await store.pendingActions('r_act'), []);
    assert.equal((await store.getRun('r_act'))?.wakeAt, null);
    await assert.rejects(
      store.recordAction({ runId: 'r_nope', kind: 'resume', taskId: null, actor: 'a', at: 'x' }),
      /No run/,
    );
    for (let i = 0; i < 50 && !seen.includes('due:r_act'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(seen.includes('due:r_act'), `a due notice, not marked as a creation (${seen.join(', ')})`);
    // A queued run's creation is announced as one: its holder has no action to look for.
    await create(store, 'r_act_q', null, 0);
    for (let i = 0; i < 50 && !seen.includes('due:r_act_q:created'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(seen.includes('due:r_act_q:created'), `a creation notice (${seen.join(', ')})`);
    await off();
    await store.close();
  });

  test(`${name}: recordDecision records one decision per task: concurrent ones, and one after the task moved on, are refused with who decided`, async () => {
    const { store, reopen } = await openTemp();
    const other = await reopen();
    await create(store, 'r_dec', 'w1');
    const waiting = { ...(await store.getTasks('r_dec'))[1]!, status: 'waiting' as const };
    await store.commit({ runId: 'r_dec', owner: 'w1', epoch: 1, tasks: [waiting], events: [] });
    // Twenty deciders at once, over two connections: exactly one is recorded.
    const tries = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? other : store).recordDecision(
          { runId: 'r_dec', kind: i % 3 ? 'complete' : 'fail', taskId: 'two', actor: `slack:@u${i}`, at: 'x' },
          ['waiting'],
        ),
      ),
    );
    const won = tries.filter((t) => t.ok);
    assert.equal(won.length, 1, 'one decision');
    const winner = won[0]!.ok ? won[0]!.action : undefined;
    for (const t of tries.filter((x) => !x.ok)) {
      assert.ok(!t.ok);
      assert.equal(t.status, 'waiting');
      assert.equal(t.pending?.actor, winner?.actor, 'the late ones are told who decided');
    }
    assert.equal((await store.pendingActions('r_dec')).length, 1);
    // The holder applies it (task succeeded, action deleted): a later decision sees the status.
    await store.commit({
      runId: 'r_dec',
      owner: 'w1',
      epoch: 1,
      tasks: [{ ...waiting, status: 'succeeded' }],
      events: [],
      actionsApplied: [winner!.id],
    });
    const late = await other.recordDecision(
      { runId: 'r_dec', kind: 'complete', taskId: 'two', actor: 'cli:bob', at: 'y' },
      ['waiting'],
    );
    assert.deepEqual(late, { ok: false, status: 'succeeded' });
    assert.deepEqual(await store.pendingActions('r_dec'), [], 'nothing recorded by a refused decision');
    const missing = await store.recordDecision(
      { runId: 'r_dec', kind: 'complete', taskId: 'nope', actor: 'a', at: 'x' },
      ['waiting'],
    );
    assert.deepEqual(missing, { ok: false, status: undefined });
    await assert.rejects(
      store.recordDecision({ runId: 'r_nope', kind: 'complete', taskId: 'two', actor: 'a', at: 'x' }, ['waiting']),
      /No run/,
    );
    await other.close();
    await store.close();
  });

  test(`${name}: task state is saved durably with its event; cancel stops unfinished tasks and fences the holder`, async () => {
    const { store } = await openTemp();
    await create(store, 'r_d', 'me');
    const lease = { runId: 'r_d', owner: 'me', epoch: 1 };
    await saveState(store, lease, LEASE, 'two', { ts: '1.2' }, ev('r_d', 'task.state', 'two'));
    assert.deepEqual((await store.getTasks('r_d'))[1]?.state, { ts: '1.2' });
    await assert.rejects(
      saveState(store, { ...lease, owner: 'intruder' }, LEASE, 'two', {}, ev('r_d', 'task.state', 'two')),
      /no longer held/,
    );
    await assert.rejects(
      saveState(store, { ...lease, epoch: 7 }, LEASE, 'two', {}, ev('r_d', 'task.state', 'two')),
      /no longer held/,
    );
    assert.equal(await store.cancelRun('r_d', 'c', ev('r_d', 'run.cancelled')), true);
    assert.equal((await store.getRun('r_d'))?.status, 'cancelled');
    assert.equal((await store.getRun('r_d'))?.wakeAt, null);
    assert.deepEqual(
      (await store.getTasks('r_d')).map((t) => [t.status, t.reason]),
      [
        ['cancelled', 'run cancelled'],
        ['cancelled', 'run cancelled'],
      ],
    );
    assert.equal((await store.heldRuns('me'))[0]?.status, 'cancelled', 'the holder sees the cancel');
    await assert.rejects(store.commit({ ...lease, tasks: [], events: [] }), /no longer held/);
    assert.equal(await store.cancelRun('r_d', 'c', ev('r_d', 'run.cancelled')), false);
    await store.close();
  });

  test(`${name}: loadRuns reads claimed runs whole (run, tasks, pending actions) as getRun, getTasks and pendingActions do`, async () => {
    const { store } = await openTemp();
    await create(store, 'r_l1', 'me');
    await create(store, 'r_l2', null);
    const [one, two] = (await store.getTasks('r_l1')) as [TaskRecord, TaskRecord];
    await store.commit({
      runId: 'r_l1',
      owner: 'me',
      epoch: 1,
      tasks: [
        { ...one, status: 'succeeded', attempts: 1, startedAt: 's', finishedAt: 'f', output: { n: [1, 'two'] } },
        {
          ...two,
          status: 'failed',
          attempts: 2,
          error: { code: 'runwire.x', message: 'm "quoted" \\ back', fix: 'f', retryable: false },
          reason: 'r',
        },
      ],
      events: [ev('r_l1', 'task.succeeded', 'one')],
    });
    await saveState(store, { runId: 'r_l1', owner: 'me', epoch: 1 }, LEASE, 'two', { ts: '1.5' }, ev('r_l1', 's'));
    await store.recordAction({ runId: 'r_l1', kind: 'retry', taskId: 'two', actor: 'cli:a', at: 'x' });
    const loaded = await store.loadRuns(['r_l2', 'r_missing', 'r_l1']);
    const byId = new Map(loaded.map((l) => [l.run.id, l]));
    assert.equal(loaded.length, 2, 'an unknown id is left out');
    for (const id of ['r_l1', 'r_l2']) {
      assert.deepEqual(byId.get(id)?.run, await store.getRun(id));
      assert.deepEqual(byId.get(id)?.tasks, await store.getTasks(id));
      assert.deepEqual(byId.get(id)?.actions, await store.pendingActions(id));
    }
    assert.equal(byId.get('r_l1')?.actions.length, 1);
    assert.deepEqual(await store.loadRuns([]), []);
    await store.close();
  });

  test(`${name}: a holder's commits and state saves at once are all written, events numbered without gaps`, async () => {
    const { store } = await openTemp();
    await create(store, 'r_race', 'me');
    const lease = { runId: 'r_race', owner: 'me', epoch: 1 };
    const tasks = await store.getTasks('r_race');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? saveState(store, lease, LEASE, 'two', { i }, ev('r_race', `state.${i}`, 'two'))
          : store.commit({
              ...lease,
              ...(i % 3 === 0 ? { renewLeaseMs: LEASE } : {}),
              tasks: [{ ...(tasks[0] as TaskRecord), attempts: i }],
              events: [ev('r_race', `commit.${i}.a`), ev('r_race', `commit.${i}.b`)],
            }),
      ),
    );
    const events = await store.getEvents('r_race');
    assert.equal(events.length, 1 + 10 + 20);
    assert.deepEqual(
      events.map((e) => e.seq),
      events.map((_, i) => i + 1),
    );
    for (let i = 1; i < 20; i += 2) {
      const a = events.findIndex((e) => e.kind === `commit.${i}.a`);
      assert.equal(events[a + 1]?.kind, `commit.${i}.b`, "one commit's events stay together, in order");
    }
    await store.close();
  });

  test(`${name}: commits of many runs at once are fenced each on its own: a lost lease or a bad write refuses only itself`, async () => {
    const { store } = await openTemp();
    const ids = Array.from({ length: 24 }, (_, i) => `r_many_${String(i).padStart(2, '0')}`);
    for (const id of ids) await create(store, id, 'me');
    const tasks = new Map(await Promise.all(ids.map(async (id) => [id, await store.getTasks(id)] as const)));
    const results = await Promise.allSettled(
      ids.map((id, i) => {
        const one = tasks.get(id)?.[0] as TaskRecord;
        // Every 5th has the wrong epoch (taken over); the 7th carries an event the store cannot hold.
        const epoch = i % 5 === 4 ? 9 : 1;
        const bad = i === 7 ? [{ ...ev(id, 'bad'), at: null as unknown as string }] : [];
        return store.commit({
          runId: id,
          owner: 'me',
          epoch,
          tasks: [{ ...one, status: 'succeeded', attempts: 1 }],
          run: { status: 'succeeded', finishedAt: 'end' },
          events: [ev(id, 'run.succeeded'), ...bad],
          park: { wakeAt: null },
        });
      }),
    );
    for (const [i, id] of ids.entries()) {
      const r = results[i];
      const run = await store.getRun(id);
      const events = await store.getEvents(id);
      if (i % 5 === 4) {
        assert.equal(r?.status, 'rejected', `${id}: fenced out`);
        assert.match(String((r as PromiseRejectedResult).reason?.code), /lease_lost/);
      } else if (i === 7) {
        assert.equal(r?.status, 'rejected', `${id}: its bad write fails`);
        assert.doesNotMatch(String((r as PromiseRejectedResult).reason?.code), /lease_lost/);
      } else {
        assert.equal(r?.status, 'fulfilled', `${id}: written`);
      }
      const written = r?.status === 'fulfilled';
      assert.equal(run?.status, written ? 'succeeded' : 'running', `${id}: the run patch whole or not at all`);
      assert.equal(run?.leaseOwner, written ? null : 'me', `${id}: parked only when written`);
      assert.equal((await store.getTasks(id))[0]?.status, written ? 'succeeded' : 'pending');
      assert.deepEqual(
        events.map((e) => e.kind),
        written ? ['run.created', 'run.succeeded'] : ['run.created'],
      );
    }
    await store.close();
  });

  test(`${name}: runs are listed newest first and filtered; an idempotency key creates once`, async () => {
    const { store } = await openTemp();
    for (const [id, owner] of [
      ['r_1', null],
      ['r_2', 'live'],
      ['r_3', 'old'],
    ] as const) {
      const f = fixture(id, owner);
      if (id === 'r_3') f.run.status = 'failed';
      await store.createRun(f.run, f.tasks, f.events, owner === 'live' ? { leaseMs: LEASE } : {});
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
      (await store.listRuns({ status: 'running', before: 'r_2' })).map((r) => r.id),
      ['r_1'],
    );
    assert.deepEqual(
      (await store.listRuns({ runbook: 'Demo', mode: 'live', limit: 2 })).map((r) => r.id),
      ['r_3', 'r_2'],
    );
    assert.deepEqual(
      (await store.findRunsToResume((await store.now()) + 1000)).map((r) => r.id),
      ['r_1'],
    );

    const k1 = fixture('r_k1', null);
    const k2 = fixture('r_k2', null);
    assert.deepEqual(await store.createRun(k1.run, k1.tasks, k1.events, { idempotencyKey: 'key' }), {
      runId: 'r_k1',
      created: true,
    });
    assert.deepEqual(await store.createRun(k2.run, k2.tasks, k2.events, { idempotencyKey: 'key' }), {
      runId: 'r_k1',
      created: false,
    });
    assert.equal(await store.getRun('r_k2'), undefined);
    await store.close();
  });

  test(`${name}: workers heartbeat, are listed while alive, and leave`, async () => {
    const { store } = await openTemp();
    const w = {
      id: '1@h:a',
      name: 'w1',
      host: 'h',
      pid: 1,
      startedAt: 's',
      heartbeatAt: 'b1',
      runsHeld: 0,
    };
    await store.heartbeatWorker(w);
    await store.heartbeatWorker({ ...w, heartbeatAt: 'b2', runsHeld: 3 });
    assert.deepEqual(await store.listWorkers(60_000), [{ ...w, heartbeatAt: 'b2', runsHeld: 3 }]);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(await store.listWorkers(5), [], 'a heartbeat older than the window is not alive');
    await store.removeWorker(w.id);
    assert.deepEqual(await store.listWorkers(60_000), []);
    await store.close();
  });
}
