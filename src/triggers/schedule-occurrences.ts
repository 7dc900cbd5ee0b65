/**
 * When a schedule fires: cron patterns (5 fields, or 6 with seconds first) read by croner, in an
 * IANA time zone, with one documented rule for daylight-saving changes:
 * - a local time that does not exist (clocks jump forward over it) fires once, at the jump;
 * - a local time that happens twice (clocks turn back over it) fires once, at its first occurrence.
 * Croner is asked only which wall-clock times match the pattern (on wall times at UTC offset 0:
 * `utcOffset: 0` is ~100x faster than `timezone: 'UTC'`, which goes through Intl); this module maps
 * wall times to instants, so the rule holds whatever croner does around transitions.
 * Pure: the clock and the zone come in as values.
 */
import { Cron } from 'croner';
import { instantsOf, isTimeZone, wallClock } from './time-zone.js';

/** A checked schedule: the pattern compiled once. */
export interface Schedule {
  cron: string;
  timezone: string;
  matcher: Cron;
}

/** Compiles a schedule, or says what is wrong with it (for a positioned runbook error). */
export function compileSchedule(cron: string, timezone = 'UTC'): Schedule | { error: string } {
  const fields = cron.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6) {
    return { error: `cron needs 5 fields (minute hour day month weekday) or 6 (seconds first); got ${fields}` };
  }
  if (!isTimeZone(timezone))
    return { error: `unknown time zone "${timezone}" (use an IANA name such as Europe/London)` };
  try {
    return { cron, timezone, matcher: new Cron(cron, { utcOffset: 0, paused: true }) };
  } catch (err) {
    return { error: `bad cron pattern: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** The next occurrence strictly after `afterMs` (epoch ms), or undefined when the pattern never matches again. */
export function nextOccurrence(s: Schedule, afterMs: number): number | undefined {
  // Start from the wall time of `afterMs`; a second earlier so a repeated hour is looked at from its start.
  let wall = wallClock(afterMs, s.timezone) - 1000;
  for (let guard = 0; guard < 100_000; guard++) {
    const next = s.matcher.nextRun(new Date(wall));
    if (next === null) return undefined;
    wall = next.getTime();
    const where = instantsOf(wall, s.timezone);
    // In a repeated hour only the first pass fires; in a gap, the jump does.
    const at = where.instants[0] ?? where.jump;
    if (at !== undefined && at > afterMs) return at;
  }
  return undefined;
}

/** The next `count` occurrences after `afterMs`. */
export function nextOccurrences(s: Schedule, afterMs: number, count: number): number[] {
  const out: number[] = [];
  let from = afterMs;
  while (out.length < count) {
    const next = nextOccurrence(s, from);
    if (next === undefined) break;
    out.push(next);
    from = next;
  }
  return out;
}

/**
 * Where to start listing the occurrences in (`lastMs`, `nowMs`] when only the most recent `keep` are
 * wanted: `lastMs`, or a later instant whose window already holds more than `keep` (found by widening
 * a window back from `nowMs`), so a long downtime costs thousands of steps, not millions.
 */
function recentStart(s: Schedule, lastMs: number, nowMs: number, keep: number): number {
  for (let w = 3_600_000; w < nowMs - lastMs; w *= 4) {
    let n = 0;
    for (let t = nextOccurrence(s, nowMs - w); t !== undefined && t <= nowMs && n <= keep; t = nextOccurrence(s, t))
      n++;
    if (n > keep) return nowMs - w;
  }
  return lastMs;
}

/** What to do with occurrences missed while nothing was running. */
export type MissedPolicy = 'skip' | 'once' | 'all';

/** At most this many missed occurrences are fired with `missed: all`. */
export const MISSED_ALL_CAP = 100;

/** At most this late (ms) an occurrence still counts as on time, whatever its interval. */
export const MAX_GRACE_MS = 60_000;

/**
 * How late the occurrence at `atMs` may fire and still be on time (not "missed"): 60 s, or half the
 * interval to the next occurrence when that is shorter (an every-4-seconds schedule 3 s late is
 * nearer its next occurrence than its own; it was missed).
 */
export function graceFor(s: Schedule, atMs: number, maxGraceMs = MAX_GRACE_MS): number {
  const next = nextOccurrence(s, atMs);
  return next === undefined ? maxGraceMs : Math.min(maxGraceMs, Math.floor((next - atMs) / 2));
}

/**
 * The occurrences due at `nowMs` since the last one handled (`lastMs`, exclusive): which to fire and
 * how many to record as skipped. An occurrence is "missed" when it is later than its grace
 * (`graceFor`, or `graceMs` when given). `skip` fires only an occurrence that is not late; `once`
 * fires the latest; `all` fires them all, the most recent `MISSED_ALL_CAP` when there are more.
 * `skipped` holds at most the `MISSED_ALL_CAP * 10` most recent of the others (older ones are not
 * listed, and so not recorded in the history).
 */
export function dueOccurrences(
  s: Schedule,
  lastMs: number,
  nowMs: number,
  policy: MissedPolicy,
  graceMs?: number,
): { fire: number[]; skipped: number[] } {
  const keep = MISSED_ALL_CAP * 10;
  const due: number[] = [];
  for (let t = nextOccurrence(s, recentStart(s, lastMs, nowMs, keep)); t !== undefined && t <= nowMs; ) {
    due.push(t);
    t = nextOccurrence(s, t);
  }
  // Only the most recent `keep` can matter (a week of an every-second schedule is 600k occurrences).
  if (due.length > keep) due.splice(0, due.length - keep);
  if (due.length === 0) return { fire: [], skipped: [] };
  const latest = due[due.length - 1]!;
  const onTime = nowMs - latest <= (graceMs ?? graceFor(s, latest));
  if (policy === 'skip') return onTime ? { fire: [latest], skipped: due.slice(0, -1) } : { fire: [], skipped: due };
  if (policy === 'once') return { fire: [latest], skipped: due.slice(0, -1) };
  return { fire: due.slice(-MISSED_ALL_CAP), skipped: due.slice(0, -MISSED_ALL_CAP) };
}
