/**
 * `runwire run FILE [--rehearsal] [--var k=v]... [--json] [--strict] [--detach]`: validate the runbook, run the
 * pre-flight checks (live runs), then run it until every task is finished or it waits on an operator.
 * Exit 0 succeeded, 1 failed, 3 waiting, 2 invalid runbook (or pre-flight problems with --strict).
 * `--detach` only enqueues it (exit 0); SIGTERM drains (exit 143), Ctrl-C stops at once (exit 130).
 */
import type { Command } from 'commander';
import type { RunOpts } from '../actions/run.js';
import { runtimeOf, type CliContext, type CommandModule } from '../context.js';
import { collectVar } from '../options.js';

export const runCommand: CommandModule = {
  register(program: Command, ctx: CliContext): void {
    program
      .command('run')
      .description(
        'run a runbook until every task is finished or it waits on an operator (exit 0 succeeded, 1 failed, 3 waiting, 2 invalid)',
      )
      .argument('<file>', 'runbook file (YAML or JSON)')
      .option('--rehearsal', 'a rehearsal: integrations that do not run in rehearsal are skipped')
      .option('--var <name=value>', 'set a runbook variable (repeatable)', collectVar, [] as string[])
      .option('--json', 'print only the run as JSON on stdout')
      .option('--strict', 'refuse to start a live run when the pre-flight checks find problems (exit 2)')
      .option('--detach', 'only enqueue the run (status queued) and print it; a `runwire worker` runs it (exit 0)')
      .action(async (file: string, opts: RunOpts, cmd: Command) => {
        const { runFile } = await import('../actions/run.js');
        await runFile(file, opts, runtimeOf(cmd, ctx), ctx);
      });
  },
};
