/** What `runwire token …` does, on the server's tables in the local database. */
import { RunwireError } from '../../core/errors.js';
import { isRole, TOKEN_NAME } from '../../server/auth/tokens.js';
import { openServerRuntime, type ServerRuntime } from '../../server/runtime.js';
import type { RuntimeConfig } from '../../runtime/open-runtime.js';
import type { CliContext } from '../context.js';
import type { TokenCliOptions } from '../commands/token.js';

async function withRuntime<T>(config: RuntimeConfig, fn: (r: ServerRuntime) => Promise<T>): Promise<T> {
  const r = await openServerRuntime(config);
  try {
    return await fn(r);
  } finally {
    await r.close();
  }
}

export async function createToken(opts: TokenCliOptions, config: RuntimeConfig, ctx: CliContext): Promise<void> {
  const role = opts.role;
  if (!isRole(role))
    throw new RunwireError('runwire.cli.bad_option', `--role must be viewer, operator or admin, not "${role}".`);
  if (opts.name !== undefined && !TOKEN_NAME.test(opts.name))
    throw new RunwireError(
      'runwire.cli.bad_option',
      `--name "${opts.name}" must be letters, digits, ".", "_" or "-" (up to 64).`,
    );
  const { token, info } = await withRuntime(config, (r) => r.tokens.create(role, opts.name));
  if (opts.json) {
    ctx.stdout.write(`${JSON.stringify({ token, ...info })}\n`);
    return;
  }
  ctx.stdout.write(
    `${token}\n\nToken "${info.name}" (${info.role}). It is shown only this once; store it now.\n` +
      'Use it as: Authorization: Bearer <token>   (or RUNWIRE_TOKEN for runwire runbooks --server)\n',
  );
}

export async function listTokens(opts: TokenCliOptions, config: RuntimeConfig, ctx: CliContext): Promise<void> {
  const list = await withRuntime(config, (r) => r.tokens.list());
  if (opts.json) {
    ctx.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return;
  }
  if (list.length === 0) {
    ctx.stdout.write('No tokens. Create one with: runwire token create --role admin\n');
    return;
  }
  for (const t of list)
    ctx.stdout.write(
      `${t.name.padEnd(24)} ${t.role.padEnd(9)} ${t.prefix.padEnd(14)} created ${t.created_at}  last used ${t.last_used_at ?? 'never'}\n`,
    );
}

export async function revokeToken(
  name: string,
  _opts: TokenCliOptions,
  config: RuntimeConfig,
  ctx: CliContext,
): Promise<void> {
  const gone = await withRuntime(config, (r) => r.tokens.revoke(name));
  if (!gone)
    throw new RunwireError('runwire.token.not_found', `No token named "${name}".`, { fix: 'See runwire token list.' });
  ctx.stdout.write(`Revoked token "${name}" and its sessions.\n`);
}
