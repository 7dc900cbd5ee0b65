/**
 * Triggers as the API and the CLI show them: every trigger of the library with its enabled state,
 * what it listens for, a schedule's next 5 fire times (the scheduler's own occurrence rules, DST
 * included) and its last history entry; one trigger's history; enable and disable. The same
 * functions serve `GET /api/triggers…` and `runwire triggers …` on the local database.
 */
import { RunwireError } from '../../core/errors.js';
import { compileSchedule, nextOccurrences } from '../../triggers/schedule-occurrences.js';
import type { TriggerHistoryEntry, TriggerStore } from '../../triggers/store/trigger-store.js';
import type { IndexedTrigger, TriggerIndex } from './trigger-index.js';

export interface HistoryJson {
  id: number;
  kind: string;
  runbook: string | null;
  trigger: string | null;
  connection: string | null;
  received_at: string;
  scheduled_for: string | null;
  outcome: string;
  run_id: string | null;
  detail: string | null;
}

export interface TriggerJson {
  runbook: string;
  runbook_name: string;
  version: number;
  id: string;
  type: string;
  mode: 'live' | 'rehearsal';
  enabled: boolean;
  /** Who last enabled or disabled it, and when (null: never changed). */
  updated_by: string | null;
  updated_at: string | null;
  /** The runbook's current file does not validate: the trigger does not fire. */
  invalid_runbook: boolean;
  /** The type's fields as written (channel, match, users, reply / cron, timezone, missed). */
  config: Record<string, unknown>;
  vars: Record<string, string>;
  /** A schedule's next 5 fire times (ISO-8601), empty for other types. */
  next_fires: string[];
  last: HistoryJson | null;
}

export function historyJson(e: TriggerHistoryEntry): HistoryJson {
  return {
    id: e.id,
    kind: e.kind,
    runbook: e.runbookId,
    trigger: e.triggerId,
    connection: e.connection,
    received_at: e.receivedAt,
    scheduled_for: e.scheduledFor,
    outcome: e.outcome,
    run_id: e.runId,
    detail: e.detail,
  };
}

export function nextFires(t: IndexedTrigger, nowMs: number, count = 5): string[] {
  if (t.spec.type !== 'schedule') return [];
  const s = compileSchedule(String(t.spec.config.cron), String(t.spec.config.timezone ?? 'UTC'));
  return 'error' in s ? [] : nextOccurrences(s, nowMs, count).map((ms) => new Date(ms).toISOString());
}

export async function listTriggers(
  index: TriggerIndex,
  store: TriggerStore,
  nowMs = Date.now(),
): Promise<TriggerJson[]> {
  const states = new Map((await store.states()).map((s) => [`${s.runbookId}/${s.triggerId}`, s]));
  const out: TriggerJson[] = [];
  for (const t of await index.all()) {
    const st = states.get(`${t.runbookId}/${t.spec.id}`);
    const [last] = await store.history({ runbookId: t.runbookId, triggerId: t.spec.id, limit: 1 });
    out.push({
      runbook: t.runbookId,
      runbook_name: t.runbook.name,
      version: t.version,
      id: t.spec.id,
      type: t.spec.type,
      mode: t.spec.mode,
      enabled: st?.enabled ?? true,
      updated_by: st?.updatedBy ?? null,
      updated_at: st?.updatedAt ?? null,
      invalid_runbook: t.invalid,
      config: t.spec.config,
      vars: t.spec.vars,
      next_fires: nextFires(t, nowMs),
      last: last ? historyJson(last) : null,
    });
  }
  return out;
}

export function triggerNotFound(runbook: string, id: string, known: readonly IndexedTrigger[]): RunwireError {
  const names = known.map((t) => `${t.runbookId}/${t.spec.id}`);
  return new RunwireError('runwire.trigger.not_found', `No trigger ${runbook}/${id} in the runbook library.`, {
    fix: names.length
      ? `Name one of: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', …' : ''} (runwire triggers list).`
      : 'No runbook in the library declares triggers: add a triggers: list and push it (runwire runbooks push FILE).',
  });
}

/** The trigger, or `runwire.trigger.not_found` listing the known ones. */
export async function findTrigger(index: TriggerIndex, runbook: string, id: string): Promise<IndexedTrigger> {
  const t = await index.find(runbook, id);
  if (t) return t;
  throw triggerNotFound(runbook, id, await index.all());
}

export async function triggerHistory(
  index: TriggerIndex,
  store: TriggerStore,
  runbook: string,
  id: string,
  q: { limit?: number; before?: number } = {},
): Promise<HistoryJson[]> {
  await findTrigger(index, runbook, id);
  const entries = await store.history({
    runbookId: runbook,
    triggerId: id,
    ...(q.limit !== undefined ? { limit: q.limit } : {}),
    ...(q.before !== undefined ? { beforeId: q.before } : {}),
  });
  return entries.map(historyJson);
}

export async function setTriggerEnabled(
  index: TriggerIndex,
  store: TriggerStore,
  runbook: string,
  id: string,
  enabled: boolean,
  by: string,
): Promise<TriggerJson> {
  await findTrigger(index, runbook, id);
  await store.setEnabled(runbook, id, enabled, by);
  const all = await listTriggers(index, store);
  return all.find((t) => t.runbook === runbook && t.id === id) as TriggerJson;
}
