/**
 * `runwire check FILE [--var k=v]... [--rehearsal] [--json]`: the pre-flight a live run does as it
 * starts, on its own. The runbook is validated, then every task type's `check` hook says what its
 * task will need (slack.message: the connection, its token and scopes, the channel, membership),
 * without posting anything. Every problem of every task is reported at once.
 * Exit 0 clean, 2 problems (or an invalid runbook).
 */
import type { Command } from 'commander';
import type { CheckOpts } from '../actions/check.js';
import { runtimeOf, type CliContext, type CommandModule } from '../context.js';
import { collectVar } from '../options.js';

export const checkCommand: CommandModule = {
  register(program: Command, ctx: CliContext): void {
    program
      .command('check')
      .description(
        'pre-flight a runbook without running it: connections, channels, scopes, membership (exit 0 clean, 2 problems)',
      )
      .argument('<file>', 'runbook .yaml or .json file')
      .option('--var <name=value>', 'set a runbook variable (repeatable)', collectVar, [])
      .option('--rehearsal', 'check what a rehearsal would need (only tasks that send in rehearsal)')
      .option('--json', 'print { file, ok, problems } as JSON on stdout')
      .action(async (file: string, opts: CheckOpts, cmd: Command) => {
        const { check } = await import('../actions/check.js');
        await check(file, opts, runtimeOf(cmd, ctx), ctx);
      });
  },
};
