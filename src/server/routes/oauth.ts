/**
 * Installing an OAuth app connection through the server. `POST /api/connections/{name}/authenticate`
 * answers the Slack authorize URL: with the server's own callback as redirect URL, under a signed,
 * single-use state that expires in 10 minutes (`oauth/state.ts`, kept in `oauth_states`); with the
 * CLI's loopback redirect URL (`http://localhost:9999`), through the same one-shot listener the CLI
 * uses, run by the server. `GET /oauth/slack/callback` checks the state before anything else (a forged,
 * replayed or expired one gets a page saying so, and nothing is stored), exchanges the code with
 * `oauth.v2.access`, stores the tokens sealed and sends the browser to the UI's connection page with
 * `?authenticated=1` or `?error=<code>`.
 *
 * No PKCE: Slack answers `pkce_not_allowed` to apps not enabled for it, and the server is a
 * confidential client (it holds the client secret); the signed state is what binds the redirect.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { RunwireError } from '../../core/errors.js';
import { apiUrlOf, type ConnectionRecord } from '../../slack/connections/model.js';
import { buildAuthorizeUrl, exchangeCode } from '../../slack/connections/oauth.js';
import type { OpenedConnections } from '../../slack/connections/open.js';
import type { Api } from '../app.js';
import { HttpError } from '../http-errors.js';
import type { LocalFlows } from '../oauth/local-flows.js';
import { htmlPage } from '../oauth/page.js';
import { readState, STATE_TTL_MS, signState, stateSignedBy } from '../oauth/state.js';
import { errors } from '../schemas.js';
import type { OAuthStateStore } from '../store/oauth-state-store.js';
import { Name } from './connections.js';

export const CALLBACK_PATH = '/oauth/slack/callback';

export interface OAuthDeps {
  connections: () => Promise<OpenedConnections>;
  oauthStates: OAuthStateStore;
  localFlows: LocalFlows;
  now?: () => number;
}

const Started = Type.Object(
  {
    authorize_url: Type.String({ description: "Open it in a browser: Slack's install page for the app" }),
    redirect_url: Type.String({ description: 'Where Slack sends the browser back' }),
    via: Type.Union([Type.Literal('server'), Type.Literal('local_listener')], {
      description:
        "`server`: this server's /oauth/slack/callback; `local_listener`: the one-shot listener on a loopback redirect URL",
    }),
    expires_at: Type.String({ description: 'The URL is good until then' }),
  },
  { title: 'AuthenticateStarted' },
);

const isLoopback = (u: URL) => ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname) && u.protocol === 'http:';

/** The UI page of a connection, with the outcome. */
export function finishPath(name: string, outcome: { ok: true } | { ok: false; code: string }): string {
  const q = outcome.ok ? 'authenticated=1' : `error=${encodeURIComponent(outcome.code)}`;
  return `/connections/${encodeURIComponent(name)}?${q}`;
}

function oauthApp(rec: ConnectionRecord, clientSecret: string | undefined): { clientId: string; secret: string } {
  if (rec.kind !== 'oauth_app' || !rec.clientId) {
    throw new HttpError(
      409,
      'runwire.slack.not_oauth_app',
      `Connection ${rec.name} is a ${rec.kind} connection, not an OAuth app.`,
      {
        fix:
          rec.kind === 'bot_token' || rec.kind === 'user_token'
            ? `A pasted token is not installed by Runwire: reinstall the app in Slack and send its new token with PATCH /api/connections/${rec.name} { "token": "…" }.`
            : 'Add an OAuth app connection (POST /api/connections with client_id and client_secret).',
      },
    );
  }
  if (!clientSecret) {
    throw new HttpError(409, 'runwire.slack.not_oauth_app', `Connection ${rec.name} has no client secret.`, {
      fix: `Set it: PATCH /api/connections/${rec.name} { "client_secret": "…" }.`,
    });
  }
  return { clientId: rec.clientId, secret: clientSecret };
}

function refuse(reply: FastifyReply, title: string, body: string): FastifyReply {
  return reply
    .status(400)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(htmlPage(title, body, { href: '/connections', label: 'Back to connections' }));
}

