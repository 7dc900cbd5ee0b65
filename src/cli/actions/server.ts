/** What `runwire server` does: start the server, print where it is, shut down on a signal. */
import { RunwireError } from '../../core/errors.js';
import { startServer } from '../../server/server.js';
import { shutdownOnSignals } from '../../server/start-server.js';
import type { RuntimeConfig } from '../../runtime/open-runtime.js';
import type { CliContext } from '../context.js';
import type { ServerCliOptions } from '../commands/server.js';

export async function runServer(opts: ServerCliOptions, config: RuntimeConfig, ctx: CliContext): Promise<void> {
  const port = Number(opts.port);
  const workers = opts.worker === false ? 0 : Number(opts.workers);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new RunwireError('runwire.cli.bad_option', `--port must be a port number, not "${opts.port}".`);
  if (!Number.isInteger(workers) || workers < 0)
    throw new RunwireError('runwire.cli.bad_option', `--workers must be a whole number, not "${opts.workers}".`);
  const server = await startServer({
    host: opts.host,
    port,
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    workers,
    runbooksDir: opts.runbooks,
    logLevel: opts.logLevel,
  });
  ctx.stderr.write(
    [
      `Runwire server on ${server.url} (${server.runtime.backend}, ${workers} worker${workers === 1 ? '' : 's'})`,
      `  API docs   ${server.url}/api/docs`,
      `  OpenAPI    ${server.url}/api/openapi.json`,
      '  Log in     runwire token create --role admin   (then Authorization: Bearer <token>)',
      '',
    ].join('\n'),
  );
  shutdownOnSignals(server.close, server.app.log as never);
  // Keep the command alive until the signal handler exits the process.
  await new Promise<never>(() => {});
}
