/** Helpers shared by the `runwire connection …` commands: open the runtime's connections, print views. */
import { join } from 'node:path';
import type { Command } from 'commander';
import { RunwireError } from '../../../core/errors.js';
import { maskSecret } from '../../../slack/secret-box.js';
import { apiUrlOf, type ConnectionRecord, type OpenSecrets } from '../../../slack/connections/model.js';
import type { OpenedConnections } from '../../../slack/connections/open.js';
import { runtimeOf, type CliContext } from '../../context.js';

/** Run `fn` with the runtime's connections open (SQLite or PostgreSQL), closing them after. */
export async function withConnections<T>(
  cmd: Command,
  ctx: CliContext,
  fn: (c: OpenedConnections) => Promise<T>,
): Promise<T> {
  // The connection store (SQLite or pg, the vault, the Slack SDK) loads only when a command runs.
  const { connectionsOver } = await import('../../../slack/connections/open.js');
  const { looseKeyFileMode, KEY_FILE, SECRET_KEY_ENV } = await import('../../../slack/connections/secret-key.js');
  const rt = runtimeOf(cmd, ctx);
  try {
    const dataDir = rt.config.dataDir;
    const c = connectionsOver((await rt.get()).connectionStore, dataDir, ctx.env);
    const result = await fn(c);
    // A command that needed the key refused a loose key file already; one that did not still says so.
    const loose = ctx.env[SECRET_KEY_ENV] ? undefined : looseKeyFileMode(dataDir);
    if (loose !== undefined) {
      const path = join(dataDir, KEY_FILE);
      ctx.stderr.write(
        `warning: the key file ${path} is readable by other users (mode ${loose.toString(8)}, wider than 600); commands that decrypt connections refuse it\nfix: chmod 600 ${path}\n`,
      );
    }
    return result;
  } finally {
    await rt.close();
  }
}

export function out(ctx: CliContext, text: string): void {
  ctx.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** A connection's non-secret summary (what `list` shows; needs no key). */
export function summaryView(r: ConnectionRecord) {
  return {
    name: r.name,
    kind: r.kind,
    slackUrl: r.slackUrl,
    team: r.teamId ? { id: r.teamId, name: r.teamName ?? null } : null,
    botUserId: r.botUserId ?? null,
    grantedBotScopes: r.grantedBotScopes,
    grantedUserScopes: r.grantedUserScopes,
    verifiedAt: r.verifiedAt ?? null,
    updatedAt: r.updatedAt,
  };
}

/** Everything about a connection, secrets masked (what `show` prints). */
export function detailView(r: ConnectionRecord, s: OpenSecrets) {
  const masked: Record<string, string> = {};
  for (const [k, v] of Object.entries(s)) if (v) masked[k] = maskSecret(v);
  return {
    ...summaryView(r),
    apiUrl: apiUrlOf(r.slackUrl),
    redirectUrl: r.redirectUrl,
    clientId: r.clientId ?? null,
    requestedBotScopes: r.botScopes,
    requestedUserScopes: r.userScopes,
    userId: r.userId ?? null,
    appId: r.appId ?? null,
    webhookChannel: r.webhookChannel ?? null,
    botTokenExpiresAt: r.botTokenExpiresAt ?? null,
    userTokenExpiresAt: r.userTokenExpiresAt ?? null,
    secrets: masked,
    createdAt: r.createdAt,
  };
}

/** The options that carry a secret, by their commander key; each may be given as `-` (read from stdin). */
export const SECRET_OPTIONS = {
  token: '--token',
  clientSecret: '--client-secret',
  webhookUrl: '--webhook-url',
  signingSecret: '--signing-secret',
  appToken: '--app-token',
} as const;
export type SecretOptionKey = keyof typeof SECRET_OPTIONS;

/**
 * Replace the one secret option given as `-` by what stdin holds (keeps it out of shell history and
 * `ps`). stdin can be read once, so two options given as `-` are refused; the fix says how to give
 * the second (`connection update`, which reads `-` too).
 */
export async function readSecretOptions<T extends Partial<Record<SecretOptionKey, string>>>(
  o: T,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<T> {
  const fromStdin = (Object.keys(SECRET_OPTIONS) as SecretOptionKey[]).filter((k) => o[k] === '-');
  if (fromStdin.length === 0) return o;
  if (fromStdin.length > 1) {
    const flags = fromStdin.map((k) => SECRET_OPTIONS[k]);
    throw new RunwireError(
      'runwire.cli.bad_arguments',
      `only one secret option can read stdin ("-"), not ${flags.join(' and ')}`,
      {
        fix: `give ${flags[0]} - now, then the next one the same way: runwire connection update NAME ${flags[1]} -`,
      },
    );
  }
  const key = fromStdin[0] as SecretOptionKey;
  return { ...o, [key]: await readStdinSecret(SECRET_OPTIONS[key], stdin) };
}

async function readStdinSecret(flag: string, stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
  const v = Buffer.concat(chunks).toString('utf8').trim();
  if (v === '')
    throw new RunwireError('runwire.cli.empty_secret', `nothing was read from stdin for ${flag} -`, {
      fix: `pipe the secret in, e.g. printf %s "$SECRET" | runwire connection … ${flag} -`,
    });
  return v;
}
