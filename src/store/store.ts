/**
 * The narrow, async storage interface the run service and the workers share, on SQLite
 * (`sqlite/sqlite-store.ts`) and PostgreSQL (`postgres/postgres-store.ts`).
 *
 * - The `RunService` creates runs (`queued`, due at once), records operator actions for whoever holds
 *   the run, and cancels; it never drives a run.
 * - A worker claims runs with work due (`claimRuns`, or `claimRun` for one run the CLI drives): each
 *   claim takes the lease and increments the run's fencing epoch. Every later write of the holder
 *   (`commit`) carries `{ runId, owner, epoch }` and is refused with
 *   `runwire.store.lease_lost` once someone else took the run over or it was cancelled.
 * - A worker parks a run (a commit with `park`): the lease is released and `wake_at` says when it has
 *   work due again (a wait, a retry's backoff) or null (an operator must act, or it ended).
 * - A run is due when `wake_at <= now` and its lease is free or expired. Lease times come from the
 *   store's clock: the database's `now()` on PostgreSQL, so hosts' clocks never decide a take-over.
 */
import type { Runbook } from '../core/runbook.js';
import type { RunMode } from '../core/task-type.js';

import type { RunStatus, TaskStatus } from '../core/state-machine.js';

export type { RunStatus, TaskStatus };

/** A task error as persisted (a RunwireError's JSON form). */
export interface TaskError {
  code: string;
  message: string;
  fix?: string;
  retryable?: boolean;
}

/** The mutable, persisted state of one task of a run. */
export interface TaskRecord {
  runId: string;
  taskId: string;
  /** Order of the task in its runbook, for stable listing. */
  position: number;
  name: string;
  type: string;
  status: TaskStatus;
  /** Attempts started so far (in the current operator round: `task retry` resets it). */
  attempts: number;
  /** ISO-8601 times. */
  startedAt: string | null;
  finishedAt: string | null;
  /** When a retry is due (epoch ms) while the task is `ready` after a transient failure. */
  nextAttemptAt: number | null;
  error: TaskError | null;
  output: Record<string, unknown> | null;
  /** Type-specific durable state written by `TaskContext.saveState`. */
  state: Record<string, unknown> | null;
  /** Why a task was skipped, failed "interrupted", or cancelled. */
  reason: string | null;
}

export interface RunRecord {
  id: string;
  /** The runbook's name. */
  runbook: string;
  /** The parsed runbook as it was when the run started; resume runs this, not the file as it is now. */
  spec: Runbook;
  mode: RunMode;
  status: RunStatus;
  vars: Record<string, string>;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Who holds the run now (`pid@host:nonce`), or null. */
  leaseOwner: string | null;
  /** Epoch ms after which the lease may be taken over. */
  leaseExpiresAt: number | null;
  /**
   * Fencing token: increases on every claim of the run, so a holder that lost the run (paused past its
   * lease, then taken over) cannot write with its old epoch. 0 for a run never claimed.
   */
  leaseEpoch: number;
  /**
   * When the run next has work due (epoch ms): at creation for a queued run, a wait's or a backoff's
   * end for a parked one, "now" when an operator acts; null when nothing is due until an operator acts
   * (or the run ended).
   */
  wakeAt: number | null;
}

/** A run without its spec, for listings. */
export type RunSummary = Omit<RunRecord, 'spec'> & { taskCount: number };

export interface RunEvent {
  /** Store-assigned, increasing within a run; absent before it is stored. */
  seq?: number;
  runId: string;
  /** ISO-8601. */
  at: string;
  /** Who or what: `engine`, `cli:<user>`, `task:<id>`. */
  actor: string;
  /** Machine-readable kind, e.g. `run.started`, `task.running`, `task.state`. */
  kind: string;
  taskId: string | null;
  /** A short human line. */
  message: string;
  data?: Record<string, unknown>;
}

/** Run-level fields one commit may change. */
export interface RunPatch {
  status?: RunStatus;
  startedAt?: string | null;
  finishedAt?: string | null;
}

/** What a holder's write carries: the lease it claimed. Writes with a stale epoch are refused. */
export interface Lease {
  runId: string;
  owner: string;
  epoch: number;
}

/** One engine step: all written in one transaction, fenced by the lease. */
export interface CommitBatch extends Lease {
  /**
   * Renew the lease to the store's now + this many ms; when absent the lease is only checked. Renewing
   * rewrites the run's row, so holders renew every third of the lease, not on every step.
   */
  renewLeaseMs?: number;
  tasks: TaskRecord[];
  run?: RunPatch;
  events: RunEvent[];
  /** Operator actions (ids from `pendingActions`) applied by this step: deleted in the same transaction. */
  actionsApplied?: number[];
  /**
   * Park the run in the same transaction: release the lease and set `wake_at` (epoch ms, or null when
   * nothing is due until an operator acts or the run ended).
   */
  park?: { wakeAt: number | null };
}

