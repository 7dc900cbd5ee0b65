/**
 * Wall-clock arithmetic in an IANA time zone, with Node's Intl data (no library needed): the
 * zone's UTC offset at an instant, and the instants (zero, one or two) that show a wall-clock time.
 * Pure: takes values, returns values. Wall times are written as "fake UTC" epoch milliseconds: the
 * epoch value whose UTC fields equal the local fields.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** True when `zone` is an IANA zone name Node knows (`UTC`, `Europe/London`, …). */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The local wall-clock time of an instant, as fake-UTC milliseconds (whole seconds). */
export function wallClock(instantMs: number, zone: string): number {
  // UTC (the default zone) needs no Intl: its wall clock is the instant (a formatToParts is ~15 µs).
  if (zone === 'UTC') return Math.floor(instantMs / 1000) * 1000;
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(instantMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

/** The zone's offset from UTC at an instant, in milliseconds (positive east of Greenwich). */
export function offsetAt(instantMs: number, zone: string): number {
  const whole = Math.floor(instantMs / 1000) * 1000;
  return wallClock(whole, zone) - whole;
}

/**
 * Where a wall-clock time falls: `instants` holds the one instant that shows it, or both (earliest
 * first) when clocks were turned back over it; none when clocks jumped over it, and then `jump` is
 * the instant the clocks jumped (the first moment after the gap).
 */
export function instantsOf(wallMs: number, zone: string): { instants: number[]; jump?: number } {
  // A zone changes offset at most once in any 24 hours, so the offsets 12 hours either side cover it.
  const offsets = [...new Set([offsetAt(wallMs - 12 * 3600_000, zone), offsetAt(wallMs + 12 * 3600_000, zone)])];
  const instants = offsets
    .map((o) => wallMs - o)
    .filter((t) => wallClock(t, zone) === wallMs)
    .sort((a, b) => a - b);
  if (instants.length > 0 || offsets.length < 2) return { instants: [...new Set(instants)] };
  // A gap: find the jump between the two readings by bisection (to the second).
  const [before, after] = offsets[0]! < offsets[1]! ? [offsets[0]!, offsets[1]!] : [offsets[1]!, offsets[0]!];
  let lo = wallMs - after; // the offset before the jump is the smaller one: lo shows a time before it
  let hi = wallMs - before;
  const base = offsetAt(lo, zone);
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2000) * 1000;
    if (offsetAt(mid, zone) === base) lo = mid;
    else hi = mid;
  }
  return { instants: [], jump: hi };
}
