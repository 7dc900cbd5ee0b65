/** What `runwire validate FILE` does (loaded on demand by `commands/validate.ts`). */
import { RunwireError } from '../../core/errors.js';
import { formatIssueLines } from '../../core/format-issue.js';
import type { ParseResult } from '../../core/parse-runbook.js';
import { builtinTaskTypes } from '../../tasks/index.js';
import type { CliContext } from '../context.js';
import { EXIT_INVALID, parseVarFlags, readRunbookFile } from '../load-runbook.js';

export async function validate(file: string, opts: { var: string[]; json?: boolean }, ctx: CliContext): Promise<void> {
  let result: ParseResult;
  try {
    result = await readRunbookFile(file, builtinTaskTypes(), parseVarFlags(opts.var));
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
  if (opts.json) {
    const summary = runbook
      ? { name: runbook.name, tasks: runbook.tasks.length, vars: Object.keys(runbook.vars) }
      : undefined;
    ctx.stdout.write(
      `${JSON.stringify({ file, valid: runbook !== undefined, ...(summary ? { runbook: summary } : {}), issues, ...(result.omitted ? { omitted: result.omitted } : {}) }, null, 2)}\n`,
    );
    return;
  }
  if (runbook) {
    const n = runbook.tasks.length;
    ctx.stdout.write(`${file}: valid runbook "${runbook.name}", ${n} task${n === 1 ? '' : 's'}\n`);
    return;
  }
  ctx.stderr.write(formatIssueLines(result, file));
  const total = issues.length + (result.omitted ?? 0);
  ctx.stderr.write(`${file}: ${total} problem${total === 1 ? '' : 's'}\n`);
}
