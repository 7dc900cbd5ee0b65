/**
 * Browser login: `POST /api/session { token }` turns an API token into an HttpOnly, SameSite=Strict
 * session cookie (the token itself never lives in the page), `GET /api/session` says who you are (`/api/session/current`
 * the same or null, for a page that may not be logged in),
 * `DELETE /api/session` logs out.
 */
import { Type } from '@sinclair/typebox';
import type { Api } from '../app.js';
import { SESSION_COOKIE } from '../auth/guard.js';
import { cookieValue } from '../auth/tokens.js';
import { HttpError } from '../http-errors.js';
import { errors } from '../schemas.js';
import { SESSION_MS, type TokenStore } from '../store/token-store.js';

const Who = Type.Object({ name: Type.String(), role: Type.String() }, { title: 'Session' });

export function sessionCookie(value: string, maxAgeS: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`;
}

export function sessionRoutes(app: Api, tokens: TokenStore): void {
  app.post(
    '/api/session',
    {
      config: { role: 'public' },
      schema: {
        summary: 'Log in: trade an API token for a session cookie',
        tags: ['auth'],
        security: [],
        body: Type.Object({ token: Type.String({ minLength: 1, description: 'An API token (rwt_…)' }) }),
        response: { 200: Who, ...errors(400, 401) },
      },
    },
    async (req, reply) => {
      const p = await tokens.byToken(req.body.token);
      if (!p) throw new HttpError(401, 'runwire.auth.unauthorized', 'That is not a valid API token.');
      const secret = await tokens.openSession(p.name);
      reply.header('set-cookie', sessionCookie(secret, SESSION_MS / 1000, req.protocol === 'https'));
      return { name: p.name, role: p.role };
    },
  );
  app.get(
    '/api/session',
    {
      config: { role: 'viewer' },
      schema: { summary: 'Who am I', tags: ['auth'], response: { 200: Who } },
    },
    async (req) => ({ name: req.principal!.name, role: req.principal!.role }),
  );
  // Public, so a page can ask without a 401 (which a browser logs as an error) before anyone logs in.
  app.get(
    '/api/session/current',
    {
      config: { role: 'public' },
      schema: {
        summary: 'Who am I, if anyone: the session (or null) without a 401',
        tags: ['auth'],
        security: [],
        response: { 200: Type.Object({ session: Type.Union([Who, Type.Null()]) }) },
      },
    },
    async (req) => {
      const secret = cookieValue(req.headers.cookie, SESSION_COOKIE);
      const p = secret ? await tokens.bySession(secret) : undefined;
      return { session: p ? { name: p.name, role: p.role } : null };
    },
  );
  app.delete(
    '/api/session',
    {
      config: { role: 'viewer' },
      schema: { summary: 'Log out', tags: ['auth'], response: { 204: Type.Null() } },
    },
    async (req, reply) => {
      const secret = cookieValue(req.headers.cookie, SESSION_COOKIE);
      if (secret) await tokens.closeSession(secret);
      reply.header('set-cookie', sessionCookie('', 0, req.protocol === 'https'));
      return reply.status(204).send(null);
    },
  );
}