export function oauthRoutes(app: Api, deps: OAuthDeps): void {
  const now = deps.now ?? Date.now;
  app.addHook('onClose', () => deps.localFlows.close());

  app.post(
    '/api/connections/:name/authenticate',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'Start installing an OAuth app connection',
        description:
          "Answers Slack's authorize URL. With the connection's redirect URL at this server's `/oauth/slack/callback`, " +
          'the state is signed, single-use and good for 10 minutes; the callback stores the tokens and sends the browser ' +
          'to `/connections/{name}?authenticated=1` (or `?error=<code>`). With a loopback redirect URL ' +
          '(`http://localhost:9999`), the server listens there once, as `runwire connection authenticate` does.',
        tags: ['connections'],
        params: Name,
        response: { 200: Started, ...errors(404, 409) },
      },
    },
    async (req) => {
      const { service } = await deps.connections();
      const rec = await service.get(req.params.name);
      const { clientId, secret } = oauthApp(rec, service.openSecrets(rec).clientSecret);
      const redirect = new URL(rec.redirectUrl);
      const origin = `${req.protocol}://${req.host}`;
      const expiresAt = now() + STATE_TTL_MS;
      if (redirect.pathname === CALLBACK_PATH) {
        const state = signState(rec.name, expiresAt, secret);
        await deps.oauthStates.issue(state, {
          connection: rec.name,
          redirectUrl: rec.redirectUrl,
          createdBy: req.principal?.name ?? '?',
          expiresAt,
        });
        const authorizeUrl = buildAuthorizeUrl({
          slackUrl: rec.slackUrl,
          clientId,
          botScopes: rec.botScopes,
          userScopes: rec.userScopes,
          redirectUrl: rec.redirectUrl,
          state,
        });
        return {
          authorize_url: authorizeUrl,
          redirect_url: rec.redirectUrl,
          via: 'server' as const,
          expires_at: new Date(expiresAt).toISOString(),
        };
      }
      if (isLoopback(redirect)) {
        const authorizeUrl = await deps.localFlows.start(service, rec.name, {
          timeoutMs: STATE_TTL_MS,
          finishUrl: (outcome) => `${origin}${finishPath(rec.name, outcome)}`,
        });
        return {
          authorize_url: authorizeUrl,
          redirect_url: rec.redirectUrl,
          via: 'local_listener' as const,
          expires_at: new Date(expiresAt).toISOString(),
        };
      }
      throw new HttpError(
        409,
        'runwire.slack.oauth.redirect_elsewhere',
        `Connection ${rec.name} redirects to ${rec.redirectUrl}, which is neither this server's ${CALLBACK_PATH} nor a loopback address.`,
        {
          fix: `Point it at this server: PATCH /api/connections/${rec.name} { "redirect_url": "${origin}${CALLBACK_PATH}" }, and add that URL to the app's Redirect URLs (OAuth & Permissions).`,
        },
      );
    },
  );

  app.get(
    CALLBACK_PATH,
    {
      config: { role: 'public' },
      schema: {
        summary: "Slack's OAuth redirect",
        description:
          'Where Slack sends the browser after the install page. Refuses (400, an HTML page) a state this server did not ' +
          'issue, one already used or expired; otherwise redirects to the UI page of the connection.',
        tags: ['connections'],
        querystring: Type.Object(
          {
            code: Type.Optional(Type.String()),
            state: Type.Optional(Type.String()),
            error: Type.Optional(Type.String()),
          },
          { additionalProperties: true },
        ),
        response: {
          302: Type.Null({ description: 'To /connections/{name}?authenticated=1 or ?error=<code>' }),
          // The refusal page, or the API error of a query that is not even strings (a repeated parameter).
          400: Type.Union([
            Type.String({ description: 'An HTML page saying why the redirect is refused' }),
            Type.Ref('Error'),
          ]),
        },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const state = q.state ?? '';
      const claim = readState(state);
      const again = 'Start again from the connection page in Runwire (Authenticate).';
      if (!claim) return refuse(reply, 'Invalid request', `This redirect carries no state Runwire issued. ${again}`);
      const { service } = await deps.connections();
      const rec = await service.store.get(claim.connection);
      const secret = rec?.kind === 'oauth_app' ? service.openSecrets(rec).clientSecret : undefined;
      if (!rec || !secret || !stateSignedBy(state, secret)) {
        req.log.warn({ connection: claim.connection }, 'OAuth redirect refused: bad state');
        return refuse(reply, 'Invalid request', `This redirect's state was not issued by this Runwire. ${again}`);
      }
      const consumed = await deps.oauthStates.consume(state);
      if (!consumed.ok) {
        req.log.warn({ connection: rec.name, why: consumed.why }, 'OAuth redirect refused');
        return consumed.why === 'used'
          ? refuse(reply, 'Link already used', `This install link was used once already. ${again}`)
          : consumed.why === 'expired'
            ? refuse(reply, 'Link expired', `This install link is older than 10 minutes. ${again}`)
            : refuse(reply, 'Invalid request', `This redirect's state is not known to this Runwire. ${again}`);
      }
      const name = rec.name;
      const done = (outcome: { ok: true } | { ok: false; code: string }) =>
        reply.header('cache-control', 'no-store').redirect(finishPath(name, outcome), 302);
      if (q.error) {
        const code =
          q.error === 'access_denied'
            ? 'runwire.slack.oauth.access_denied'
            : `runwire.slack.oauth.${q.error.replace(/[^a-z0-9_]/gi, '_').slice(0, 60)}`;
        req.log.info({ connection: name, code }, 'OAuth install not completed');
        return done({ ok: false, code });
      }
      if (!q.code) return done({ ok: false, code: 'runwire.slack.oauth.no_code' });
      try {
        const clientId = rec.clientId!;
        const grant = await exchangeCode(
          apiUrlOf(rec.slackUrl),
          { clientId, clientSecret: secret, code: q.code, redirectUrl: consumed.state.redirectUrl },
          { name, clientId, redirectUrl: consumed.state.redirectUrl },
          service.now,
        );
        await service.applyGrant(name, grant);
        await service.verify(name);
        req.log.info({ connection: name }, 'connection authenticated');
        return done({ ok: true });
      } catch (err) {
        const code = err instanceof RunwireError ? err.code : 'runwire.internal';
        req.log.warn(
          { connection: name, code, err: err instanceof RunwireError ? undefined : err },
          'OAuth exchange failed',
        );
        return done({ ok: false, code });
      }
    },
  );
}