export interface ClaimOptions {
  /** Who claims (`pid@host:nonce`). */
  owner: string;
  /** The lease lasts this long from the store's clock. */
  leaseMs: number;
  /**
   * Take over a live-looking lease whose holder is gone. SQLite (one host) calls this: a holder pid of
   * this host that no longer exists. PostgreSQL does not call it (two containers may share a host name
   * and pid) but asks the database whether the holder's session is gone (see `announceOwner`).
   */
  isStale?(owner: string): boolean;
}

export type ClaimResult = { ok: true; epoch: number } | { ok: false; holder: string; expiresAt: number | null };

/** A run claimed by `claimRuns`. */
export interface ClaimedRun {
  runId: string;
  epoch: number;
}

/** A run a worker holds, as the store sees it now (see `heldRuns`). */
export interface HeldRun {
  runId: string;
  epoch: number;
  status: RunStatus;
  /** Operator actions recorded and not yet applied. */
  pendingActions: number;
}

/** `fail`: an operator fails a waiting task (a rejected approval). */
export type OperatorActionKind = 'complete' | 'skip' | 'retry' | 'resume' | 'fail';

/** The decisive actions: at most one of them is ever recorded for a task in one state (see `recordDecision`). */
export const DECISIVE_ACTIONS: readonly OperatorActionKind[] = ['complete', 'skip', 'fail'];

/**
 * What `recordDecision` did: recorded it, or refused because the task is no longer in a status the
 * decision fits (someone else's decision was applied) or another decision is already recorded for it.
 */
export type DecisionResult =
  | { ok: true; action: OperatorAction }
  | { ok: false; status: TaskStatus | undefined; pending?: OperatorAction };

/** An operator action recorded by the run service for whoever holds (or next claims) the run. */
export interface OperatorAction {
  /** Store-assigned, increasing. */
  id: number;
  runId: string;
  kind: OperatorActionKind;
  /** The task acted on (null for `resume`). */
  taskId: string | null;
  /** Who, e.g. `cli:alice`. */
  actor: string;
  /** ISO-8601. */
  at: string;
}

/** A live (or recently seen) worker process. */
export interface WorkerRecord {
  /** Its lease owner id (`pid@host:nonce`). */
  id: string;
  name: string;
  host: string;
  pid: number;
  /** ISO-8601. */
  startedAt: string;
  heartbeatAt: string;
  /** Runs it held at its last heartbeat. */
  runsHeld: number;
}

/** What a store tells its subscribers (NOTIFY on PostgreSQL; in-process only on SQLite). */
export type StoreNotice =
  /**
   * A run has work due now (created, an operator acted, resumed). `created`: it was just created, so
   * it has no operator action yet (its holder, if any already, need not look for one).
   */
  | { kind: 'due'; runId: string; created?: true }
  /** A run was cancelled: its holder should stop. */
  | { kind: 'cancelled'; runId: string }
  /** Events were appended to a run's log (only when the store was opened with event notices). */
  | { kind: 'events'; runId: string }
  /**
   * Another process wrote to the store, what is not known (SQLite: its `data_version` moved): a worker
   * looks for due runs, cancels and actions now instead of at its next poll.
   */
  | { kind: 'changed' };

/** A run as a worker starts to drive it: the record, its tasks, and the operator actions not yet applied. */
export interface LoadedRun {
  run: RunRecord;
  tasks: TaskRecord[];
  actions: OperatorAction[];
}

export interface CreateRunOptions {
  idempotencyKey?: string;
  /** With `run.leaseOwner`: the lease's length from the store's clock. */
  leaseMs?: number;
}

export interface ListRunsQuery {
  limit?: number;
  runbook?: string;
  status?: RunStatus;
  mode?: RunMode;
  /** Only runs with an id lower than this (the next page of a newest-first listing). */
  before?: string;
}

