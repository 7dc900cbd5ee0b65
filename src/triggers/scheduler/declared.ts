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
  const out: DeclaredSchedule[] = [];
  for (const t of runbook.triggers ?? []) {
    if (t.type !== 'schedule' || typeof t.config.cron !== 'string') continue;
    const { cron, timezone, missed } = t.config;
    out.push({
      id: t.id,
      cron,
      timezone: typeof timezone === 'string' ? timezone : 'UTC',
      missed: missed === 'once' || missed === 'all' || missed === 'skip' ? missed : DEFAULT_MISSED,
      mode: t.mode,
      vars: t.vars,
    });
  }
  return out;
}
