/**
 * The schedule triggers a parsed runbook declares (`triggers:` with `type: schedule`), with their
 * defaults: time zone UTC, `missed: skip`, mode live, no vars. Pure.
 */
import type { Runbook } from '../../core/runbook.js';
import type { RunMode } from '../../core/task-type.js';
import type { MissedPolicy } from '../schedule-occurrences.js';

export interface DeclaredSchedule {
  id: string;
  cron: string;
  timezone: string;
  missed: MissedPolicy;
  mode: RunMode;
  vars: Record<string, string>;
}

/** `missed:` when a schedule does not say: an occurrence nobody ran on time is not run late. */
export const DEFAULT_MISSED: MissedPolicy = 'skip';

export function declaredSchedules(runbook: Runbook): DeclaredSchedule[] {
  const triggers = (runbook as { triggers?: unknown }).triggers;
  if (!Array.isArray(triggers)) return [];
  const out: DeclaredSchedule[] = [];
  for (const raw of triggers as Array<Record<string, unknown>>) {
    if (raw === null || typeof raw !== 'object' || raw.type !== 'schedule') continue;
    const cfg = (typeof raw.config === 'object' && raw.config !== null ? raw.config : raw) as Record<string, unknown>;
    if (typeof raw.id !== 'string' || typeof cfg.cron !== 'string') continue;
    out.push({
      id: raw.id,
      cron: cfg.cron,
      timezone: typeof cfg.timezone === 'string' ? cfg.timezone : 'UTC',
      missed: cfg.missed === 'once' || cfg.missed === 'all' || cfg.missed === 'skip' ? cfg.missed : DEFAULT_MISSED,
      mode: raw.mode === 'rehearsal' ? 'rehearsal' : 'live',
      vars: typeof raw.vars === 'object' && raw.vars !== null ? (raw.vars as Record<string, string>) : {},
    });
  }
  return out;
}
