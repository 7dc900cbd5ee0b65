/**
 * `runwire check FILE [--var k=v]... [--rehearsal] [--json]`: the pre-flight a live run does as it
 * starts, on its own. The runbook is validated, then every task type's `check` hook says what its
 * task will need (slack.message: the connection, its token and scopes, the channel, membership),
 * without posting anything. Every problem of every task is reported at once.
 * Exit 0 clean, 2 problems (or an invalid runbook).
 */
import type { Command } from 'commander';
import { preflight } from '../../engine/preflight.js';
import { dataDirOf, type CliContext, type CommandModule } from '../context.js';
import { collectVar, EXIT_INVALID, loadRunbookOrReport, parseVarFlags } from '../load-runbook.js';
import { cliTaskTypes } from '../run-session.js';

interface CheckOpts {
  var: string[];
  json?: boolean;
  rehearsal?: boolean;
}

export const checkCommand: CommandModule = {
  register(program: Command, ctx: CliContext): void {
    program
      .command('check')
      .description('pre-flight a runbook without running it: connections, channels, scopes, membership (exit 0 clean, 2 problems)')
      .argument('<file>', 'runbook .yaml or .json file')
      .option('--var <name=value>', 'set a runbook variable (repeatable)', collectVar, [])
      .option('--rehearsal', 'check what a rehearsal would need (only tasks that send in rehearsal)')
      .option('--json', 'print { file, ok, problems } as JSON on stdout')
      .action(async (file: string, opts: CheckOpts, cmd: Command) => {
        await check(file, opts, dataDirOf(cmd), ctx);
      });
  },
};

async function check(file: string, opts: CheckOpts, dataDir: string, ctx: CliContext): Promise<void> {
  let overrides: Record<string, string>;
  try {
    overrides = parseVarFlags(opts.var);
  } catch (err) {
    ctx.exitCode = EXIT_INVALID;
    throw err;
  }
  const types = cliTaskTypes(dataDir, ctx.env);
  const runbook = await loadRunbookOrReport(file, types, ctx, overrides);
  if (!runbook) return;
  const mode = opts.rehearsal ? 'rehearsal' : 'live';
  const found = await preflight(runbook, { vars: { ...runbook.vars, ...overrides }, mode, types, signal: AbortSignal.timeout(60_000) });
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
  for (const p of problems) {
    ctx.stdout.write(`${p.severity}: ${p.task}: ${p.message} [${p.code}]\n${p.fix ? `  fix: ${p.fix}\n` : ''}`);
  }
  const errors = problems.filter((p) => p.severity === 'error').length;
  ctx.stdout.write(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}, ${problems.length - errors} warning${problems.length - errors === 1 ? '' : 's'})\n`);
}
