/**
 * Durations as written in runbooks: `250ms`, `30s`, `2m`, `1h30m`, `1.5s`, `1d`.
 * One or more `<number><unit>` parts, largest unit first is not required but each unit at most once.
 */
import { RunwireError } from './errors.js';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;

/** An example list shown in every duration error, so the fix is on the same line. */
export const DURATION_HINT = 'use a number with a unit: 250ms, 30s, 2m, 1h30m, 1d';

/** Parse a duration to milliseconds, or return the reason it is not one. */
export function tryParseDuration(text: string): { ms: number } | { error: string } {
  const s = text.trim();
  if (s === '') return { error: `empty duration (${DURATION_HINT})` };
  if (/^\d+(\.\d+)?$/.test(s)) return { error: `duration "${text}" has no unit (${DURATION_HINT})` };
  let total = 0;
  const seen = new Set<string>();
  PART.lastIndex = 0;
  while (PART.lastIndex < s.length) {
    const at = PART.lastIndex;
    const m = PART.exec(s);
    if (!m || m.index !== at) return { error: `invalid duration "${text}" (${DURATION_HINT})` };
    const unit = m[2] as string;
    if (seen.has(unit)) return { error: `invalid duration "${text}": unit "${unit}" appears twice` };
    seen.add(unit);
    total += Number(m[1]) * (UNIT_MS[unit] as number);
  }
  if (!Number.isFinite(total) || total > Number.MAX_SAFE_INTEGER) return { error: `duration "${text}" is too large` };
  return { ms: Math.round(total) };
}

/** Parse a duration to milliseconds; throws `runwire.duration.invalid` with the reason. */
export function parseDuration(text: string): number {
  const r = tryParseDuration(text);
  if ('error' in r) throw new RunwireError('runwire.duration.invalid', r.error, { fix: DURATION_HINT });
  return r.ms;
}

/** Format milliseconds back into the shortest readable duration (`90000` → `1m30s`). */
export function formatDuration(ms: number): string {
  if (ms < 1000 || ms % 1000 !== 0) return `${ms}ms`;
  let rest = ms / 1000;
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('');
}
