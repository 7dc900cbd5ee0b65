/** `runwire server`: the HTTP API (and the embedded worker) until SIGINT/SIGTERM. */
import type { Command } from 'commander';
import { runtimeConfigOf, type CliContext, type CommandModule } from '../context.js';

export interface ServerCliOptions {
  port: string;
  host: string;
  workers: string;
  worker: boolean;
  runbooks?: string;
  logLevel: string;
}

export const serverCommand: CommandModule = {
  register(program: Command, ctx: CliContext): void {
    program
      .command('server')
      .description('serve the HTTP API (runbook library, runs, live events, connections) with an embedded worker')
      .option('--port <port>', 'port to listen on', '8080')
      .option('--host <host>', 'address to bind (0.0.0.0 for every interface)', '127.0.0.1')
      .option('--workers <n>', 'embedded workers driving runs', '1')
      .option('--no-worker', 'run no worker here (another process drives the runs)')
      .option('--runbooks <dir>', 'load every *.yaml/*.json of this directory into the library, and reload on change')
      .option('--log-level <level>', 'pino log level (trace, debug, info, warn, error)', 'info')
      .action(async (opts: ServerCliOptions, cmd: Command) => {
        const { runServer } = await import('../actions/server.js');
        await runServer(opts, runtimeConfigOf(cmd, ctx), ctx);
      });
  },
};
