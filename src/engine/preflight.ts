/**
 * Pre-flight: ask every task type that has a `check` hook what its task will need, without side
 * effects. Inputs are rendered with vars, runbook and run values; `{{tasks.*}}` references stay as
 * written (those outputs do not exist yet). Used when a live run starts and by `runwire check`.
 */
import { toRunwireError } from '../core/errors.js';
import type { Runbook, TaskSpec } from '../core/runbook.js';
import {
  renderTaskInput,
  type CheckProblem,
  type RunMode,
  type TaskTypeRegistry,
  type TaskTypeDefinition,
} from '../core/task-type.js';

export interface PreflightOptions {
  vars: Record<string, string>;
  mode: RunMode;
  types: TaskTypeRegistry;
  signal: AbortSignal;
  /** The run id when known (for `{{run.id}}`); left as written otherwise. */
  runId?: string;
}

export interface PreflightProblem {
  taskId: string;
  problem: CheckProblem;
}

/** A task's input rendered as pre-flight sees it: vars, runbook and run values; `{{tasks.*}}` as written. */
function preflightInput(
  runbook: Runbook,
  type: TaskTypeDefinition,
  task: TaskSpec,
  vars: Record<string, string>,
  run?: RunScope,
): unknown {
  return renderTaskInput(
    type,
    task.input,
    { vars, runbook: { name: runbook.name }, task: { id: task.id, name: task.name }, ...(run ? { run } : {}) },
    { partial: true },
  );
}

type RunScope = { id: string; mode: RunMode };

/** The types' pure `warnings` for every task (`runwire validate`); a task whose input does not render gives none. */
export function offlineWarnings(
  runbook: Runbook,
  vars: Record<string, string>,
  types: TaskTypeRegistry,
): PreflightProblem[] {
  const found: PreflightProblem[] = [];
  for (const task of runbook.tasks) {
    const type = types.get(task.type);
    if (!type?.warnings) continue;
    let input: unknown;
    try {
      input = preflightInput(runbook, type, task, vars);
    } catch {
      continue; // validation reports template problems
    }
    for (const problem of type.warnings(input as never)) found.push({ taskId: task.id, problem });
  }
  return found;
}

export async function preflight(runbook: Runbook, o: PreflightOptions): Promise<PreflightProblem[]> {
  // Only tasks whose type has a check: a 10,000-milestone runbook costs nothing here.
  const checked = runbook.tasks.filter((t) => {
    const type = o.types.get(t.type);
    return type?.check !== undefined || type?.warnings !== undefined;
  });
  const checks = checked.map(async (task): Promise<PreflightProblem[]> => {
    const type = o.types.get(task.type);
    if (!type) return [];
    try {
      const input = preflightInput(runbook, type, task, o.vars, o.runId ? { id: o.runId, mode: o.mode } : undefined);
      const problems = [
        ...(type.warnings?.(input as never) ?? []),
        ...((await type.check?.(input as never, {
          run: { mode: o.mode, runbook: runbook.name },
          task: { id: task.id, name: task.name, type: task.type },
          signal: o.signal,
        })) ?? []),
      ];
      return problems.map((problem) => ({ taskId: task.id, problem }));
    } catch (err) {
      // A check that throws is itself a problem to show, not a crash of the run.
      const e = toRunwireError(err, 'runwire.preflight.check_failed');
      return [
        {
          taskId: task.id,
          problem: { code: e.code, message: e.message, ...(e.fix ? { fix: e.fix } : {}), severity: 'error' },
        },
      ];
    }
  });
  return (await Promise.all(checks)).flat();
}

/** One problem and every task that has it (the same code, severity, message and fix). */
export interface GroupedProblem {
  taskIds: string[];
  problem: CheckProblem;
}

/** Group identical problems, in first-seen order, so each is printed once with its tasks. Pure. */
export function groupProblems(problems: readonly PreflightProblem[]): GroupedProblem[] {
  const groups = new Map<string, GroupedProblem>();
  for (const { taskId, problem } of problems) {
    const key = JSON.stringify([problem.code, problem.severity, problem.message, problem.fix ?? '']);
    const g = groups.get(key);
    if (g) g.taskIds.push(taskId);
    else groups.set(key, { taskIds: [taskId], problem });
  }
  return [...groups.values()];
}

/** `a, b, c` — at most `max` ids, then "and N more". */
export function taskList(ids: readonly string[], max = 5): string {
  return ids.length <= max ? ids.join(', ') : `${ids.slice(0, max).join(', ')} and ${ids.length - max} more`;
}