export interface Store {
  /** `postgres` or `sqlite`, for messages and `runwire workers list`. */
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * Create a run with all its tasks and first events, atomically. With an idempotency key, a second
   * create with the same key creates nothing and returns the first run's id (`created: false`).
   * A run created with `leaseOwner` set is created claimed (the CLI's `run` drives what it enqueues):
   * its lease lasts `leaseMs` from the store's clock, with the run's `leaseEpoch`.
   */
  createRun(
    run: RunRecord,
    tasks: TaskRecord[],
    events: RunEvent[],
    o?: CreateRunOptions,
  ): Promise<{ runId: string; created: boolean }>;
  /**
   * Claim one given run whatever its `wake_at` (the CLI driving the run it started or acts on): takes
   * a free, expired or (SQLite) stale lease, or the caller's own, and increments the epoch.
   */
  claimRun(runId: string, o: ClaimOptions): Promise<ClaimResult>;
  /**
   * Claim up to `limit` runs with work due, oldest due first (`FOR UPDATE SKIP LOCKED` on PostgreSQL,
   * so concurrent workers never claim the same run): leases taken, epochs incremented.
   */
  claimRuns(o: ClaimOptions & { limit: number }): Promise<ClaimedRun[]>;
  /**
   * The runs `owner` holds now (with their status and pending actions), renewing their leases to now +
   * `renewLeaseMs` when given: a worker's heartbeat. A run missing from the answer was lost (taken over).
   */
  heldRuns(owner: string, renewLeaseMs?: number): Promise<HeldRun[]>;
  /** Give the lease back (only if `owner` still holds it), leaving `wake_at` as it is. */
  releaseLease(runId: string, owner: string): Promise<void>;
  /** Persist a batch of task changes, a run patch and events in one transaction (optionally parking the run). */
  commit(batch: CommitBatch): Promise<void>;
  /**
   * Record an operator action for whoever holds the run (or next claims it): the run becomes due now.
   * Not fenced; the holder applies it (`pendingActions`, then `commit` with `actionsApplied`).
   */
  recordAction(action: Omit<OperatorAction, 'id'>): Promise<OperatorAction>;
  /**
   * Record a decisive action (complete, skip, fail) only when nobody decided first, atomically: the
   * task's stored status must be one of `allowed` and no other decisive action may be pending for it
   * (two clicks at once, a click racing \`runwire task complete\`: one is recorded, the other is told
   * who decided). Otherwise as `recordAction`.
   */
  recordDecision(action: Omit<OperatorAction, 'id'>, allowed: readonly TaskStatus[]): Promise<DecisionResult>;
  /** Actions recorded for a run and not yet applied, oldest first. */
  pendingActions(runId: string): Promise<OperatorAction[]>;
  /**
   * Cancel a run that has not succeeded: the run and its unfinished tasks become `cancelled`.
   * Not fenced: it is the operator's override; a worker holding the run loses its lease fence
   * (commits refuse a cancelled run) and stops. False when the run was already finished well or cancelled.
   */
  cancelRun(runId: string, at: string, event: RunEvent): Promise<boolean>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  /**
   * Several runs with their tasks and pending actions, read together (PostgreSQL: one round trip for a
   * worker's whole claimed batch). Ids with no run are left out. Read after the claim, so nothing the
   * previous holder committed before it is missed; anything it tries later is refused by the fence.
   */
  loadRuns(runIds: readonly string[]): Promise<LoadedRun[]>;
  getTasks(runId: string): Promise<TaskRecord[]>;
  getEvents(runId: string, afterSeq?: number): Promise<RunEvent[]>;
  /** Newest first (a number is the limit). */
  listRuns(query?: number | ListRunsQuery): Promise<RunSummary[]>;
  /** Runs left `running` (e.g. after a crash) whose lease has expired or is free. */
  findRunsToResume(now: number): Promise<RunSummary[]>;
  /** Register or refresh a worker (its heartbeat). */
  heartbeatWorker(w: WorkerRecord): Promise<void>;
  removeWorker(id: string): Promise<void>;
  /** Workers whose last heartbeat is within `aliveWithinMs` of the store's clock, oldest first. */
  listWorkers(aliveWithinMs: number): Promise<WorkerRecord[]>;
  /**
   * Hear about due runs, cancels and (if enabled) events written by any process on this database
   * (PostgreSQL LISTEN/NOTIFY) or by this store object (SQLite). Returns the unsubscribe.
   */
  subscribe(listener: (n: StoreNotice) => void): Promise<() => Promise<void>>;
  /**
   * Say that this process holds leases as `owner` for as long as it lives (before its first claim).
   * PostgreSQL: a session advisory lock on a dedicated connection, so a claimant can tell a crashed
   * holder (its session is gone) from a live or paused one. SQLite: nothing (the pid check does it).
   */
  announceOwner(owner: string): Promise<void>;
  /** The store's clock (epoch ms): the database's on PostgreSQL. */
  now(): Promise<number>;
  close(): Promise<void>;
}
