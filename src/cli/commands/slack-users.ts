/** `runwire slack-users map|list|unmap`: which Slack people and user groups may do what with /runwire. */
import type { Command } from 'commander';
import { runtimeConfigOf, type CliContext, type CommandModule } from '../context.js';

export const slackUsersCommands: CommandModule = {
  register(program: Command, ctx: CliContext): void {
    const group = program
      .command('slack-users')
      .description('roles of Slack people and user groups for the /runwire command (viewer, operator, admin)');
    group
      .command('map')
      .description('give a Slack person or user group a role (a person gets the highest role that names them)')
      .argument('<who>', '@handle of a person or user group, or its id (U…, S…)')
      .argument('<role>', 'viewer (status, help), operator (also run, approve, reject) or admin')
      .option('--json', 'print the mapping as JSON')
      .action(async (who: string, role: string, opts: { json?: boolean }, cmd: Command) => {
        const { mapSlackUser } = await import('../actions/slack-users.js');
        await mapSlackUser(who, role, opts, runtimeConfigOf(cmd, ctx), ctx);
      });
    group
      .command('list')
      .description('every mapping: who and role')
      .option('--json', 'print the list as JSON')
      .action(async (opts: { json?: boolean }, cmd: Command) => {
        const { listSlackUsers } = await import('../actions/slack-users.js');
        await listSlackUsers(opts, runtimeConfigOf(cmd, ctx), ctx);
      });
    group
      .command('unmap')
      .description('remove the role of a Slack person or user group')
      .argument('<who>', '@handle, U… or S…, as mapped')
      .action(async (who: string, _opts: unknown, cmd: Command) => {
        const { unmapSlackUser } = await import('../actions/slack-users.js');
        await unmapSlackUser(who, runtimeConfigOf(cmd, ctx), ctx);
      });
  },
};
