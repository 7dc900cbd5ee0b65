import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compileSchedule,
  graceFor,
  MISSED_ALL_CAP,
  type Schedule,
} from '../../../src/triggers/schedule-occurrences.js';
import { planTick, type PlanInput } from '../../../src/triggers/scheduler/plan.js';
import { declaredSchedules } from '../../../src/triggers/scheduler/declared.js';
import { runVarsOf } from '../../../src/triggers/scheduler/scheduler.js';
import type { Runbook } from '../../../src/core/runbook.js';

function schedule(cron: string, tz?: string): Schedule {
  const s = compileSchedule(cron, tz);
  if ('error' in s) throw new Error(s.error);
  return s;
}
const at = (s: string) => Date.parse(s);
const iso = (ms: number[]) => ms.map((t) => new Date(t).toISOString());

// A fake clock: the plan is a function of the cursor and "now", so time is just a value here.
const every10s = schedule('*/10 * * * * *');
const base = (over: Partial<PlanInput>): PlanInput => ({
  schedule: every10s,
  lastMs: at('2026-12-01T10:00:00Z'),
  nowMs: at('2026-12-01T10:00:10.200Z'),
  missed: 'skip',
  enabled: true,
  invalid: false,
  ...over,
});

test('on time: the due occurrence fires and the cursor moves to it', () => {
  const p = planTick(base({}));
  assert.deepEqual(iso(p.fire), ['2026-12-01T10:00:10.000Z']);
  assert.deepEqual(p.notFired, []);
  assert.equal(p.last, at('2026-12-01T10:00:10Z'));
  assert.deepEqual(planTick(base({ nowMs: at('2026-12-01T10:00:09Z') })), { fire: [], notFired: [], last: undefined });
});

test('the grace is 60 s, or half the interval when shorter', () => {
  assert.equal(graceFor(every10s, at('2026-12-01T10:00:10Z')), 5000);
  assert.equal(graceFor(schedule('0 * * * *'), at('2026-12-01T10:00:00Z')), 60_000);
  // 6 s late on a 10 s schedule is nearer the next occurrence: missed.
  const late = planTick(base({ nowMs: at('2026-12-01T10:00:16Z') }));
  assert.deepEqual(late.fire, []);
  assert.deepEqual(late.notFired, [{ at: at('2026-12-01T10:00:10Z'), outcome: 'missed' }]);
  assert.equal(late.last, at('2026-12-01T10:00:10Z'));
});

test('down over two occurrences: skip fires none, once the latest, all both', () => {
  // Down from 10:00:00 to 10:00:26: 10:00:10 and 10:00:20 were missed (the latest 6 s late).
  const down = { nowMs: at('2026-12-01T10:00:26Z') };
  const skip = planTick(base({ ...down, missed: 'skip' }));
  assert.deepEqual(skip.fire, []);
  assert.deepEqual(iso(skip.notFired.map((n) => n.at)), ['2026-12-01T10:00:10.000Z', '2026-12-01T10:00:20.000Z']);
  assert.ok(skip.notFired.every((n) => n.outcome === 'missed'));
  const once = planTick(base({ ...down, missed: 'once' }));
  assert.deepEqual(iso(once.fire), ['2026-12-01T10:00:20.000Z']);
  assert.deepEqual(iso(once.notFired.map((n) => n.at)), ['2026-12-01T10:00:10.000Z']);
  const all = planTick(base({ ...down, missed: 'all' }));
  assert.deepEqual(iso(all.fire), ['2026-12-01T10:00:10.000Z', '2026-12-01T10:00:20.000Z']);
  assert.deepEqual(all.notFired, []);
  for (const p of [skip, once, all]) assert.equal(p.last, at('2026-12-01T10:00:20Z'));
});

