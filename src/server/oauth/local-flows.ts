/**
 * Installs through the server for a connection whose redirect URL is the CLI's one-shot listener
 * (`http://localhost:9999`, the default): the server runs that same listener, one per connection at a
 * time (a newer request ends the older wait), and ends every wait when it shuts down.
 */
import type { Logger } from 'pino';
import { type AuthenticateOptions, authenticate } from '../../slack/connections/authenticate.js';
import type { ConnectionService } from '../../slack/connections/service.js';

export class LocalFlows {
  private readonly waits = new Map<string, { ctl: AbortController; flow: Promise<unknown> }>();
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly log: Logger) {}

  /** Start the listener and resolve with the authorize URL once it listens (or reject: port in use…). */
  async start(
    service: ConnectionService,
    name: string,
    o: { timeoutMs: number; finishUrl: NonNullable<AuthenticateOptions['finishUrl']> },
  ): Promise<string> {
    const older = this.waits.get(name);
    if (older) {
      older.ctl.abort();
      await older.flow.catch(() => undefined); // its listener closes, freeing the port
    }
    const ctl = new AbortController();
    return new Promise<string>((resolve, reject) => {
      let told = false;
      const flow = authenticate(service, name, {
        timeoutMs: o.timeoutMs,
        signal: ctl.signal,
        finishUrl: o.finishUrl,
        onAuthorizeUrl: (url) => {
          told = true;
          resolve(url);
        },
      })
        .then(
          () => this.log.info({ connection: name }, 'connection authenticated'),
          (err: { code?: string; message?: string }) => {
            if (!told) reject(err);
            else if (!ctl.signal.aborted)
              this.log.warn({ connection: name, code: err.code }, `authentication ended: ${err.message}`);
          },
        )
        .finally(() => {
          if (this.waits.get(name)?.ctl === ctl) this.waits.delete(name);
          this.running.delete(flow);
        });
      this.running.add(flow);
      this.waits.set(name, { ctl, flow });
    });
  }

  /** End every wait (shutdown), once their listeners have closed. */
  async close(): Promise<void> {
    for (const w of this.waits.values()) w.ctl.abort();
    await Promise.allSettled([...this.running]);
  }
}
