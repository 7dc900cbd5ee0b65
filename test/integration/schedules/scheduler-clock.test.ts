/**
 * The scheduler over a real SQLite database with a fake clock: the library, the claims and the runs
 * are real; only "now" is a value the test moves, so downtime, missed policies, a crash between
 * claim and create, library changes and disabled triggers are exact.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunService } from '../../../src/engine/run-service.js';
import { LibraryScheduleSource } from '../../../src/server/library/schedule-source.js';
import { openServerRuntime, type ServerRuntime } from '../../../src/server/runtime.js';
import { ScheduleStore } from '../../../src/server/store/schedule-store.js';
import { type FireRecord, type TriggerGate, triggerKey } from '../../../src/triggers/scheduler/contracts.js';
import { Scheduler } from '../../../src/triggers/scheduler/scheduler.js';
import { triggerStoreGate } from '../../../src/triggers/scheduler/trigger-store-gate.js';
import { putScheduled, tempDataDir } from './helpers.js';

const T0 = Date.parse('2026-12-01T10:00:00.300Z');

interface Rig {
  rt: ServerRuntime;
  fires: ScheduleStore;
  clock: { now: number };
  records: FireRecord[];
  disabled: Set<string>;
  scheduler(owner?: string): Scheduler;
  close(): Promise<void>;
}

async function rig(): Promise<Rig> {
  const rt = await openServerRuntime({ dataDir: tempDataDir() });
  const clock = { now: T0 };
  const records: FireRecord[] = [];
  const disabled = new Set<string>();
  const gate: TriggerGate = { disabled: async () => disabled, record: async (r) => void records.push(...r) };
  const fires = new ScheduleStore(rt.sql);
  return {
    rt,
    fires,
    clock,
    records,
    disabled,
    // Each call is another process: its own scheduler, source and clock reading the same database.
    scheduler: (owner = 'p1') =>
      new Scheduler({
        source: new LibraryScheduleSource(rt.sql),
        fires: new ScheduleStore(rt.sql),
        service: new RunService({ store: rt.runtime.store }),
        gate,
        clock: async () => clock.now,
        owner,
      }),
    close: () => rt.close(),
  };
}

const runsOf = async (r: Rig, runbook: string) =>
  (await r.rt.runtime.store.listRuns({ runbook, limit: 500 })).map((s) => s.id);

test('an occurrence fires once, with trigger.scheduled_for and the trigger mode, and only once', async () => {
  const r = await rig();
  try {
    await putScheduled(r.rt.library, 'tick', [
      { id: 'ten', cron: '*/10 * * * * *', mode: 'rehearsal', vars: { when: 'at {{trigger.scheduled_for}}' } },
    ]);
    const a = r.scheduler('p1');
    const b = r.scheduler('p2');
    assert.equal((await a.tick()).started, 0, 'first sight: the cursor starts now');
    r.clock.now = Date.parse('2026-12-01T10:00:10.050Z');
    const [ra, rb] = await Promise.all([a.tick(), b.tick()]);
    assert.equal(ra.started + rb.started, 1, 'two schedulers at once start one run');
    assert.equal((await a.tick()).started + (await b.tick()).started, 0);
    const [id] = await runsOf(r, 'tick');
    const run = await r.rt.runtime.store.getRun(id!);
    assert.equal(run?.mode, 'rehearsal');
    assert.equal(run?.vars['trigger.scheduled_for'], '2026-12-01T10:00:10.000Z');
    assert.equal(run?.vars.when, 'at 2026-12-01T10:00:10.000Z');
    const [fire] = await r.fires.fires('tick', 'ten');
    assert.deepEqual([fire?.outcome, fire?.runId], ['started', id]);
    assert.deepEqual(
      r.records.map((x) => [x.outcome, x.runId]),
      [['started', id]],
    );
    assert.equal(ra.nextDue ?? rb.nextDue, Date.parse('2026-12-01T10:00:20Z'));
  } finally {
    await r.close();
  }
});

