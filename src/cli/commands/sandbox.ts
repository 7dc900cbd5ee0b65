/**
 * `runwire sandbox`: run the local Slack sandbox until SIGINT/SIGTERM. With `--json` the first stdout
 * line is one JSON object with the URLs and credentials (for scripts and tests); without it, a banner
 * with secrets shortened.
 */
import type { Command } from 'commander';
import { RunwireError } from '../../core/errors.js';
import type { Sandbox } from '../../sandbox/server.js';
import type { CliContext, CommandModule } from '../context.js';

interface SandboxCliOptions {
  port: string;
  host: string;
  workspace?: string;
  json?: boolean;
  rateLimits: boolean;
  consent?: boolean;
  tokenRotation?: boolean;
}

/** Show the start and end of a secret only. */
export function shorten(secret: string): string {
  return secret.length <= 12 ? `${secret.slice(0, 4)}…` : `${secret.slice(0, 8)}…${secret.slice(-4)}`;
}

/** The `--json` line (pure). */
export function credentialsJson(sb: Pick<Sandbox, 'url' | 'apiUrl' | 'credentials'>): Record<string, string> {
  const c = sb.credentials;
  return {
    url: sb.url,
    api_url: sb.apiUrl,
    bot_token: c.bot_token,
    app_token: c.app_token,
    signing_secret: c.signing_secret,
    client_id: c.client_id,
    client_secret: c.client_secret,
    ...(c.user_token ? { user_token: c.user_token } : {}),
  };
}

/** `1 person`, `12 people`. */
function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The human banner (pure). */
export function banner(sb: Pick<Sandbox, 'url' | 'apiUrl' | 'credentials' | 'workspace'>): string {
  const c = sb.credentials;
  const ws = sb.workspace;
  const people = [...ws.users.values()].filter((u) => !u.is_bot).length;
  const base = sb.url.replace(/\/$/, '');
  return [
    `Slack sandbox "${ws.team.name}" is running (${count(people, 'person', 'people')}, ${count(ws.channels.size, 'channel', 'channels')}).`,
    '',
    `  web page        ${sb.url}`,
    `  Web API         ${sb.apiUrl}`,
    `  bot token       ${shorten(c.bot_token)}`,
    `  app token       ${shorten(c.app_token)}`,
    `  signing secret  ${shorten(c.signing_secret)}`,
    `  client id       ${c.client_id}`,
    `  client secret   ${shorten(c.client_secret)}`,
    '',
    'Point Runwire at it (full secrets: `runwire sandbox --json`):',
    `  runwire connection add sandbox --slack-url ${base} --token <bot_token> --signing-secret <signing_secret>`,
    `Or any Slack SDK: new WebClient(botToken, { slackApiUrl: '${sb.apiUrl}' })`,
    '',
    'Press Ctrl+C to stop.',
    '',
  ].join('\n');
}

function parsePort(s: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new RunwireError('runwire.cli.bad_port', `--port must be a whole number from 0 to 65535, not "${s}"`, {
      fix: 'Use --port 0 for any free port.',
    });
  }
  return n;
}

async function run(o: SandboxCliOptions, ctx: CliContext): Promise<void> {
  const port = parsePort(o.port);
  // The sandbox (ws, the web page, yaml for seed files) loads only when this command runs.
  const [{ loadSeedFile }, { startSandbox }] = await Promise.all([
    import('../../sandbox/seed-file.js'),
    import('../../sandbox/server.js'),
  ]);
  const seed = o.workspace ? await loadSeedFile(o.workspace) : undefined;
  let sb: Sandbox;
  try {
    sb = await startSandbox({
      port,
      host: o.host,
      rateLimits: o.rateLimits,
      oauth: { consent: o.consent === true, tokenRotation: o.tokenRotation === true },
      log: (line) => ctx.stderr.write(`${line}\n`),
      ...(seed ? { workspace: seed } : {}),
    });
  } catch (err) {
    if (err instanceof RunwireError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      throw new RunwireError('runwire.sandbox.listen_failed', `cannot listen on ${o.host}:${port} (${code})`, {
        fix: 'Pick another --port, or --port 0 for any free one.',
      });
    }
    throw err;
  }
  ctx.stdout.write(o.json ? `${JSON.stringify(credentialsJson(sb))}\n` : banner(sb));
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await sb.close();
}

export const sandboxCommand: CommandModule = {
  register(program: Command, ctx: CliContext): void {
    program
      .command('sandbox')
      .description('run a local Slack (Web API, OAuth, webhooks, events, web page) for demos, rehearsals and tests')
      .option('--port <n>', 'port to listen on (0 = any free port)', '0')
      .option('--host <addr>', 'address to listen on', '127.0.0.1')
      .option('--workspace <file>', 'JSON or YAML workspace file replacing the built-in demo workspace')
      .option('--json', 'print one JSON line with the URLs and credentials first')
      .option('--no-rate-limits', 'turn Slack-like rate limits off')
      .option('--consent', 'OAuth: show an Allow/Deny page instead of approving at once')
      .option('--token-rotation', 'OAuth: issue expiring tokens with refresh tokens')
      .action(async (o: SandboxCliOptions) => run(o, ctx));
  },
};
