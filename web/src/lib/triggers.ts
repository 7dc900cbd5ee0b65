/**
 * A runbook's triggers for people: what each listens for, in a line, the mode of the runs it starts,
 * and a schedule's next fire times (the scheduler's own occurrence rules,
 * `src/triggers/schedule-occurrences.ts`, daylight-saving changes included). Pure but for `nowMs`.
 */
import { compileSchedule, nextOccurrences } from '../../../src/triggers/schedule-occurrences.js';

export interface TriggerView {
  id: string;
  type: string;
  mode: 'live' | 'rehearsal';
  summary: string;
  next: string[];
  error?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): string => (Array.isArray(v) ? v.map(String).join(', ') : String(v));

export function triggerView(raw: unknown, nowMs: number, count = 3): TriggerView {
  // A parsed trigger keeps its type's fields under `config`; the runbook as written has them inline.
  const r = isObject(raw) ? raw : {};
  const t: Record<string, unknown> = isObject(r.config) ? { ...r, ...r.config } : r;
  const type = typeof t.type === 'string' ? t.type : 'trigger';
  const base = {
    id: typeof t.id === 'string' ? t.id : '?',
    type,
    mode: t.mode === 'rehearsal' ? 'rehearsal' : 'live',
  } as const;
  if (type === 'schedule' && typeof t.cron === 'string') {
    const tz = typeof t.timezone === 'string' ? t.timezone : 'UTC';
    const summary = `cron ${t.cron} (${tz})${typeof t.missed === 'string' ? `, missed: ${t.missed}` : ''}`;
    const s = compileSchedule(t.cron, tz);
    if ('error' in s) return { ...base, summary, next: [], error: s.error };
    return { ...base, summary, next: nextOccurrences(s, nowMs, count).map((ms) => new Date(ms).toISOString()) };
  }
  if (type === 'slack.message') {
    const parts = [`a Slack message in ${t.channel !== undefined ? list(t.channel) : 'any channel'}`];
    if (typeof t.match === 'string') parts.push(`matching /${t.match}/`);
    if (t.users !== undefined) parts.push(`from ${list(t.users)}`);
    return { ...base, summary: parts.join(' '), next: [] };
  }
  const rest = Object.entries(t)
    .filter(([k]) => !['type', 'id', 'mode', 'vars', 'config', 'position'].includes(k))
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return { ...base, summary: rest.join(' · '), next: [] };
}