test('missed: all fires at most 100, the most recent; the older are recorded missed', () => {
  const p = planTick(base({ missed: 'all', nowMs: at('2026-12-01T10:30:00Z') })); // 180 occurrences
  assert.equal(p.fire.length, MISSED_ALL_CAP);
  assert.equal(p.fire.at(-1), at('2026-12-01T10:30:00Z'));
  assert.equal(p.notFired.length, 80);
  assert.ok(p.notFired.every((n) => n.outcome === 'missed' && n.at < p.fire[0]!));
});

test('disabled: every due occurrence is recorded disabled, none fires, and none catches up later', () => {
  const p = planTick(base({ enabled: false, missed: 'all', nowMs: at('2026-12-01T10:00:26Z') }));
  assert.deepEqual(p.fire, []);
  assert.deepEqual(
    p.notFired.map((n) => n.outcome),
    ['disabled', 'disabled'],
  );
  assert.equal(p.last, at('2026-12-01T10:00:20Z'));
  // Enabled again at 10:00:31 with the cursor at 10:00:20: only 10:00:30 fires.
  const again = planTick(base({ lastMs: p.last!, nowMs: at('2026-12-01T10:00:31Z'), missed: 'all' }));
  assert.deepEqual(iso(again.fire), ['2026-12-01T10:00:30.000Z']);
});

test('an invalid runbook records what would have fired as invalid', () => {
  const p = planTick(base({ invalid: true, missed: 'once', nowMs: at('2026-12-01T10:00:21Z') }));
  assert.deepEqual(p.fire, []);
  assert.deepEqual(p.notFired, [
    { at: at('2026-12-01T10:00:10Z'), outcome: 'missed' },
    { at: at('2026-12-01T10:00:20Z'), outcome: 'invalid' },
  ]);
});

test('declared schedules get their defaults; other trigger types are left out', () => {
  const runbook = {
    name: 'x',
    vars: { a: '1' },
    tasks: [],
    source: 'x.yaml',
    triggers: [
      { id: 'nightly', type: 'schedule', mode: 'live', vars: {}, config: { cron: '30 2 * * 1-5' } },
      {
        id: 'dr',
        type: 'schedule',
        mode: 'rehearsal',
        vars: { a: '{{trigger.scheduled_for}}' },
        config: { cron: '0 * * * *', timezone: 'Europe/London', missed: 'all' },
      },
      {
        id: 'chat',
        type: 'slack.message',
        mode: 'live',
        vars: {},
        config: { connection: 'default', channel: ['#ops'] },
      },
    ],
  } as unknown as Runbook;
  assert.deepEqual(declaredSchedules(runbook), [
    { id: 'nightly', cron: '30 2 * * 1-5', timezone: 'UTC', missed: 'skip', mode: 'live', vars: {} },
    {
      id: 'dr',
      cron: '0 * * * *',
      timezone: 'Europe/London',
      missed: 'all',
      mode: 'rehearsal',
      vars: { a: '{{trigger.scheduled_for}}' },
    },
  ]);
});

test("a fire's vars: the runbook's, the trigger's rendered over trigger.*, and trigger.scheduled_for", () => {
  const runbook = { name: 'x', vars: { a: '1', b: '2' }, tasks: [], source: 'x.yaml' } as unknown as Runbook;
  const t = {
    runbookId: 'x',
    version: 1,
    runbook,
    triggerId: 'nightly',
    cron: '0 * * * *',
    timezone: 'UTC',
    missed: 'skip' as const,
    mode: 'live' as const,
    vars: { b: 'at {{trigger.scheduled_for}}' },
  };
  assert.deepEqual(runVarsOf(t, at('2026-12-01T10:00:00Z')), {
    a: '1',
    b: 'at 2026-12-01T10:00:00.000Z',
    'trigger.scheduled_for': '2026-12-01T10:00:00.000Z',
  });
  const bad = runVarsOf({ ...t, vars: { b: '{{trigger.nope}}' } }, 0);
  assert.ok('error' in bad && /trigger\.nope/.test(bad.error), JSON.stringify(bad));
});
