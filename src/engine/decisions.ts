/**
 * Pure decisions of the run loop that are the engine's own (the state machine, run status and backoff
 * are in core): what a task does in rehearsal, which retry policy applies, recovery, readiness counting.
 */
import { RunwireError } from '../core/errors.js';
import type { TaskStatus } from '../core/state-machine.js';
import type { RehearsalBehaviour, RetryPolicy, TaskTypeDefinition } from '../core/task-type.js';
import type { TaskSpec } from '../core/runbook.js';

/**
 * What a task does in a rehearsal: a type with `rehearsalFor` decides from the raw field;
 * otherwise `rehearsal: run|skip` on the task wins over the type's default.
 */
export function rehearsalBehaviour(
  spec: Pick<TaskSpec, 'rehearsal'>,
  type: Pick<TaskTypeDefinition, 'rehearsal' | 'rehearsalFor'>,
  input: unknown,
): RehearsalBehaviour {
  if (type.rehearsalFor) return type.rehearsalFor(spec.rehearsal, input as never);
  if (spec.rehearsal === 'run' || spec.rehearsal === 'skip') return spec.rehearsal;
  return type.rehearsal;
}

/** The retry policy in force: the task's own, else its type's. */
export function retryPolicy(spec: Pick<TaskSpec, 'retry'>, type: Pick<TaskTypeDefinition, 'retry'>): RetryPolicy {
  return spec.retry ?? type.retry;
}

/**
 * What recovery does with a task found `running` when a run is resumed after a crash:
 * re-run it if its type is idempotent, else fail it as "interrupted" for the operator to retry.
 */
export function recoverRunning(idempotent: boolean): 'rerun' | 'interrupted' {
  return idempotent ? 'rerun' : 'interrupted';
}

/** Dependents of each task, and how many unfinished predecessors each task has. */
export interface DependencyIndex {
  dependents: Map<string, string[]>;
  remaining: Map<string, number>;
}

export function indexDependencies(
  tasks: ReadonlyArray<Pick<TaskSpec, 'id' | 'depends_on'>>,
  isDone: (id: string) => boolean,
): DependencyIndex {
  const dependents = new Map<string, string[]>();
  const remaining = new Map<string, number>();
  for (const t of tasks) dependents.set(t.id, []);
  for (const t of tasks) {
    let n = 0;
    for (const d of t.depends_on) {
      dependents.get(d)?.push(t.id);
      if (!isDone(d)) n++;
    }
    remaining.set(t.id, n);
  }
  return { dependents, remaining };
}

/** Why an operator action does not fit a task's status, or undefined when it does. */
export function actionProblem(kind: 'complete' | 'skip' | 'retry' | 'fail', status: TaskStatus): string | undefined {
  if (kind === 'complete') return status === 'waiting' ? undefined : 'only a waiting task can be completed';
  if (kind === 'fail') return status === 'waiting' ? undefined : 'only a waiting task can be rejected';
  if (kind === 'skip')
    return ['pending', 'ready', 'waiting', 'failed'].includes(status)
      ? undefined
      : 'only a pending, ready, waiting or failed task can be skipped';
  return status === 'failed' ? undefined : 'only a failed task can be retried';
}

export function badAction(
  runId: string,
  rec: { taskId: string; status: TaskStatus },
  action: string,
  why: string,
): RunwireError {
  return new RunwireError(
    'runwire.task.bad_action',
    `Cannot ${action} task "${rec.taskId}" of run ${runId}: it is ${rec.status}; ${why}.`,
    {
      fix: `See \`runwire runs show ${runId}\`.`,
    },
  );
}

/** The task statuses each decisive action fits (the store checks them atomically: `recordDecision`). */
export const DECISION_STATUSES: Readonly<Record<'complete' | 'skip' | 'fail', readonly TaskStatus[]>> = {
  complete: ['waiting'],
  fail: ['waiting'],
  skip: ['pending', 'ready', 'waiting', 'failed'],
};
