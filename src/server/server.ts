/**
 * The server's composition root: open the runtime, build the app with every route, listen.
 * Used by `runwire server`, `runwire start` and the tests (port 0 on loopback).
 */
import { readFileSync } from 'node:fs';
import type { DestinationStream } from 'pino';
import type { TaskTypeRegistry } from '../core/task-type.js';
import { cliTaskTypes } from '../cli/run-session.js';
import { buildApp } from './app.js';
import { loadRunbookDir, type DirLoader } from './library/dir-loader.js';
import { createLogger } from './logger.js';
import { openServerRuntime, type ServerRuntime } from './runtime.js';
import { listen, type ListeningServer } from './start-server.js';

export interface ServerOptions {
  host?: string;
  port?: number;
  dataDir: string;
  databaseUrl?: string | undefined;
  /** Embedded workers (0 = `--no-worker`). */
  workers?: number;
  runbooksDir?: string | undefined;
  logLevel?: string;
  logDestination?: DestinationStream;
  /** Task types (default: the built-ins with slack.message on the data dir's connections). */
  types?: TaskTypeRegistry;
}

export interface RunningServer extends ListeningServer {
  runtime: ServerRuntime;
  /** The `--runbooks DIR` loader, when one was given. */
  runbooks?: DirLoader;
}

export function runwireVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export async function startServer(o: ServerOptions): Promise<RunningServer> {
  const logger = createLogger({
    ...(o.logLevel ? { level: o.logLevel } : {}),
    ...(o.logDestination ? { destination: o.logDestination } : {}),
  });
  const runtime = await openServerRuntime({
    dataDir: o.dataDir,
    ...(o.databaseUrl ? { databaseUrl: o.databaseUrl } : {}),
  });
  const workers = o.workers ?? 1;
  // slack.message gets this process's runtime (already open) for its connections.
  const types =
    o.types ??
    cliTaskTypes({ config: runtime.runtime.config, get: async () => runtime.runtime, close: async () => {} });
  try {
    const app = await buildApp({
      logger,
      tokens: runtime.tokens,
      library: runtime.library,
      types,
      version: runwireVersion(),
      database: { kind: runtime.backend, ping: runtime.ping },
      workers: () => workers,
    });
    const dir = o.runbooksDir ? await loadRunbookDir(o.runbooksDir, runtime.library, types, logger) : undefined;
    const url = await listen(app, o.host ?? '127.0.0.1', o.port ?? 8080);
    let closed: Promise<void> | undefined;
    const close = (): Promise<void> =>
      (closed ??= (async () => {
        dir?.close();
        await app.close();
        await runtime.close();
      })());
    return { app, url, runtime, close, ...(dir ? { runbooks: dir } : {}) };
  } catch (err) {
    await runtime.close();
    throw err;
  }
}
