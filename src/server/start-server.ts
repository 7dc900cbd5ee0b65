/**
 * `runwire server`: open the state (SQLite in the data dir, or PostgreSQL), build the app, listen,
 * print where it is, and shut down gracefully: the first SIGINT/SIGTERM stops taking requests, ends
 * event streams, lets in-flight requests and the worker finish and closes the database; a second
 * signal exits at once.
 */
import type { Logger } from 'pino';
import type { Api } from './app.js';

export interface ListeningServer {
  app: Api;
  /** `http://host:port` as bound (port 0 → the chosen port). */
  url: string;
  close(): Promise<void>;
}

/** Listen on host:port and return the base URL. */
export async function listen(app: Api, host: string, port: number): Promise<string> {
  await app.listen({ host, port });
  const addr = app.server.address();
  const bound = typeof addr === 'object' && addr ? addr.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return `http://${shownHost}:${bound}`;
}

/**
 * Close on the first signal, exit on the second. `close` must be idempotent; returns the disposer.
 */
export function shutdownOnSignals(close: () => Promise<void>, log: Logger): () => void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    closing = true;
    log.info({ signal }, 'shutting down: draining (send the signal again to exit at once)');
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  };
}
