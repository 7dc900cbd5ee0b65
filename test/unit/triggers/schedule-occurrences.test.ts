import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MISSED_ALL_CAP,
  compileSchedule,
  dueOccurrences,
  nextOccurrences,
  type Schedule,
} from '../../../src/triggers/schedule-occurrences.js';
import { instantsOf, offsetAt, wallClock } from '../../../src/triggers/time-zone.js';

function schedule(cron: string, tz?: string): Schedule {
  const s = compileSchedule(cron, tz);
  if ('error' in s) throw new Error(s.error);
  return s;
}
const iso = (ms: number[]) => ms.map((t) => new Date(t).toISOString());
const at = (s: string) => Date.parse(s);

test('time zone offsets and wall times around London and New York changes', () => {
  assert.equal(offsetAt(at('2026-01-15T12:00:00Z'), 'Europe/London'), 0);
  assert.equal(offsetAt(at('2026-07-15T12:00:00Z'), 'Europe/London'), 3600_000);
  assert.equal(offsetAt(at('2026-07-15T12:00:00Z'), 'America/New_York'), -4 * 3600_000);
  // 01:30 on 29 March 2026 does not exist in London: clocks go 01:00 GMT → 02:00 BST at 01:00Z.
  assert.deepEqual(instantsOf(Date.UTC(2026, 2, 29, 1, 30), 'Europe/London'), {
    instants: [],
    jump: at('2026-03-29T01:00:00Z'),
  });
  // 01:30 on 25 October 2026 happens twice: 00:30Z (BST) and 01:30Z (GMT).
  assert.deepEqual(iso(instantsOf(Date.UTC(2026, 9, 25, 1, 30), 'Europe/London').instants), [
    '2026-10-25T00:30:00.000Z',
    '2026-10-25T01:30:00.000Z',
  ]);
});

test('UTC wall clock (no Intl) agrees with an equivalent zone read through Intl', () => {
  for (const t of [0, 1_000_999, at('2026-03-29T01:00:00.500Z'), at('2026-10-25T01:30:59.999Z'), -1500]) {
    assert.equal(wallClock(t, 'UTC'), wallClock(t, 'Etc/GMT'), String(t));
  }
});

test('a skipped local time fires once, at the jump (Europe/London, America/New_York)', () => {
  assert.deepEqual(iso(nextOccurrences(schedule('30 1 * * *', 'Europe/London'), at('2026-03-27T12:00:00Z'), 3)), [
    '2026-03-28T01:30:00.000Z',
    '2026-03-29T01:00:00.000Z', // 02:00 BST, the moment after the gap
    '2026-03-30T00:30:00.000Z',
  ]);
  // Every 15 minutes through New York's gap (02:00–03:00 EST→EDT on 8 March 2026): the four
  // times inside it collapse into one fire at the jump.
  const ny = nextOccurrences(schedule('*/15 1-3 8 3 *', 'America/New_York'), at('2026-03-08T06:40:00Z'), 5);
  assert.deepEqual(iso(ny), [
    '2026-03-08T06:45:00.000Z', // 01:45 EST
    '2026-03-08T07:00:00.000Z', // the jump: 03:00 EDT (02:00, 02:15, 02:30, 02:45 do not exist)
    '2026-03-08T07:15:00.000Z', // 03:15 EDT
    '2026-03-08T07:30:00.000Z',
    '2026-03-08T07:45:00.000Z',
  ]);
});

test('a repeated local time fires once, at its first occurrence', () => {
  assert.deepEqual(iso(nextOccurrences(schedule('30 1 * * *', 'Europe/London'), at('2026-10-24T12:00:00Z'), 2)), [
    '2026-10-25T00:30:00.000Z', // 01:30 BST; 01:30 GMT an hour later does not fire again
    '2026-10-26T01:30:00.000Z',
  ]);
  const half = nextOccurrences(schedule('*/30 1-2 * * *', 'Europe/London'), at('2026-10-24T23:59:00Z'), 4);
  assert.deepEqual(iso(half), [
    '2026-10-25T00:00:00.000Z', // 01:00 BST
    '2026-10-25T00:30:00.000Z', // 01:30 BST
    '2026-10-25T02:00:00.000Z', // 02:00 GMT: the repeated 01:00 and 01:30 GMT are skipped
    '2026-10-25T02:30:00.000Z',
  ]);
  // Starting inside the repeated hour's second pass does not fire its times again either.
  assert.deepEqual(iso(nextOccurrences(schedule('30 1 * * *', 'America/New_York'), at('2026-11-01T06:10:00Z'), 1)), [
    '2026-11-02T06:30:00.000Z',
  ]);
});

