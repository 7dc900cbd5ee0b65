/**
 * What the scheduler stands on, as interfaces: where the schedules come from (the runbook library),
 * where occurrences are claimed (`schedule_fires`, `schedule_cursors`), and the trigger state kept
 * elsewhere (enabled or not, the history people read). The SQL implementations live with the
 * server's tables (`src/server/store/schedule-store.ts`, `src/server/library/schedule-source.ts`).
 */
import type { Runbook } from '../../core/runbook.js';
import type { RunMode } from '../../core/task-type.js';
import type { MissedPolicy } from '../schedule-occurrences.js';
import type { NotFired } from './plan.js';

/** One schedule trigger of the current version of a runbook in the library. */
export interface ScheduledTrigger {
  runbookId: string;
  version: number;
  runbook: Runbook;
  triggerId: string;
  cron: string;
  /** IANA zone (default UTC). */
  timezone: string;
  missed: MissedPolicy;
  mode: RunMode;
  /** The trigger's `vars:`, templates over `{{trigger.*}}`. */
  vars: Record<string, string>;
  /** Why runs cannot start now (the runbook's current source is invalid), or undefined. */
  invalid?: string;
}

export interface ScheduleSource {
  /** Every schedule trigger of every runbook in the library now (deleted ones left out). */
  list(): Promise<ScheduledTrigger[]>;
  /** One trigger as a given version declared it (finishing a claim left by a crash). */
  at(runbookId: string, version: number, triggerId: string): Promise<ScheduledTrigger | undefined>;
}

export interface Cursor {
  /** `cron|timezone` it was computed for. */
  pattern: string;
  lastMs: number;
}

/** A decided occurrence, as claimed in `schedule_fires`. */
export interface FireClaim {
  runbookId: string;
  triggerId: string;
  scheduledFor: number;
  version: number;
  outcome: 'claimed' | 'started' | NotFired;
  detail: string | null;
}

export interface FireStore {
  /** Every cursor, keyed `runbookId\ntriggerId`. */
  cursors(): Promise<Map<string, Cursor>>;
  /** Start cursors at `lastMs`, or restart them there when their pattern changed. */
  resetCursors(resets: Array<{ runbookId: string; triggerId: string; pattern: string }>, lastMs: number): Promise<void>;
  /** Move cursors forward (never back). */
  advanceCursors(moves: Array<{ runbookId: string; triggerId: string; lastMs: number }>): Promise<void>;
  dropCursor(runbookId: string, triggerId: string): Promise<void>;
  /** Insert the claims no process made yet; returns those this call inserted. */
  claim(claims: FireClaim[], owner: string, nowMs: number): Promise<FireClaim[]>;
  /**
   * Claimed occurrences whose runs exist become `started`; returns those this call moved from
   * `claimed` (another process finishing the same claim gets the others).
   */
  started(fires: Array<{ claim: FireClaim; runId: string }>): Promise<Array<{ claim: FireClaim; runId: string }>>;
  /** Claims still `claimed` since before `beforeMs` (their claimer crashed or failed to create the run). */
  unfinished(beforeMs: number, limit: number): Promise<FireClaim[]>;
}

/** The outcome of one occurrence, for the trigger's history. */
export interface FireRecord {
  runbookId: string;
  triggerId: string;
  scheduledFor: number;
  outcome: 'started' | NotFired;
  runId?: string;
  detail?: string;
}

/** Trigger state kept by the trigger store (enable/disable, history). */
export interface TriggerGate {
  /** Keys `runbookId\ntriggerId` of the triggers disabled now. */
  disabled(): Promise<Set<string>>;
  record(fires: FireRecord[]): Promise<void>;
}

export const triggerKey = (runbookId: string, triggerId: string): string => `${runbookId}\n${triggerId}`;

/** Nothing disabled, no history: until a trigger store is wired in. */
export const openGate: TriggerGate = {
  disabled: async () => new Set(),
  record: async () => {},
};
