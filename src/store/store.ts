/**
 * The narrow, async storage interface the engine runs on. SQLite implements it today
 * (`sqlite/sqlite-store.ts`); a PostgreSQL implementation can be added without touching the engine.
 *
 * The engine keeps the run's tasks in memory and writes whole task rows back in batches: one
 * `commit` per engine step holds every task change and event of that step in one transaction.
 * Every write of a run is fenced by the engine's lease (see `acquireLease`), so a second process
 * that took the run over after a crash makes the first one's writes fail instead of interleave.
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

/** One engine step: all written in one transaction, fenced by the lease. */
export interface CommitBatch {
  runId: string;
  /** The lease owner making the write; the commit fails with `runwire.store.lease_lost` otherwise. */
  owner: string;
  /**
   * New lease expiry (epoch ms) to renew the lease to; when absent the lease is only checked. Renewing
   * rewrites the run's row, so the engine renews every third of the lease, not on every step.
   */
  leaseExpiresAt?: number;
  tasks: TaskRecord[];
  run?: RunPatch;
  events: RunEvent[];
}

export interface LeaseRequest {
  runId: string;
  owner: string;
  /** Epoch ms now and the new expiry. */
  now: number;
  expiresAt: number;
  /** Decides whether a live-looking lease held by someone else is in fact stale (e.g. its process is gone). */
  isStale(owner: string): boolean;
}

export type LeaseResult = { ok: true } | { ok: false; holder: string; expiresAt: number | null };

export interface Store {
  /** Create a run with all its tasks and first events, atomically. */
  createRun(run: RunRecord, tasks: TaskRecord[], events: RunEvent[]): Promise<void>;
  /** Take (or take over a stale) lease on a run. */
  acquireLease(req: LeaseRequest): Promise<LeaseResult>;
  /** Give the lease back (only if `owner` still holds it). */
  releaseLease(runId: string, owner: string): Promise<void>;
  /** Persist a batch of task changes, a run patch and events in one transaction. */
  commit(batch: CommitBatch): Promise<void>;
  /** Persist one task's type-specific state (and an event) durably, fenced by the lease. */
  saveTaskState(
    runId: string,
    owner: string,
    leaseExpiresAt: number,
    taskId: string,
    state: Record<string, unknown>,
    event: RunEvent,
  ): Promise<void>;
  /**
   * Cancel a run that has not succeeded: the run and its unfinished tasks become `cancelled`.
   * Not fenced: it is the operator's override; an engine holding the run loses its lease fence
   * (commits refuse a cancelled run) and stops. False when the run was already finished well or cancelled.
   */
  cancelRun(runId: string, at: string, event: RunEvent): Promise<boolean>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  getTasks(runId: string): Promise<TaskRecord[]>;
  getEvents(runId: string, afterSeq?: number): Promise<RunEvent[]>;
  /** Newest first. */
  listRuns(limit?: number): Promise<RunSummary[]>;
  /** Runs left `running` (e.g. after a crash) whose lease has expired or is free. */
  findRunsToResume(now: number): Promise<RunSummary[]>;
  close(): Promise<void>;
}
