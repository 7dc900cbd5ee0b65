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
 * `skipped` holds at most the `MISSED_ALL_CAP * 10` most recent of the others.
 */
export function dueOccurrences(
  s: Schedule,
  lastMs: number,
  nowMs: number,
  policy: MissedPolicy,
  graceMs?: number,
): { fire: number[]; skipped: number[] } {
  const due: number[] = [];
  for (let t = nextOccurrence(s, lastMs); t !== undefined && t <= nowMs; t = nextOccurrence(s, t)) {
    due.push(t);
    // A schedule every second over a week's downtime is 600k occurrences: keep only what can matter.
    if (due.length > MISSED_ALL_CAP * 10) due.shift();
  }
  if (due.length === 0) return { fire: [], skipped: [] };
  const latest = due[due.length - 1]!;
  const onTime = nowMs - latest <= (graceMs ?? graceFor(s, latest));
  if (policy === 'skip') return onTime ? { fire: [latest], skipped: due.slice(0, -1) } : { fire: [], skipped: due };
  if (policy === 'once') return { fire: [latest], skipped: due.slice(0, -1) };
  return { fire: due.slice(-MISSED_ALL_CAP), skipped: due.slice(0, -MISSED_ALL_CAP) };
}
