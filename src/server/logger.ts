/**
 * The server's structured logger (pino): one JSON line per event, each request's lines carrying its
 * `reqId`. Secrets never reach a line: credentials in headers and bodies are redacted by path, and a
 * request's URL is logged without its query string (OAuth callbacks carry a code there).
 */
import pino, { type DestinationStream, type Logger } from 'pino';

/** Paths pino replaces with `[redacted]` wherever they appear in a logged object. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  '*.token',
  '*.client_secret',
  '*.signing_secret',
  '*.app_token',
  '*.webhook_url',
  '*.refresh_token',
  '*.access_token',
  '*.password',
  'token',
  'client_secret',
  'signing_secret',
  'app_token',
  'webhook_url',
];

export interface LoggerOptions {
  level?: string;
  /** Where lines go (default stdout); tests pass a stream to read them. */
  destination?: DestinationStream;
}

export function createLogger(o: LoggerOptions = {}): Logger {
  return pino(
    {
      level: o.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        req: (req: { method?: string; url?: string; id?: string }) => ({
          method: req.method,
          url: pathOnly(req.url ?? ''),
          id: req.id,
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
    },
    o.destination,
  );
}

/** `/a/b?x=1` → `/a/b` (the query can hold an OAuth code or state). */
export function pathOnly(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}
