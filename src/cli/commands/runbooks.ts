/** `runwire runbooks list|push FILE|show ID`: the server's runbook library, over HTTP or in the local database. */
import type { Command } from 'commander';
import { runtimeConfigOf, type CliContext, type CommandModule } from '../context.js';

export interface RunbooksCliOptions {
  server?: string;
  json?: boolean;
  id?: string;
}

export const runbooksCommands: CommandModule = {
  register(program: Command, ctx: CliContext): void {
    const group = program
      .command('runbooks')
      .description(
        'the runbook library of `runwire server` (with --server / RUNWIRE_SERVER and RUNWIRE_TOKEN, or the local database)',
      );
    const common = (c: Command): Command =>
      c
        .option('--server <url>', 'a Runwire server (env RUNWIRE_SERVER; token from RUNWIRE_TOKEN)')
        .option('--json', 'print JSON');
    common(group.command('list').description('runbooks: id, latest version, name, tasks, problems')).action(
      async (opts: RunbooksCliOptions, cmd: Command) => {
        const { listRunbooks } = await import('../actions/runbooks.js');
        await listRunbooks(opts, runtimeConfigOf(cmd, ctx), ctx);
      },
    );
    common(
      group
        .command('push')
        .description('validate a runbook file (as `runwire validate`) and store it as a new version')
        .argument('<file>', 'a runbook (.yaml, .yml or .json)')
        .option('--id <id>', 'library id (default: the file name without its extension)'),
    ).action(async (file: string, opts: RunbooksCliOptions, cmd: Command) => {
      const { pushRunbookFile } = await import('../actions/runbooks.js');
      await pushRunbookFile(file, opts, runtimeConfigOf(cmd, ctx), ctx);
    });
    common(
      group.command('show').description('one runbook: version, tasks, current problems').argument('<id>', 'runbook id'),
    ).action(async (id: string, opts: RunbooksCliOptions, cmd: Command) => {
      const { showRunbook } = await import('../actions/runbooks.js');
      await showRunbook(id, opts, runtimeConfigOf(cmd, ctx), ctx);
    });
  },
};
