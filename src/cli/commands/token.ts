/** `runwire token create|list|revoke`: API tokens of the server, in the data dir's (or the given) database. */
import type { Command } from 'commander';
import { runtimeConfigOf, type CliContext, type CommandModule } from '../context.js';

export interface TokenCliOptions {
  role?: string;
  name?: string;
  json?: boolean;
}

export const tokenCommands: CommandModule = {
  register(program: Command, ctx: CliContext): void {
    const group = program.command('token').description('API tokens for `runwire server` (viewer, operator, admin)');
    group
      .command('create')
      .description('create a token and print it once (only its hash is stored)')
      .requiredOption(
        '--role <role>',
        'viewer (reads), operator (also runs and tasks), admin (also runbooks, connections, tokens)',
      )
      .option('--name <name>', 'a name to list and revoke it by (default <role>-<6 hex>)')
      .option('--json', 'print { token, name, role, prefix, created_at }')
      .action(async (opts: TokenCliOptions, cmd: Command) => {
        const { createToken } = await import('../actions/token.js');
        await createToken(opts, runtimeConfigOf(cmd, ctx), ctx);
      });
    group
      .command('list')
      .description('tokens: name, role, prefix, created, last used (never the token)')
      .option('--json', 'print the list as JSON')
      .action(async (opts: TokenCliOptions, cmd: Command) => {
        const { listTokens } = await import('../actions/token.js');
        await listTokens(opts, runtimeConfigOf(cmd, ctx), ctx);
      });
    group
      .command('revoke')
      .description('revoke a token (and log out its sessions)')
      .argument('<name>', 'the token name')
      .action(async (name: string, opts: TokenCliOptions, cmd: Command) => {
        const { revokeToken } = await import('../actions/token.js');
        await revokeToken(name, opts, runtimeConfigOf(cmd, ctx), ctx);
      });
  },
};
