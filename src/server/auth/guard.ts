/**
 * Who may call what. Every route declares the role it needs in `config.role` (`public` for health,
 * the OpenAPI document, the docs and login); the `onRequest` guard authenticates before any body is
 * read: a Bearer token or the session cookie, 401 without or with a bad one, 403 for a role too low,
 * and a state-changing request that rides on a cookie must come from this server's own Origin (a
 * cross-site form or fetch cannot forge one). A matched `/api/` route without a declared role needs
 * admin: a forgotten declaration fails closed.
 */
import type { FastifyRequest } from 'fastify';
import { HttpError } from '../http-errors.js';
import type { Principal, TokenStore } from '../store/token-store.js';
import { allows, bearerOf, cookieValue, type Need } from './tokens.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The role this route needs (`public`: none). */
    role?: Need;
  }
  interface FastifyRequest {
    /** Set by the guard on authenticated routes. */
    principal?: Principal;
  }
}

export const SESSION_COOKIE = 'runwire_session';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The role a request's route needs, or undefined when no route matched (the 404 handler answers). */
export function needOf(req: FastifyRequest): Need | undefined {
  const url = req.routeOptions.url;
  if (url === undefined) return undefined;
  const declared = req.routeOptions.config?.role;
  if (declared) return declared;
  if (url === '/api/docs' || url.startsWith('/api/docs/')) return 'public';
  return url.startsWith('/api/') ? 'admin' : 'public';
}

export function authGuard(tokens: TokenStore) {
  return async (req: FastifyRequest): Promise<void> => {
    const need = needOf(req);
    if (need === undefined || need === 'public') return;
    const principal = await authenticate(req, tokens);
    if (principal.via === 'session' && !SAFE_METHODS.has(req.method)) checkOrigin(req);
    if (!allows(principal.role, need)) {
      throw new HttpError(
        403,
        'runwire.auth.forbidden',
        `Token "${principal.name}" has role ${principal.role}; ${req.method} ${req.routeOptions.url} needs ${need}.`,
        { fix: `Use a token with role ${need} (runwire token create --role ${need}).` },
      );
    }
    req.principal = principal;
  };
}

/** The caller on a public route, when it sent a valid token or session (never throws). */
export async function optionalPrincipal(req: FastifyRequest, tokens: TokenStore): Promise<Principal | undefined> {
  if (req.headers.authorization === undefined && cookieValue(req.headers.cookie, SESSION_COOKIE) === undefined) return;
  return authenticate(req, tokens).catch(() => undefined);
}

async function authenticate(req: FastifyRequest, tokens: TokenStore): Promise<Principal> {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const token = bearerOf(header);
    const p = token ? await tokens.byToken(token) : undefined;
    if (!p) throw unauthorized('The Authorization header does not hold a valid API token.');
    return p;
  }
  const session = cookieValue(req.headers.cookie, SESSION_COOKIE);
  if (session !== undefined) {
    const p = await tokens.bySession(session);
    if (!p) throw unauthorized('The session has expired or was closed.');
    return p;
  }
  throw unauthorized('This route needs an API token.');
}

function unauthorized(message: string): HttpError {
  return new HttpError(401, 'runwire.auth.unauthorized', message, {
    fix: 'Send Authorization: Bearer <token> (create one with `runwire token create --role viewer`) or log in with POST /api/session.',
  });
}

/** A cookie-authenticated change must carry this server's own Origin. */
function checkOrigin(req: FastifyRequest): void {
  const origin = req.headers.origin;
  const own = `${req.protocol}://${req.host}`;
  if (origin !== own) {
    throw new HttpError(
      403,
      'runwire.auth.bad_origin',
      origin
        ? `Origin ${origin} may not change anything with this server's session cookie.`
        : 'A change made with the session cookie must carry an Origin header.',
      { fix: `Send the request from ${own}, or use Authorization: Bearer <token>.` },
    );
  }
}
