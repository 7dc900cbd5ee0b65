/**
 * An HTTP/1.1 client that sends exactly the bytes it is given: a request target with raw UTF-8 or
 * `..` in it, a header given twice, a Content-Length that lies, a body of any bytes. `fetch` and
 * `http.request` normalise or refuse all of these, which is what a fuzz test must get past. One
 * connection per request (`Connection: close`); an event stream is cut as soon as its headers came.
 */
import { connect } from 'node:net';

export interface RawRequest {
  method: string;
  /** The request target as sent (UTF-8 bytes, nothing escaped for you). */
  target: string;
  /** In order, repeats kept. Host, Connection and (unless given) Content-Length are added. */
  headers: Array<[string, string]>;
  body?: Buffer | string;
}

export interface RawResponse {
  status: number;
  /** Lowercased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
}

const HEAD_END = Buffer.from('\r\n\r\n');

/** Send one request to `base` (`http://host:port`); resolves with the answer, rejects when none came. */
export function rawRequest(base: string, req: RawRequest, timeoutMs = 60_000): Promise<RawResponse> {
  const url = new URL(base);
  const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body);
  const names = new Set(req.headers.map(([k]) => k.toLowerCase()));
  const lines = [`${req.method} ${req.target} HTTP/1.1`, `Host: ${url.host}`, 'Connection: close'];
  for (const [k, v] of req.headers) lines.push(`${k}: ${v}`);
  if (body && !names.has('content-length') && !names.has('transfer-encoding'))
    lines.push(`Content-Length: ${body.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const parsed = parseResponse(Buffer.concat(chunks));
      if (parsed) resolve(parsed);
      else reject(err ?? new Error(`no HTTP answer to ${req.method} ${req.target.slice(0, 200)}`));
    };
    const timer = setTimeout(
      () => finish(new Error(`no answer in ${timeoutMs} ms to ${req.method} ${req.target.slice(0, 200)}`)),
      timeoutMs,
    );
    socket.on('connect', () => {
      socket.write(head);
      // The server may answer (and close) before reading a body it refuses: a failed write is fine.
      if (body) socket.write(body, () => {});
    });
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      const sofar = Buffer.concat(chunks);
      const end = sofar.indexOf(HEAD_END);
      if (end >= 0 && /content-type:\s*text\/event-stream/i.test(sofar.subarray(0, end).toString('latin1'))) finish();
    });
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    socket.on('error', (err) => finish(err));
  });
}

/** Status line, headers and the (de-chunked) body, or undefined before the headers are complete. */
function parseResponse(bytes: Buffer): RawResponse | undefined {
  const end = bytes.indexOf(HEAD_END);
  if (end < 0) return undefined;
  const [statusLine, ...headerLines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '');
  if (!m) return undefined;
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const k = line.slice(0, colon).trim().toLowerCase();
    const v = line.slice(colon + 1).trim();
    headers[k] = headers[k] === undefined ? v : `${headers[k]}, ${v}`;
  }
  let rest = bytes.subarray(end + HEAD_END.length);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) rest = dechunk(rest);
  return { status: Number(m[1]), headers, body: rest.toString('utf8') };
}

function dechunk(bytes: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = bytes.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = Number.parseInt(bytes.subarray(at, eol).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(bytes.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}
