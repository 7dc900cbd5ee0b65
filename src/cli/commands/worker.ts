/**
 * `runwire worker [--concurrency N] [--lease DURATION] [--name NAME] [--drain-timeout DURATION] [--poll DURATION]`:
 * claim and drive runs with work due until SIGTERM/SIGINT (drain, exit 0; a second signal exits at once).
 * `runwire workers list [--json]`: the live workers.
 */
import type { Command } from 'commander';
import { runtimeOf, type CliContext, type CommandModule } from '../context.js';

export interface WorkerOpts {
  concurrency: string;
  lease: string;
  name?: string;
  drainTimeout: string;
  poll: string;
  json?: boolean;
}

export const workerCommands: CommandModule = {
  register(program: Command, ctx: CliContext): void {
    program
      .command('worker')
      .description('claim and drive queued runs, due timers and runs whose lease expired, until SIGTERM (drains)')
      .option('--concurrency <n>', 'runs driven at once', '32')
      .option('--lease <duration>', 'how long a claim lasts without renewal (renewed every third)', '30s')
      .option('--name <name>', 'shown by `runwire workers list` (default worker-<pid>)')
      .option('--drain-timeout <duration>', 'on SIGTERM, how long tasks in flight may take to finish', '30s')
      .option(
        '--poll <duration>',
        'the fallback look for due runs, cancels and actions (new work wakes the worker at once: NOTIFY on PostgreSQL, a data_version check every 25 ms on SQLite)',
        '1s',
      )
      .option('--json', 'print one JSON line per run event instead of a short line per run change')
      .action(async (opts: WorkerOpts, cmd: Command) => {
        const { runWorker } = await import('../actions/worker.js');
        await runWorker(opts, runtimeOf(cmd, ctx), ctx);
      });
    program
      .command('workers')
      .description('workers on this database')
      .command('list')
      .description('live workers: name, host, pid, started, runs held, last heartbeat')
      .option('--json', 'print the workers as JSON')
      .action(async (opts: { json?: boolean }, cmd: Command) => {
        const { listWorkers } = await import('../actions/worker.js');
        await listWorkers(opts, runtimeOf(cmd, ctx), ctx);
      });
  },
};
