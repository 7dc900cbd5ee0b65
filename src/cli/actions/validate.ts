/** What `runwire validate FILE` does (loaded on demand by `commands/validate.ts`). */
import { RunwireError } from '../../core/errors.js';
import { formatIssueLines } from '../../core/format-issue.js';
import type { ParseResult } from '../../core/parse-runbook.js';
import { offlineWarnings } from '../../engine/preflight.js';
import { LazyTaskTypes } from '../../tasks/lazy-types.js';
import type { CliContext } from '../context.js';
import { EXIT_INVALID, parseVarFlags, readRunbookFile } from '../load-runbook.js';

export async function validate(file: string, opts: { var: string[]; json?: boolean }, ctx: CliContext): Promise<void> {
  let result: ParseResult;
  // Only the types the runbook uses are loaded (with their validators).
  const types = new LazyTaskTypes();
  let overrides: Record<string, string>;
  try {
    overrides = parseVarFlags(opts.var);
    result = await readRunbookFile(file, types, overrides);
  } catch (err) {
    if (!(err instanceof RunwireError)) throw err;
    ctx.exitCode = EXIT_INVALID;
    if (opts.json) {
      ctx.stdout.write(`${JSON.stringify({ file, valid: false, error: err.toJSON(), issues: [] }, null, 2)}\n`);
    } else {
      ctx.stderr.write(`error: ${err.message}\n${err.fix ? `fix: ${err.fix}\n` : ''}`);
    }
    return;
  }
  const { runbook, issues } = result;
  if (!runbook) ctx.exitCode = EXIT_INVALID;
  // Warnings do not make a runbook invalid (exit 0); they are printed on stderr as file:line:col.
  const warnings = runbook
    ? offlineWarnings(runbook, { ...runbook.vars, ...overrides }, types).map(({ taskId, problem }) => {
        const t = runbook.tasks.find((x) => x.id === taskId);
        return { task: taskId, ...(t ? t.position : {}), ...problem };
      })
    : [];
  if (opts.json) {
    const summary = runbook
      ? { name: runbook.name, tasks: runbook.tasks.length, vars: Object.keys(runbook.vars) }
      : undefined;
    ctx.stdout.write(
      `${JSON.stringify({ file, valid: runbook !== undefined, ...(summary ? { runbook: summary } : {}), issues, ...(result.omitted ? { omitted: result.omitted } : {}), ...(warnings.length ? { warnings } : {}) }, null, 2)}\n`,
    );
    return;
  }
  if (runbook) {
    for (const w of warnings) {
      const at = 'line' in w ? `${w.file}:${w.line}:${w.column} ` : '';
      ctx.stderr.write(`warning: ${at}task ${w.task}: ${w.message}\n${w.fix ? `  fix: ${w.fix}\n` : ''}`);
    }
    const n = runbook.tasks.length;
    ctx.stdout.write(`${file}: valid runbook "${runbook.name}", ${n} task${n === 1 ? '' : 's'}\n`);
    return;
  }
  ctx.stderr.write(formatIssueLines(result, file));
  const total = issues.length + (result.omitted ?? 0);
  ctx.stderr.write(`${file}: ${total} problem${total === 1 ? '' : 's'}\n`);
}
