/**
 * The scheduler's view of the trigger store: which schedules are disabled now, and each decided
 * occurrence written to the trigger's history (`kind: schedule`, one entry per occurrence: its
 * dedupe key is the run's idempotency key, so a repeat writes nothing).
 */
import type { TriggerOutcome, TriggerStore } from '../store/trigger-store.js';
import { type FireRecord, type TriggerGate, triggerKey } from './contracts.js';

const OUTCOME: Record<FireRecord['outcome'], TriggerOutcome> = {
  started: 'started',
  missed: 'missed',
  disabled: 'disabled',
  invalid: 'invalid_runbook',
};

/** `schedule:<runbook>/<trigger>@<ISO time>`: the history's dedupe key and the run's idempotency key. */
export function occurrenceKey(runbookId: string, triggerId: string, scheduledFor: number): string {
  return `schedule:${runbookId}/${triggerId}@${new Date(scheduledFor).toISOString()}`;
}

export function triggerStoreGate(store: TriggerStore): TriggerGate {
  return {
    disabled: async () =>
      new Set((await store.states()).filter((s) => !s.enabled).map((s) => triggerKey(s.runbookId, s.triggerId))),
    record: async (fires) => {
      for (const f of fires) {
        await store.record({
          kind: 'schedule',
          runbookId: f.runbookId,
          triggerId: f.triggerId,
          dedupeKey: occurrenceKey(f.runbookId, f.triggerId, f.scheduledFor),
          scheduledFor: new Date(f.scheduledFor).toISOString(),
          outcome: OUTCOME[f.outcome],
          runId: f.runId ?? null,
          detail: f.detail ?? (f.outcome === 'disabled' ? 'the trigger is disabled' : null),
        });
      }
    },
  };
}
