/**
 * The legal task and run status transitions, as data plus pure checks. The engine asserts every
 * transition before persisting it, so an illegal one is a bug caught at the source.
 */
import { RunwireError } from './errors.js';

export const TASK_STATUSES = [
  'pending',
  'ready',
  'running',
  'waiting',
  'succeeded',
  'failed',
  'skipped',
  'cancelled',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const RUN_STATUSES = ['queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * Task transitions. Notes on the less obvious ones:
 * - `pending → skipped`: skipped by an operator before it became ready.
 * - `running → ready`: a retryable failure scheduled for another attempt, or a crash recovery re-run
 *   of an idempotent type. `running → failed` covers "interrupted" for non-idempotent types.
 * - `running → skipped`: not run in rehearsal (decided when it starts).
 * - `waiting → succeeded|skipped|failed`: an operator completes, skips or fails a manual task.
 * - `waiting → running`: a sleeping task (a parked `wait`) wakes up when its time comes.
 * - `failed → ready|skipped`: an operator retries or skips a failed task.
 */
const TASK_NEXT: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  pending: ['ready', 'skipped', 'cancelled'],
  ready: ['running', 'skipped', 'cancelled'],
  running: ['succeeded', 'failed', 'waiting', 'ready', 'skipped', 'cancelled'],
  waiting: ['running', 'succeeded', 'failed', 'skipped', 'cancelled'],
  failed: ['ready', 'skipped'],
  succeeded: [],
  skipped: [],
  cancelled: [],
};

/**
 * Run transitions: `queued → running` when a worker first claims it; `waiting → running` when an
 * operator acts or a timer is due; `failed → running` when a failed task is retried or a run is resumed.
 */
const RUN_NEXT: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  queued: ['running', 'cancelled'],
  running: ['waiting', 'succeeded', 'failed', 'cancelled'],
  waiting: ['running', 'succeeded', 'failed', 'cancelled'],
  failed: ['running'],
  succeeded: [],
  cancelled: [],
};

export function isTaskStatus(s: string): s is TaskStatus {
  return (TASK_STATUSES as readonly string[]).includes(s);
}

export function isRunStatus(s: string): s is RunStatus {
  return (RUN_STATUSES as readonly string[]).includes(s);
}

/** True for a task status that lets its dependents start (`succeeded`, `skipped`). */
export function isTaskDone(s: TaskStatus): boolean {
  return s === 'succeeded' || s === 'skipped';
}

/** True for a run status no transition leaves (`succeeded`, `cancelled`). */
export function isRunTerminal(s: RunStatus): boolean {
  return RUN_NEXT[s].length === 0;
}

/** True when no further transition can happen without an operator (or ever). */
export function isTaskTerminal(s: TaskStatus): boolean {
  return TASK_NEXT[s].length === 0;
}

/** Whether a task may move from `from` to `to` (a status never transitions to itself). */
export function canTransition(from: TaskStatus, to: TaskStatus): boolean {
  return TASK_NEXT[from].includes(to);
}

/** Throws `runwire.state.illegal_transition` unless the task transition is legal. */
export function assertTransition(from: TaskStatus, to: TaskStatus, taskId?: string): void {
  if (!canTransition(from, to)) {
    throw new RunwireError(
      'runwire.state.illegal_transition',
      `task ${taskId ? `"${taskId}" ` : ''}cannot go from ${from} to ${to}`,
      {
        fix:
          TASK_NEXT[from].length > 0 ? `from ${from} it may go to: ${TASK_NEXT[from].join(', ')}` : `${from} is final`,
      },
    );
  }
}

export function canRunTransition(from: RunStatus, to: RunStatus): boolean {
  return RUN_NEXT[from].includes(to);
}

/** Throws `runwire.state.illegal_run_transition` unless the run transition is legal. */
export function assertRunTransition(from: RunStatus, to: RunStatus, runId?: string): void {
  if (!canRunTransition(from, to)) {
    throw new RunwireError(
      'runwire.state.illegal_run_transition',
      `run ${runId ? `"${runId}" ` : ''}cannot go from ${from} to ${to}`,
      {
        fix: RUN_NEXT[from].length > 0 ? `from ${from} it may go to: ${RUN_NEXT[from].join(', ')}` : `${from} is final`,
      },
    );
  }
}

/**
 * The run status implied by its tasks' statuses, in this order:
 * anything ready or running → `running`; any cancelled → `cancelled`; any failed → `failed`
 * (pending tasks behind a failure cannot start); any waiting → `waiting`; any pending → `running`
 * (the engine is about to make it ready); otherwise (all succeeded or skipped, or none) → `succeeded`.
 */
export function deriveRunStatus(statuses: Iterable<TaskStatus>): RunStatus {
  const seen = new Set<TaskStatus>(statuses);
  if (seen.has('running') || seen.has('ready')) return 'running';
  if (seen.has('cancelled')) return 'cancelled';
  if (seen.has('failed')) return 'failed';
  if (seen.has('waiting')) return 'waiting';
  if (seen.has('pending')) return 'running';
  return 'succeeded';
}
