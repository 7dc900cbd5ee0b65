/**
 * `runwire task complete|reject|skip|retry RUN TASK [--json]`: an operator acts on one task, then the
 * run goes on in this process until it finishes or waits again (like `runwire run`). `reject` is the
 * engine's `fail` action: the decision "no" on a waiting (manual, approval) task.
 */
import type { Command } from 'commander';
import type { TaskAction } from '../../engine/engine.js';
import { runtimeOf, type CliContext, type CommandModule } from '../context.js';

const ACTIONS: ReadonlyArray<[string, TaskAction, string]> = [
  ['complete', 'complete', 'mark a waiting (manual) task done'],
  ['reject', 'fail', 'reject a waiting (manual) task: it fails, and its dependents do not run'],
  ['skip', 'skip', 'skip a pending, waiting or failed task; its dependents go on'],
  ['retry', 'retry', 'run a failed task again (a fresh round of its retry policy)'],
];

export const taskCommand: CommandModule = {
  register(program: Command, ctx: CliContext): void {
    const group = program.command('task').description('act on one task of a run, then continue the run');
    for (const [name, action, description] of ACTIONS) {
      group
        .command(name)
        .description(description)
        .argument('<run>', 'run id')
        .argument('<task>', 'task id')
        .option('--json', 'print only the run as JSON')
        .option('--detach', 'only record the action (a worker applies it) and print the run; exit 0')
        .action(async (runId: string, taskId: string, opts: { json?: boolean; detach?: boolean }, cmd: Command) => {
          // The store, the engine and the task types load only when the command runs.
          const { driveRun } = await import('../run-session.js');
          await driveRun(
            runtimeOf(cmd, ctx),
            ctx,
            opts.json === true,
            runId,
            (s, actor) => s.engine.taskAction(runId, taskId, action, actor),
            opts.detach ? (s, actor) => s.engine.service.act(runId, taskId, action, actor) : undefined,
          );
        });
    }
  },
};
