/** `runwire token create|list|revoke`: API tokens of the server, in the data dir's (or the given) database. */
import type { Command } from 'commander';
import { dataDirOf, type CliContext, type CommandModule } from '../context.js';

export interface TokenCliOptions {
  role?: string;
  name?: string;
  json?: boolean;
  databaseUrl?: string;
}

export const tokenCommands: CommandModule = {
  register(program: Command, ctx: CliContext): void {
    const group = program.command('token').description('API tokens for `runwire server` (viewer, operator, admin)');
    const db = '--database-url <url>';
    const dbHelp = 'PostgreSQL URL (env RUNWIRE_DATABASE_URL); default SQLite in the data dir';
    group
      .command('create')
      .description('create a token and print it once (only its hash is stored)')
      .requiredOption(
        '--role <role>',
        'viewer (reads), operator (also runs and tasks), admin (also runbooks, connections, tokens)',
      )
      .option('--name <name>', 'a name to list and revoke it by (default <role>-<6 hex>)')
      .option('--json', 'print { token, name, role, prefix, created_at }')
      .option(db, dbHelp)
      .action(async (opts: TokenCliOptions, cmd: Command) => {
        const { createToken } = await import('../actions/token.js');
        await createToken(opts, dataDirOf(cmd), ctx);
      });
    group
      .command('list')
      .description('tokens: name, role, prefix, created, last used (never the token)')
      .option('--json', 'print the list as JSON')
      .option(db, dbHelp)
      .action(async (opts: TokenCliOptions, cmd: Command) => {
        const { listTokens } = await import('../actions/token.js');
        await listTokens(opts, dataDirOf(cmd), ctx);
      });
    group
      .command('revoke')
      .description('revoke a token (and log out its sessions)')
      .argument('<name>', 'the token name')
      .option(db, dbHelp)
      .action(async (name: string, opts: TokenCliOptions, cmd: Command) => {
        const { revokeToken } = await import('../actions/token.js');
        await revokeToken(name, opts, dataDirOf(cmd), ctx);
      });
  },
};
