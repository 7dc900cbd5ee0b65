/** `runwire triggers list|history [TRIGGER]|enable TRIGGER|disable TRIGGER`: over a server's API or the local database. */
import type { Command } from 'commander';
import { runtimeConfigOf, type CliContext, type CommandModule } from '../context.js';

export interface TriggersCliOptions {
  server?: string;
  json?: boolean;
  limit?: string;
}

const TRIGGER_ARG = 'RUNBOOK/ID, or the trigger id alone when only one runbook has it';

export const triggersCommands: CommandModule = {
  register(program: Command, ctx: CliContext): void {
    const group = program
      .command('triggers')
      .description('what starts runs by itself: Slack messages and schedules declared in the library’s runbooks');
    const common = (c: Command): Command =>
      c
        .option('--server <url>', 'a Runwire server (env RUNWIRE_SERVER; token from RUNWIRE_TOKEN)')
        .option('--json', 'print JSON');
    common(
      group.command('list').description('every trigger: enabled, what it listens for, a schedule’s next 5 fire times'),
    ).action(async (opts: TriggersCliOptions, cmd: Command) => {
      const { listTriggersCli } = await import('../actions/triggers.js');
      await listTriggersCli(opts, runtimeConfigOf(cmd, ctx), ctx);
    });
    common(
      group
        .command('history')
        .description('what a trigger received and did (every trigger’s, and Slack deliveries, without TRIGGER)')
        .argument('[trigger]', TRIGGER_ARG)
        .option('--limit <n>', 'how many entries, newest first (default 50, at most 500)'),
    ).action(async (trigger: string | undefined, opts: TriggersCliOptions, cmd: Command) => {
      const { triggerHistoryCli } = await import('../actions/triggers.js');
      await triggerHistoryCli(trigger, opts, runtimeConfigOf(cmd, ctx), ctx);
    });
    for (const action of ['enable', 'disable'] as const) {
      common(
        group
          .command(action)
          .description(
            action === 'disable'
              ? 'pause a trigger without editing its runbook (e.g. a schedule during an incident)'
              : 'let a disabled trigger start runs again',
          )
          .argument('<trigger>', TRIGGER_ARG),
      ).action(async (trigger: string, opts: TriggersCliOptions, cmd: Command) => {
        const { setTriggerCli } = await import('../actions/triggers.js');
        await setTriggerCli(trigger, action === 'enable', opts, runtimeConfigOf(cmd, ctx), ctx);
      });
    }
  },
};
