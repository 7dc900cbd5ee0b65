/** What `runwire check FILE` does once its options are parsed (loaded on demand by `commands/check.ts`). */
import { groupProblems, preflight, taskList } from '../../engine/preflight.js';
import type { LazyRuntime } from '../../runtime/open-runtime.js';
import type { CliContext } from '../context.js';
import { EXIT_INVALID, loadRunbookOrReport, varFlagsOrInvalid } from '../load-runbook.js';
import { cliTaskTypes } from '../process-types.js';

export interface CheckOpts {
  var: string[];
  json?: boolean;
  rehearsal?: boolean;
}

export async function check(file: string, opts: CheckOpts, rt: LazyRuntime, ctx: CliContext): Promise<void> {
  try {
    await checkOn(file, opts, rt, ctx);
  } finally {
    await rt.close();
  }
}

async function checkOn(file: string, opts: CheckOpts, rt: LazyRuntime, ctx: CliContext): Promise<void> {
  const overrides = varFlagsOrInvalid(opts.var, ctx);
  // The runtime (and its connection store) opens only when a task's check needs a connection.
  const types = cliTaskTypes(rt, ctx.env);
  const runbook = await loadRunbookOrReport(file, types, ctx, overrides);
  if (!runbook) return;
  const mode = opts.rehearsal ? 'rehearsal' : 'live';
  const found = await preflight(runbook, {
    vars: { ...runbook.vars, ...overrides },
    mode,
    types,
    signal: AbortSignal.timeout(60_000),
  });
  const problems = found.map(({ taskId, problem }) => ({ task: taskId, ...problem }));
  if (problems.length > 0) ctx.exitCode = EXIT_INVALID;
  if (opts.json) {
    ctx.stdout.write(`${JSON.stringify({ file, ok: problems.length === 0, problems }, null, 2)}\n`);
    return;
  }
  if (problems.length === 0) {
    const n = runbook.tasks.length;
    ctx.stdout.write(`${file}: pre-flight clean (${n} task${n === 1 ? '' : 's'} checked)\n`);
    return;
  }
  for (const { taskIds, problem: p } of groupProblems(found)) {
    ctx.stdout.write(
      `${p.severity}: ${taskList(taskIds)}: ${p.message} [${p.code}]\n${p.fix ? `  fix: ${p.fix}\n` : ''}`,
    );
  }
  const errors = problems.filter((p) => p.severity === 'error').length;
  ctx.stdout.write(
    `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}, ${problems.length - errors} warning${problems.length - errors === 1 ? '' : 's'})\n`,
  );
}
