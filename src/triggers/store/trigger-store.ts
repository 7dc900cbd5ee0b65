/**
 * The `TriggerStore` interface: what triggers keep in the database (tables of migration 600).
 *
 * - **State**: each trigger's enabled flag, who changed it and when. A trigger without a row is
 *   enabled (a runbook's triggers work as soon as it is pushed).
 * - **History**: one entry per thing a trigger received or did, newest first: a Slack delivery
 *   (`slack.event`, one per event id), a trigger's decision on a message (`slack.message`), a
 *   schedule occurrence (`schedule`). `dedupeKey` is unique in the database: `record` of a key that
 *   exists writes nothing and returns the first entry, which is how a retried or twice-delivered
 *   event, or an occurrence two processes both see as due, is handled once.
 *
 * The usual sequence: `record({ outcome: 'received', dedupeKey })` → if inserted, act (create the
 * run with the same key as its idempotency key) → `settle(id, { outcome: 'started', runId })`. An
 * entry left `received` by a process that died is found again by `unsettled` and decided again;
 * the run's idempotency key keeps that from starting a second run.
 */

/** What an entry is about. */
export type TriggerEventKind = 'slack.event' | 'slack.message' | 'schedule';

/**
 * `received`: recorded, not decided yet. `started`: a run was created (`runId`). The rest say why
 * not: `no_match` (text), `not_allowed` (user), `duplicate` (seen before), `disabled` (the trigger
 * is), `invalid_runbook` (the runbook's current file does not validate), `ignored` (not for any
 * trigger: another channel, a bot, an edit), `missed` (a schedule occurrence skipped after
 * downtime), `failed` (creating the run failed; `detail` says why).
 */
export const TRIGGER_OUTCOMES = [
  'received',
  'started',
  'no_match',
  'not_allowed',
  'duplicate',
  'disabled',
  'invalid_runbook',
  'ignored',
  'missed',
  'failed',
] as const;
export type TriggerOutcome = (typeof TRIGGER_OUTCOMES)[number];

export interface TriggerHistoryEntry {
  id: number;
  kind: TriggerEventKind;
  /** The trigger's runbook and id; null on a `slack.event` (a delivery, before matching). */
  runbookId: string | null;
  triggerId: string | null;
  /** The Slack connection it came through (Slack kinds). */
  connection: string | null;
  dedupeKey: string | null;
  /** ISO-8601: when it was recorded. */
  receivedAt: string;
  /** ISO-8601: the occurrence a schedule entry is for. */
  scheduledFor: string | null;
  outcome: TriggerOutcome;
  runId: string | null;
  /** One line for people: why not, or what was matched. */
  detail: string | null;
  /** What was received (the Slack event), kept so an unsettled entry can be decided again. */
  payload: unknown;
  updatedAt: string;
  /** `reply: true`: thread replies are wanted; when each was claimed (ISO), null before. */
  replyWanted: boolean;
  replyStartedAt: string | null;
  replyOutcomeAt: string | null;
  /** The Slack ts of each reply once it is known to be posted. */
  replyStartedTs: string | null;
  replyOutcomeTs: string | null;
}

export interface NewTriggerHistoryEntry {
  kind: TriggerEventKind;
  runbookId?: string | null;
  triggerId?: string | null;
  connection?: string | null;
  /** Unique across the database; omit for entries that need no dedupe (e.g. a `duplicate` note). */
  dedupeKey?: string | null;
  scheduledFor?: string | null;
  outcome: TriggerOutcome;
  runId?: string | null;
  detail?: string | null;
  payload?: unknown;
  /** Thread replies wanted (a `reply: true` Slack trigger). */
  replyWanted?: boolean;
}

export type RecordResult =
  | { inserted: true; entry: TriggerHistoryEntry }
  /** The dedupe key was taken: nothing written; the entry that holds it. */
  | { inserted: false; existing: TriggerHistoryEntry };

export interface TriggerState {
  runbookId: string;
  triggerId: string;
  enabled: boolean;
  updatedBy: string | null;
  updatedAt: string | null;
}

export interface HistoryQuery {
  runbookId?: string;
  triggerId?: string;
  kind?: TriggerEventKind;
  /** Entries with an id below this (paging, newest first). */
  beforeId?: number;
  /** Default 50, at most 500. */
  limit?: number;
}

export interface TriggerStore {
  /** Write an entry; with a `dedupeKey` already present, nothing is written (see `RecordResult`). */
  record(entry: NewTriggerHistoryEntry): Promise<RecordResult>;
  /**
   * Set an entry's outcome (and run id, detail). With `from`, only an entry whose outcome is still
   * `from` changes (a transition two processes may race on); true when the entry changed.
   */
  settle(
    id: number,
    update: { outcome: TriggerOutcome; runId?: string | null; detail?: string | null },
    from?: TriggerOutcome,
  ): Promise<boolean>;
  get(id: number): Promise<TriggerHistoryEntry | undefined>;
  byDedupeKey(key: string): Promise<TriggerHistoryEntry | undefined>;
  /** Newest first. */
  history(q?: HistoryQuery): Promise<TriggerHistoryEntry[]>;
  /** Entries of `kind` still `received` and recorded before `before`: left by a process that died. */
  unsettled(kind: TriggerEventKind, before: Date, limit?: number): Promise<TriggerHistoryEntry[]>;
  /** The latest `scheduledFor` recorded for a schedule trigger (any outcome), or undefined. */
  latestScheduledFor(runbookId: string, triggerId: string): Promise<string | undefined>;
  /**
   * Claim one reply of an entry (`started`: "run started"; `outcome`: how the run ended): true for
   * exactly one caller across every process; the caller then posts it.
   */
  claimReply(id: number, which: 'started' | 'outcome'): Promise<boolean>;
  /** Started entries that want replies and whose outcome reply is not claimed yet, oldest first. */
  awaitingOutcomeReply(limit?: number): Promise<TriggerHistoryEntry[]>;
  /** Record the Slack ts of a posted reply (it is done). */
  replyPosted(id: number, which: 'started' | 'outcome', ts: string): Promise<void>;
  /** Entries with a reply claimed before `before` and no ts: their claimer may have died. */
  staleReplies(before: Date, limit?: number): Promise<TriggerHistoryEntry[]>;
  /** Take over a stale claim (compare-and-set on the claim time): true for exactly one caller. */
  reclaimReply(id: number, which: 'started' | 'outcome', claimedAt: string): Promise<boolean>;
  /**
   * Delete decided entries recorded before `before` (history is kept for a window, not forever: every
   * message in a watched channel adds one); returns how many went. Undecided ones are kept.
   */
  prune(before: Date): Promise<number>;
  /** True unless the trigger was disabled. */
  isEnabled(runbookId: string, triggerId: string): Promise<boolean>;
  /** Every trigger with a stored state (the others are enabled). */
  states(): Promise<TriggerState[]>;
  setEnabled(runbookId: string, triggerId: string, enabled: boolean, by: string): Promise<TriggerState>;
}