test('down over two occurrences: skip fires none, once the latest, all both', async () => {
  const r = await rig();
  try {
    for (const missed of ['skip', 'once', 'all'] as const) {
      await putScheduled(r.rt.library, missed, [{ id: 'ten', cron: '*/10 * * * * *', missed }]);
    }
    await r.scheduler('before').tick(); // cursors at T0
    // Down from 10:00:00.3 to 10:00:26: 10:00:10 and 10:00:20 were due; the latest is 6 s late (grace 5 s).
    r.clock.now = Date.parse('2026-12-01T10:00:26Z');
    assert.equal((await r.scheduler('after').tick()).started, 3);
    const outcomes = async (id: string) =>
      (await r.fires.fires(id, 'ten')).map(
        (f) => `${new Date(f.scheduledFor).toISOString().slice(17, 19)} ${f.outcome}`,
      );
    assert.deepEqual(await outcomes('skip'), ['20 missed', '10 missed']);
    assert.deepEqual(await outcomes('once'), ['20 started', '10 missed']);
    assert.deepEqual(await outcomes('all'), ['20 started', '10 started']);
    assert.equal((await runsOf(r, 'skip')).length, 0);
    assert.equal((await runsOf(r, 'once')).length, 1);
    assert.equal((await runsOf(r, 'all')).length, 2);
    // Back on time: 10:00:30 fires under every policy.
    r.clock.now = Date.parse('2026-12-01T10:00:30.100Z');
    assert.equal((await r.scheduler('after').tick()).started, 3);
  } finally {
    await r.close();
  }
});

test('a crash between claim and create neither loses nor doubles the occurrence', async () => {
  const r = await rig();
  try {
    await putScheduled(r.rt.library, 'crash', [{ id: 'ten', cron: '*/10 * * * * *' }]);
    await r.scheduler().tick();
    const at10 = Date.parse('2026-12-01T10:00:10Z');
    const at20 = Date.parse('2026-12-01T10:00:20Z');
    // A process claimed 10:00:10 and died before creating the run.
    await r.fires.claim(
      [{ runbookId: 'crash', triggerId: 'ten', scheduledFor: at10, version: 1, outcome: 'claimed', detail: null }],
      'dead',
      at20,
    );
    // Another claimed 10:00:20, created the run, and died before marking the claim started.
    await r.fires.claim(
      [{ runbookId: 'crash', triggerId: 'ten', scheduledFor: at20, version: 1, outcome: 'claimed', detail: null }],
      'dead',
      at20,
    );
    const made = await new RunService({ store: r.rt.runtime.store }).create(
      (await r.rt.library.latest('crash'))!.runbook,
      { mode: 'live', vars: {}, actor: 'test', idempotencyKey: 'schedule:crash/ten@2026-12-01T10:00:20.000Z' },
    );
    r.clock.now = Date.parse('2026-12-01T10:00:20.500Z');
    assert.equal((await r.scheduler().tick()).started, 0, 'a fresh claim is left to its claimer for a while');
    r.clock.now = Date.parse('2026-12-01T10:00:35Z'); // both claims are over 10 s old
    await r.scheduler('p2').tick();
    const fires = await r.fires.fires('crash', 'ten');
    assert.deepEqual(
      fires.map((f) => f.outcome),
      ['started', 'started', 'started'],
    );
    assert.equal(fires[1]?.runId, made.run.id, 'the run created before the crash is the one recorded');
    assert.equal((await runsOf(r, 'crash')).length, 3, '10, 20 and 30: one run each');
  } finally {
    await r.close();
  }
});

