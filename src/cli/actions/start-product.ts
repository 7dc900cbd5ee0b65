/**
 * The server half of `runwire start`: `runwire server` on the same database, the examples loaded
 * into the runbook library (`--runbooks examples/`), and a one-time login link for a fresh admin
 * token (the token itself is never printed).
 */
import type { RunningServer } from '../../server/server.js';
import type { LazyRuntime } from '../../runtime/open-runtime.js';
import type { CliContext } from '../context.js';

export interface ProductServer {
  server: RunningServer;
  /** The lines to print: UI, API docs, login link. */
  banner(sandboxUrl: string): string;
}

export async function startProductServer(
  rt: LazyRuntime,
  ctx: CliContext,
  o: { port: number; examples: string },
): Promise<ProductServer> {
  const { startServer } = await import('../../server/server.js');
  const base = {
    dataDir: rt.config.dataDir,
    ...(rt.config.databaseUrl ? { databaseUrl: rt.config.databaseUrl } : {}),
    runbooksDir: o.examples,
    logLevel: ctx.env.RUNWIRE_LOG_LEVEL ?? 'warn',
  };
  let server: RunningServer;
  try {
    server = await startServer({ ...base, port: o.port });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || o.port === 0) throw err;
    ctx.stderr.write(
      `Port ${o.port} is in use; the server takes a free port instead (choose one with --server-port).\n`,
    );
    server = await startServer({ ...base, port: 0 });
  }
  const { info } = await server.runtime.tokens.create('admin', `start-${Date.now().toString(36)}`);
  const code = server.links.create(info.name);
  return {
    server,
    banner: (sandboxUrl) =>
      [
        `Runwire server: ${server.url}  (examples are in its runbook library)`,
        `  web UI     ${server.url}/`,
        `  API docs   ${server.url}/api/docs`,
        `  sandbox    ${sandboxUrl}`,
        `  log in     ${server.url}/login?code=${code}   (one-time link, 10 minutes; admin token "${info.name}")`,
        '',
      ].join('\n'),
  };
}
