/**
 * What a scheduler does with one schedule at one tick, decided purely from the cursor (the latest
 * occurrence already handled), the clock and the trigger's state:
 * - enabled and valid: `missed` decides (`dueOccurrences`): `fire` are started, `missed` recorded;
 * - disabled: every due occurrence is recorded `disabled` and none fires, not even later (a paused
 *   schedule does not catch up when it is enabled again: that would start a burst of runs nobody
 *   asked for, just after the incident that made a team pause it);
 * - the runbook invalid now: what would fire is recorded `invalid` (with why), the rest `missed`.
 * `last` is where the cursor moves (the latest occurrence decided), undefined when nothing was due.
 */
import { dueOccurrences, type MissedPolicy, type Schedule } from '../schedule-occurrences.js';

/** Why an occurrence did not start a run. */
export type NotFired = 'missed' | 'disabled' | 'invalid';

export interface Plan {
  fire: number[];
  notFired: Array<{ at: number; outcome: NotFired }>;
  last: number | undefined;
}

export interface PlanInput {
  schedule: Schedule;
  /** The latest occurrence handled (epoch ms, exclusive). */
  lastMs: number;
  nowMs: number;
  missed: MissedPolicy;
  enabled: boolean;
  /** The runbook cannot start now (its current source is invalid). */
  invalid: boolean;
  /** Overrides `graceFor` (tests). */
  graceMs?: number;
}

export function planTick(i: PlanInput): Plan {
  const { fire, skipped } = dueOccurrences(i.schedule, i.lastMs, i.nowMs, i.enabled ? i.missed : 'all', i.graceMs);
  const last = Math.max(fire.at(-1) ?? -Infinity, skipped.at(-1) ?? -Infinity);
  if (last === -Infinity) return { fire: [], notFired: [], last: undefined };
  if (!i.enabled) {
    const all = [...skipped, ...fire].sort((a, b) => a - b);
    return { fire: [], notFired: all.map((at) => ({ at, outcome: 'disabled' })), last };
  }
  const notFired: Plan['notFired'] = skipped.map((at) => ({ at, outcome: 'missed' }));
  if (i.invalid) {
    notFired.push(...fire.map((at) => ({ at, outcome: 'invalid' as const })));
    notFired.sort((a, b) => a.at - b.at);
    return { fire: [], notFired, last };
  }
  return { fire, notFired, last };
}