test('library changes are seen without a restart: added, pattern changed, deleted, invalid', async () => {
  const r = await rig();
  try {
    const s = r.scheduler();
    await s.tick();
    await putScheduled(r.rt.library, 'later', [{ id: 'ten', cron: '*/10 * * * * *', missed: 'all' }]);
    r.clock.now = Date.parse('2026-12-01T10:00:05Z');
    await s.tick(); // first seen at 10:00:05
    r.clock.now = Date.parse('2026-12-01T10:00:10.100Z');
    assert.equal((await s.tick()).started, 1);
    // Every 5 s now: the new pattern counts from when it was seen, earlier times are not caught up.
    await putScheduled(r.rt.library, 'later', [{ id: 'ten', cron: '*/5 * * * * *', missed: 'all' }]);
    r.clock.now = Date.parse('2026-12-01T10:00:12Z');
    assert.equal((await s.tick()).started, 0);
    r.clock.now = Date.parse('2026-12-01T10:00:15.100Z');
    assert.equal((await s.tick()).started, 1);
    // The current file is invalid: the occurrence is recorded with why, no run.
    await r.rt.library.setIssues(
      'later',
      [{ file: 'later.yaml', line: 3, column: 5, field: 'tasks', message: 'tasks must not be empty' }],
      'later.yaml',
      'name: later\ntasks: []\n',
    );
    r.clock.now = Date.parse('2026-12-01T10:00:20.100Z');
    assert.equal((await s.tick()).started, 0);
    const [inv] = await r.fires.fires('later', 'ten');
    assert.equal(inv?.outcome, 'invalid');
    assert.match(inv?.detail ?? '', /invalid: tasks must not be empty \(later\.yaml:3:5\)/);
    assert.deepEqual(r.records.at(-1)?.outcome, 'invalid');
    // Deleted: nothing fires; put back later, it starts again from then (no catch-up with missed: all).
    await r.rt.library.delete('later');
    r.clock.now = Date.parse('2026-12-01T10:00:25.100Z');
    assert.equal((await s.tick()).started, 0);
    r.clock.now = Date.parse('2026-12-01T10:01:02Z');
    await putScheduled(r.rt.library, 'later', [{ id: 'ten', cron: '*/5 * * * * *', missed: 'all' }]);
    assert.equal((await s.tick()).started, 0);
    r.clock.now = Date.parse('2026-12-01T10:01:05.100Z');
    assert.equal((await s.tick()).started, 1);
    assert.equal((await runsOf(r, 'later')).length, 3);
  } finally {
    await r.close();
  }
});

test('a disabled trigger records its occurrences as disabled and does not catch up when enabled', async () => {
  const r = await rig();
  try {
    await putScheduled(r.rt.library, 'paused', [{ id: 'ten', cron: '*/10 * * * * *', missed: 'all' }]);
    const s = r.scheduler();
    await s.tick();
    r.disabled.add(triggerKey('paused', 'ten'));
    r.clock.now = Date.parse('2026-12-01T10:00:20.100Z');
    assert.equal((await s.tick()).started, 0);
    assert.deepEqual(
      (await r.fires.fires('paused', 'ten')).map((f) => f.outcome),
      ['disabled', 'disabled'],
    );
    r.disabled.clear();
    r.clock.now = Date.parse('2026-12-01T10:00:30.100Z');
    assert.equal((await s.tick()).started, 1, 'only 10:00:30');
  } finally {
    await r.close();
  }
});

test('with the trigger store: setEnabled pauses a schedule, and every occurrence is in the history', async () => {
  const r = await rig();
  try {
    await putScheduled(r.rt.library, 'hist', [{ id: 'ten', cron: '*/10 * * * * *', missed: 'once' }]);
    const s = new Scheduler({
      source: new LibraryScheduleSource(r.rt.sql),
      fires: r.fires,
      service: new RunService({ store: r.rt.runtime.store }),
      gate: triggerStoreGate(r.rt.triggers),
      clock: async () => r.clock.now,
      owner: 'p1',
    });
    await s.tick();
    r.clock.now = Date.parse('2026-12-01T10:00:10.100Z');
    await s.tick();
    await r.rt.triggers.setEnabled('hist', 'ten', false, 'test');
    r.clock.now = Date.parse('2026-12-01T10:00:20.100Z');
    await s.tick();
    await r.rt.triggers.setEnabled('hist', 'ten', true, 'test');
    r.clock.now = Date.parse('2026-12-01T10:00:46Z'); // 30 missed, 40 six seconds late: once fires it
    await s.tick();
    const h = await r.rt.triggers.history({ runbookId: 'hist', triggerId: 'ten' });
    assert.deepEqual(
      h.map((e) => [e.kind, e.scheduledFor?.slice(17, 19), e.outcome]),
      [
        ['schedule', '40', 'started'],
        ['schedule', '30', 'missed'],
        ['schedule', '20', 'disabled'],
        ['schedule', '10', 'started'],
      ],
    );
    const runs = await runsOf(r, 'hist');
    assert.deepEqual(new Set(h.filter((e) => e.outcome === 'started').map((e) => e.runId)), new Set(runs));
    assert.equal(h[0]?.dedupeKey, 'schedule:hist/ten@2026-12-01T10:00:40.000Z');
  } finally {
    await r.close();
  }
});
