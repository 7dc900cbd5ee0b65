/** Small HTTP helpers of the sandbox server: body reading, argument parsing, JSON answers, routing. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A route handler; `url` is the parsed request URL. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

/** Bodies above this are refused (Slack's own limits are far lower for most methods). */
const MAX_BODY = 5 * 1024 * 1024;

export class BodyTooLargeError extends Error {}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new BodyTooLargeError('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Arguments of a Web API call: query string, then form or JSON body, merged (body wins). */
export interface ParsedArgs {
  args: Record<string, unknown>;
  bearer: string | undefined;
  basic: { user: string; password: string } | undefined;
  /** The body was declared JSON (or form) but could not be parsed. */
  malformed: boolean;
}

export function parseArgs(req: IncomingMessage, body: Buffer, url: URL): ParsedArgs {
  const args: Record<string, unknown> = {};
  for (const [k, v] of url.searchParams) args[k] = v;
  let malformed = false;
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if (body.length > 0) {
    if (type === 'application/json') {
      try {
        const parsed: unknown = JSON.parse(body.toString('utf8'));
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) Object.assign(args, parsed);
        else malformed = true;
      } catch {
        malformed = true;
      }
    } else {
      for (const [k, v] of new URLSearchParams(body.toString('utf8'))) args[k] = v;
    }
  }
  const auth = String(req.headers.authorization ?? '');
  let bearer: string | undefined;
  let basic: ParsedArgs['basic'];
  const m = /^(Bearer|Basic)\s+(.+)$/i.exec(auth.trim());
  if (m && m[1]!.toLowerCase() === 'bearer') bearer = m[2]!.trim();
  if (m && m[1]!.toLowerCase() === 'basic') {
    const decoded = Buffer.from(m[2]!, 'base64').toString('utf8');
    const idx = decoded.indexOf(':');
    if (idx >= 0)
      basic = { user: decodeURIComponent(decoded.slice(0, idx)), password: decodeURIComponent(decoded.slice(idx + 1)) };
  }
  return { args, bearer, basic, malformed };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  type = 'text/plain; charset=utf-8',
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

interface Route {
  method: string;
  prefix: string;
  handler: RouteHandler;
}

/** Routes by method and path prefix; the longest matching prefix wins, so `/` can be a fallback. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, prefix: string, handler: RouteHandler): void {
    this.routes.push({ method: method.toUpperCase(), prefix, handler });
    this.routes.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  match(method: string, path: string): RouteHandler | undefined {
    const m = method.toUpperCase();
    return this.routes.find(
      (r) => (r.method === '*' || r.method === m || (m === 'HEAD' && r.method === 'GET')) && path.startsWith(r.prefix),
    )?.handler;
  }
}

/** HTML escaping for the few pages the sandbox renders. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
