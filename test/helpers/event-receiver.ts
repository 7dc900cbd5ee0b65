/**
 * A real HTTP endpoint on 127.0.0.1 (port 0) that plays an app's Events API Request URL in tests:
 * it records every request (headers and the exact body bytes) and answers as the test scripts it.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as received. */
export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  /** The raw body, exactly as sent (what the signature covers). */
  raw: string;
  /** The body parsed as JSON (undefined if it is not JSON). */
  json: any;
}

/** How to answer request number `index` (0-based): a status and body, or `hang` (never answer). */
export type Responder = (
  req: ReceivedRequest,
  index: number,
) => { status: number; body?: string; headers?: Record<string, string> } | 'hang';

export interface EventReceiver {
  url: string;
  received: ReceivedRequest[];
  /** Resolves once at least `n` requests have arrived; rejects after `timeoutMs` with what did arrive. */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/** Starts a receiver; by default every request gets `200 ok`. */
export async function startReceiver(
  responder: Responder = () => ({ status: 200, body: 'ok' }),
): Promise<EventReceiver> {
  const received: ReceivedRequest[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        json = undefined;
      }
      const rec: ReceivedRequest = { headers: req.headers, raw, json };
      const index = received.push(rec) - 1;
      for (const w of waiters.filter((w) => received.length >= w.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      const answer = responder(rec, index);
      if (answer === 'hang') {
        hanging.push(res);
        return;
      }
      res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    received,
    waitFor(n, timeoutMs = 30_000) {
      if (received.length >= n) return Promise.resolve(received);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(
            new Error(
              `expected ${n} request(s) at the receiver, got ${received.length}: ${JSON.stringify(received.map((r) => r.json?.event?.type ?? r.json?.type))}`,
            ),
          );
        }, timeoutMs);
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve(received);
          },
        });
      });
    },
    async close() {
      for (const res of hanging) res.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
