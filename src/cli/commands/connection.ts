/**
 * `runwire connection …`: Slack connections (issue 4). Each subcommand lives in `connection/`;
 * this module only creates the group.
 */
import type { Command } from 'commander';
import type { CliContext, CommandModule } from '../context.js';
import { registerAdd } from './connection/add.js';
import { registerAuthenticate } from './connection/authenticate.js';
import { registerDoctor } from './connection/doctor.js';
import { registerUpdate } from './connection/update.js';
import { registerView } from './connection/view.js';

export const connectionCommands: CommandModule = {
  register(program: Command, ctx: CliContext): void {
    const group = program
      .command('connection')
      .description('Slack connections: tokens, OAuth apps, webhooks; authenticate and check scopes');
    registerAdd(group, ctx);
    registerUpdate(group, ctx);
    registerView(group, ctx);
    registerDoctor(group, ctx);
    registerAuthenticate(group, ctx);
  },
};
