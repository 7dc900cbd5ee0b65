/**
 * A runbook's triggers for people: what each is, in a line, and a schedule's next fire times (the
 * same occurrence rules as the scheduler, `src/triggers/schedule-occurrences.ts`, DST included).
 */
import { compileSchedule, nextOccurrences } from '../../../src/triggers/schedule-occurrences.js';

export interface TriggerView {
  type: string;
  summary: string;
  next: string[];
  error?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function triggerView(raw: unknown, nowMs: number, count = 3): TriggerView {
  const t = isObject(raw) ? raw : {};
  const type = typeof t.type === 'string' ? t.type : 'trigger';
  const cron = typeof t.cron === 'string' ? t.cron : undefined;
  if (cron !== undefined) {
    const tz = typeof t.timezone === 'string' ? t.timezone : 'UTC';
    const s = compileSchedule(cron, tz);
    const summary = `cron ${cron} (${tz})`;
    if ('error' in s) return { type, summary, next: [], error: s.error };
    return { type, summary, next: nextOccurrences(s, nowMs, count).map((ms) => new Date(ms).toISOString()) };
  }
  const parts = Object.entries(t)
    .filter(([k]) => k !== 'type' && k !== 'id')
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return { type, summary: parts.join(' · '), next: [] };
}
