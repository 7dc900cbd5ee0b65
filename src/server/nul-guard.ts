/**
 * A request whose decoded path parameters, query or JSON body holds a NUL character (U+0000) is a
 * 400 naming the field, on every backend: PostgreSQL text cannot store one (it fails the query, which
 * would be a 500), and no name, id, var or key Runwire takes has a use for it. Raw bodies (Slack's,
 * kept as bytes for their signature) are not looked at.
 */
import type { FastifyRequest } from 'fastify';
import { HttpError } from './http-errors.js';

/** The dotted path of the first string or key holding U+0000, `""` for the value itself, or undefined. */
export function nulAt(value: unknown): string | undefined {
  const stack: Array<[unknown, string]> = [[value, '']];
  while (stack.length > 0) {
    const [v, at] = stack.pop() as [unknown, string];
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return at;
    } else if (v !== null && typeof v === 'object' && !Buffer.isBuffer(v)) {
      for (const [k, child] of Object.entries(v)) {
        const path = at ? `${at}.${k}` : k;
        if (k.includes('\u0000')) return path;
        stack.push([child, path]);
      }
    }
  }
  return undefined;
}

/** The `preHandler` hook (after validation, so a malformed request is told its schema error first). */
export async function refuseNul(req: FastifyRequest): Promise<void> {
  for (const [where, value] of [
    ['path', req.params],
    ['query', req.query],
    ['body', req.body],
  ] as const) {
    const at = nulAt(value);
    if (at === undefined) continue;
    throw new HttpError(
      400,
      'runwire.http.invalid_request',
      `Invalid ${where}${at ? ` field "${at.replaceAll('\u0000', '\\u0000').slice(0, 80)}"` : ''}: it holds a NUL character (U+0000).`,
      { fix: 'Remove the NUL character; no name, id or value may hold one.' },
    );
  }
}
