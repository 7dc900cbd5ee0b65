/**
 * One-time login links (what `runwire start` prints): `GET /login?code=…` trades a single-use code
 * (10 minutes, kept hashed in this process only) for the session cookie of the token it was made for,
 * then redirects to `/`. The code rides in the query, which the logger never writes.
 */
import { Type } from '@sinclair/typebox';
import type { Api } from '../app.js';
import { hashSecret, newSecret } from '../auth/tokens.js';
import { HttpError } from '../http-errors.js';
import { sessionCookie } from './session.js';
import { SESSION_MS, type TokenStore } from '../store/token-store.js';

const LINK_MS = 10 * 60 * 1000;

export class LoginLinks {
  private readonly codes = new Map<string, { tokenName: string; expires: number }>();

  /** A fresh single-use code for a token name. */
  create(tokenName: string, now = Date.now()): string {
    const code = newSecret('rwl_');
    this.codes.set(hashSecret(code), { tokenName, expires: now + LINK_MS });
    return code;
  }

  /** The token name, once; undefined when unknown, used or expired. */
  take(code: string, now = Date.now()): string | undefined {
    const key = hashSecret(code);
    const hit = this.codes.get(key);
    this.codes.delete(key);
    return hit && hit.expires > now ? hit.tokenName : undefined;
  }
}

export function loginLinkRoutes(app: Api, tokens: TokenStore, links: LoginLinks): void {
  app.get(
    '/login',
    {
      config: { role: 'public' },
      schema: { hide: true, querystring: Type.Object({ code: Type.String() }) },
    },
    async (req, reply) => {
      const name = links.take(req.query.code);
      if (!name) {
        throw new HttpError(401, 'runwire.auth.unauthorized', 'This login link was used already or has expired.', {
          fix: 'Log in with a token (POST /api/session) or restart `runwire start` for a new link.',
        });
      }
      const secret = await tokens.openSession(name);
      reply.header('set-cookie', sessionCookie(secret, SESSION_MS / 1000, req.protocol === 'https'));
      return reply.redirect('/', 303);
    },
  );
}