test('6-field patterns (seconds first), UTC by default, weekdays', () => {
  assert.deepEqual(iso(nextOccurrences(schedule('*/20 * * * * *'), at('2026-12-01T10:00:05Z'), 3)), [
    '2026-12-01T10:00:20.000Z',
    '2026-12-01T10:00:40.000Z',
    '2026-12-01T10:01:00.000Z',
  ]);
  // 30 2 * * 1-5: the example; 2026-12-05 and 06 are a weekend.
  assert.deepEqual(iso(nextOccurrences(schedule('30 2 * * 1-5', 'Europe/London'), at('2026-12-04T03:00:00Z'), 2)), [
    '2026-12-07T02:30:00.000Z',
    '2026-12-08T02:30:00.000Z',
  ]);
});

test('bad schedules are explained', () => {
  assert.match((compileSchedule('* * *') as { error: string }).error, /5 fields/);
  assert.match((compileSchedule('61 * * * *') as { error: string }).error, /bad cron pattern/);
  assert.match((compileSchedule('* * * * *', 'Mars/Olympus') as { error: string }).error, /unknown time zone/);
});

test('missed occurrences after downtime: skip, once, all (capped)', () => {
  const hourly = schedule('0 * * * *');
  const last = at('2026-12-01T00:00:00Z');
  const now = at('2026-12-01T05:20:00Z'); // 01:00..05:00 were missed, the latest 20 minutes late
  assert.deepEqual(dueOccurrences(hourly, last, now, 'skip').fire, []);
  assert.equal(dueOccurrences(hourly, last, now, 'skip').skipped.length, 5);
  assert.deepEqual(iso(dueOccurrences(hourly, last, now, 'once').fire), ['2026-12-01T05:00:00.000Z']);
  assert.equal(dueOccurrences(hourly, last, now, 'all').fire.length, 5);
  // On time (within the grace), skip still fires the current occurrence.
  assert.deepEqual(iso(dueOccurrences(hourly, last, at('2026-12-01T01:00:30Z'), 'skip').fire), [
    '2026-12-01T01:00:00.000Z',
  ]);
  const minutely = schedule('* * * * *');
  const all = dueOccurrences(minutely, last, at('2026-12-01T04:00:00Z'), 'all');
  assert.equal(all.fire.length, MISSED_ALL_CAP);
  assert.equal(all.fire[all.fire.length - 1], at('2026-12-01T04:00:00Z'), 'the most recent ones are kept');
  assert.ok(all.skipped.length > 0);
  assert.deepEqual(dueOccurrences(hourly, last, at('2026-12-01T00:30:00Z'), 'all'), { fire: [], skipped: [] });
});

test('a week of downtime of an every-second schedule: the most recent 100 fire, 900 more are listed skipped', () => {
  const s = schedule('* * * * * *');
  const last = at('2026-12-01T00:00:00Z');
  const now = at('2026-12-08T00:00:00.500Z');
  const all = dueOccurrences(s, last, now, 'all');
  assert.equal(all.fire.length, MISSED_ALL_CAP);
  assert.equal(all.fire.at(-1), at('2026-12-08T00:00:00Z'));
  assert.equal(all.fire[0], at('2026-12-07T23:58:21Z'));
  assert.equal(all.skipped.length, MISSED_ALL_CAP * 9);
  assert.equal(all.skipped.at(-1), at('2026-12-07T23:58:20Z'));
  const once = dueOccurrences(s, last, now, 'once');
  assert.deepEqual(once.fire, [at('2026-12-08T00:00:00Z')]);
  assert.equal(once.skipped.length, MISSED_ALL_CAP * 10 - 1);
  // A short gap still lists every occurrence since the cursor.
  assert.equal(dueOccurrences(s, at('2026-12-07T23:59:50Z'), now, 'all').fire.length, 10);
});
