/** `runwire resume RUN [--json] [--detach]`: continue a run after a crash or a stop (or make it due for a worker). */
import type { Command } from 'commander';
import { runtimeOf, type CliContext, type CommandModule } from '../context.js';

export const resumeCommand: CommandModule = {
  register(program: Command, ctx: CliContext): void {
    program
      .command('resume')
      .description(
        'continue a run after a crash or stop: idempotent tasks that were running are re-run, others fail "interrupted"',
      )
      .argument('<run>', 'run id (see `runwire runs list`)')
      .option('--json', 'print only the run as JSON')
      .option('--detach', 'only make the run due now (a worker continues it) and print it; exit 0')
      .action(async (runId: string, opts: { json?: boolean; detach?: boolean }, cmd: Command) => {
        // The store, the engine and the task types load only when the command runs.
        const { driveRun } = await import('../run-session.js');
        await driveRun(
          runtimeOf(cmd, ctx),
          ctx,
          opts.json === true,
          runId,
          (s, actor) => s.engine.resume(runId, actor),
          opts.detach ? (s, actor) => s.engine.service.resume(runId, actor) : undefined,
        );
      });
  },
};
