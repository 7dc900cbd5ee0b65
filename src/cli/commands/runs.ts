/** `runwire runs list|show|cancel`: look at runs in the data dir, and cancel one. */
import type { Command } from 'commander';
import { runtimeOf, type CliContext, type CommandModule } from '../context.js';

// The actions live in `actions/runs.ts`, loaded only when one of these commands runs.
export const runsCommand: CommandModule = {
  register(program: Command, ctx: CliContext): void {
    const group = program.command('runs').description('list, show and cancel runs');

    group
      .command('list')
      .description('runs in the data dir, newest first')
      .option('--json', 'print the runs as JSON')
      .option('--limit <n>', 'how many runs', '50')
      .action(async (opts: { json?: boolean; limit: string }, cmd: Command) => {
        const { listRuns } = await import('../actions/runs.js');
        await listRuns(opts, runtimeOf(cmd, ctx), ctx);
      });

    group
      .command('show')
      .description('one run: its tasks and its event log')
      .argument('<run>', 'run id')
      .option('--json', 'print only the run as JSON')
      .action(async (runId: string, opts: { json?: boolean }, cmd: Command) => {
        const { showRun } = await import('../actions/runs.js');
        await showRun(runId, opts, runtimeOf(cmd, ctx), ctx);
      });

    group
      .command('cancel')
      .description('cancel an unfinished run: it and its unfinished tasks become cancelled')
      .argument('<run>', 'run id')
      .option('--json', 'print only the run as JSON')
      .action(async (runId: string, opts: { json?: boolean }, cmd: Command) => {
        const { cancelRun } = await import('../actions/runs.js');
        await cancelRun(runId, opts, runtimeOf(cmd, ctx), ctx);
      });
  },
};
