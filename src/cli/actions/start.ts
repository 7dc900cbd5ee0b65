/**
 * What `runwire start` does (loaded on demand by `commands/start.ts`): the embedded sandbox, the
 * `default` connection pointed at it, and the example run.
 */
import { resolve } from 'node:path';
import { RunwireError } from '../../core/errors.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import type { LazyRuntime } from '../../runtime/open-runtime.js';
import { connectionsOver } from '../../slack/connections/open.js';
import { DEFAULT_CONNECTION } from '../../tasks/slack-message.js';
import type { CliContext } from '../context.js';
import { runFile } from './run.js';
import type { ProductServer } from './start-product.js';

/** The options of `runwire start` as commander parses them. */
export interface StartOpts {
  port: string;
  runbook: string;
  rehearsal?: boolean;
  exit?: boolean;
  /** Port of the Runwire server (API, docs, UI). */
  serverPort?: string;
  /** Directory of runbooks loaded into the server's library. */
  examples?: string;
}

async function listen(port: number, ctx: CliContext): Promise<Sandbox> {
  try {
    return await startSandbox({ port });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0) throw err;
    ctx.stderr.write(`Port ${port} is in use; the sandbox takes a free port instead (choose one with --port).\n`);
    return startSandbox({ port: 0 });
  }
}

/**
 * The `default` connection as it stands: absent, the one an earlier `start` made for its sandbox
 * (replaceable), or someone's own — a real workspace or a local proxy on loopback, never replaced.
 */
async function defaultConnection(rt: LazyRuntime): Promise<{ kind: 'none' | 'sandbox' | 'real'; slackUrl?: string }> {
  const rec = await (await rt.get()).connectionStore.get(DEFAULT_CONNECTION);
  if (!rec) return { kind: 'none' };
  return { kind: rec.managedBy === 'start' ? 'sandbox' : 'real', slackUrl: rec.slackUrl };
}

/** Point the `default` connection at the sandbox's bot token (replacing an earlier sandbox's). */
async function connectToSandbox(sb: Sandbox, rt: LazyRuntime, env: NodeJS.ProcessEnv): Promise<void> {
  const c = connectionsOver((await rt.get()).connectionStore, rt.config.dataDir, env);
  try {
    await c.service.store.remove(DEFAULT_CONNECTION);
    await c.service.addToken({
      name: DEFAULT_CONNECTION,
      token: sb.credentials.bot_token,
      slackUrl: sb.url,
      signingSecret: sb.credentials.signing_secret,
      appToken: sb.credentials.app_token,
      managedBy: 'start',
    });
    await c.service.verify(DEFAULT_CONNECTION);
  } finally {
    await c.close();
  }
}

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((done) => {
    const on = (sig: NodeJS.Signals): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      done(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export async function start(opts: StartOpts, rt: LazyRuntime, ctx: CliContext): Promise<void> {
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    ctx.exitCode = 2;
    throw new RunwireError('runwire.cli.bad_port', `--port must be a whole number from 0 to 65535, not "${opts.port}"`);
  }
  const current = await defaultConnection(rt);
  if (current.kind === 'real') {
    ctx.stdout.write(
      `Using your Slack connection "${DEFAULT_CONNECTION}" at ${current.slackUrl} (no sandbox: runwire start did not make it, so it leaves it alone). ` +
        `The example runs as a rehearsal, so Slack tasks are not sent unless they opt in.\n` +
        `To use the sandbox instead: runwire connection remove ${DEFAULT_CONNECTION}, then runwire start.\n\n`,
    );
    await runFile(resolve(opts.runbook), { var: [], rehearsal: true }, rt, ctx);
    return;
  }
  const sb = await listen(port, ctx);
  let product: ProductServer | undefined;
  try {
    await connectToSandbox(sb, rt, ctx.env);
    ctx.stdout.write(
      `Slack sandbox: ${sb.url}  (open it in a browser to watch the runbook speak)\n` +
        `Connection "${DEFAULT_CONNECTION}" points at it; data dir: ${resolve(rt.config.dataDir)}\n\n`,
    );
    if (!opts.exit && opts.examples) {
      const { startProductServer } = await import('./start-product.js');
      product = await startProductServer(rt, ctx, { port: Number(opts.serverPort ?? 8080), examples: opts.examples });
      ctx.stdout.write(`${product.banner(sb.url)}\n`);
    }
    await runFile(resolve(opts.runbook), { var: [], ...(opts.rehearsal ? { rehearsal: true } : {}) }, rt, ctx);
    if (opts.exit) return;
    if (product) ctx.stdout.write(`\n${product.banner(sb.url)}`);
    ctx.stdout.write(
      `\nThe sandbox stays up at ${sb.url} — post there as a user, or in another terminal:\n` +
        `  npx runwire run examples/slack-release.yaml --rehearsal\n` +
        `  npx runwire runs list\n` +
        `Press Ctrl-C to stop.\n`,
    );
    await untilSignal();
    ctx.stdout.write('Stopping the sandbox.\n');
  } finally {
    await product?.server.close();
    await sb.close();
  }
}
