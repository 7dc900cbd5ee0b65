/**
 * Pre-flight: ask every task type that has a `check` hook what its task will need, without side
 * effects. Inputs are rendered with vars, runbook and run values; `{{tasks.*}}` references stay as
 * written (those outputs do not exist yet). Used when a live run starts and by `runwire check`.
 */
import { toRunwireError } from '../core/errors.js';
import type { Runbook } from '../core/runbook.js';
import { renderTaskInput, type CheckProblem, type RunMode, type TaskTypeRegistry } from '../core/task-type.js';

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

export async function preflight(runbook: Runbook, o: PreflightOptions): Promise<PreflightProblem[]> {
  // Only tasks whose type has a check: a 10,000-milestone runbook costs nothing here.
  const checked = runbook.tasks.filter((t) => o.types.get(t.type)?.check !== undefined);
  const checks = checked.map(async (task): Promise<PreflightProblem[]> => {
    const type = o.types.get(task.type);
    if (!type?.check) return [];
    try {
      const input = renderTaskInput(
        type,
        task.input,
        {
          vars: o.vars,
          runbook: { name: runbook.name },
          task: { id: task.id, name: task.name },
          ...(o.runId ? { run: { id: o.runId, mode: o.mode } } : {}),
        },
        { partial: true },
      );
      const problems = await type.check(input as never, {
        run: { mode: o.mode, runbook: runbook.name },
        task: { id: task.id, name: task.name, type: task.type },
        signal: o.signal,
      });
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
