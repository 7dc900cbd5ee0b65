/** Reading Web API arguments that arrive as form strings or JSON values. Pure. */
import { SlackApiError } from './registry.js';

/** A string argument (numbers and booleans from JSON bodies are stringified); undefined when absent or empty. */
export function str(args: Record<string, unknown>, name: string): string | undefined {
  const v = args[name];
  if (v === undefined || v === null) return undefined;
  const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
  return s === undefined || s === '' ? undefined : s;
}

/** Slack's truthy flags: `true`, `1` (form) or JSON true. */
export function bool(args: Record<string, unknown>, name: string): boolean {
  const v = args[name];
  return v === true || v === 1 || v === 'true' || v === '1';
}

/**
 * A JSON-valued argument (blocks, attachments, metadata): form bodies carry it as a JSON string,
 * JSON bodies as the value itself. Returns `{ value }`, or `{ invalid: true }` when the string does not parse.
 */
export function jsonArg(args: Record<string, unknown>, name: string): { value?: unknown; invalid?: boolean } {
  const v = args[name];
  if (v === undefined || v === null || v === '') return {};
  if (typeof v !== 'string') return { value: v };
  try {
    return { value: JSON.parse(v) as unknown };
  } catch {
    return { invalid: true };
  }
}

/**
 * An integer argument clamped to bounds. A value that is not a whole number answers `error` when the
 * method documents one (conversations.list: invalid_limit), else falls back to the default.
 */
export function int(
  args: Record<string, unknown>,
  name: string,
  dflt: number,
  min: number,
  max: number,
  error?: string,
): number {
  const s = str(args, name);
  if (s === undefined) return dflt;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) {
    if (error) throw new SlackApiError(error);
    return dflt;
  }
  if (n === 0) return dflt;
  return Math.max(min, Math.min(max, n));
}

/** Cursor pagination over a list (pure): cursors are opaque base64 offsets, like Slack's. */
export function paginate<T>(items: T[], limit: number, cursor: string | undefined): { page: T[]; next_cursor: string } {
  let start = 0;
  if (cursor !== undefined) {
    const decoded = Buffer.from(cursor, 'base64').toString('utf8');
    const m = /^next:(\d+)$/.exec(decoded);
    if (!m) throw new SlackApiError('invalid_cursor');
    start = Number(m[1]);
  }
  const page = items.slice(start, start + limit);
  const next = start + limit < items.length ? Buffer.from(`next:${start + limit}`).toString('base64') : '';
  return { page, next_cursor: next };
}
