/** `runwire resume RUN [--json]`: continue a run after a crash or a stop. */
import type { Command } from 'commander';
import { dataDirOf, type CliContext, type CommandModule } from '../context.js';

export const resumeCommand: CommandModule = {
  register(program: Command, ctx: CliContext): void {
    program
      .command('resume')
      .description('continue a run after a crash or stop: idempotent tasks that were running are re-run, others fail "interrupted"')
      .argument('<run>', 'run id (see `runwire runs list`)')
      .option('--json', 'print only the run as JSON')
      .action(async (runId: string, opts: { json?: boolean }, cmd: Command) => {
        const json = opts.json === true;
        // The store, the engine and the task types load only when the command runs.
        const { cliActor, knowTasks, onInterrupt, openSession, report } = await import('../run-session.js');
        const s = openSession(dataDirOf(cmd), ctx, { json });
        try {
          await knowTasks(s, runId);
          const dispose = onInterrupt(ctx, () => runId);
          report(ctx, s, await s.engine.resume(runId, cliActor(ctx.env)).finally(dispose), json);
        } finally {
          await s.close();
        }
      });
  },
};
