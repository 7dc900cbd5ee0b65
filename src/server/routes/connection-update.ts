/**
 * `PATCH /api/connections/{name}`: what `runwire connection update` changes, named like the API's
 * other fields — non-secret fields (Slack URL, redirect URL, the scopes to request) and replacement
 * secrets. A new token is checked with auth.test before it replaces the stored one (unless
 * `verify: false`), and the connection is verified again after. Secrets are write-only: the reply is
 * the connection with `secrets_set`, never a value.
 */
import { Type } from '@sinclair/typebox';
import { RunwireError } from '../../core/errors.js';
import type { OpenedConnections } from '../../slack/connections/open.js';
import type { UpdateInput } from '../../slack/connections/service.js';
import type { Api } from '../app.js';
import { HttpError } from '../http-errors.js';
import { errors } from '../schemas.js';
import { Connection, connectionJson, Name } from './connections.js';

const Secret = (description: string) => Type.Optional(Type.String({ minLength: 1, description, writeOnly: true }));

const Patch = Type.Object(
  {
    token: Secret('A new xoxb-/xoxp- token of the same kind (bot stays bot)'),
    client_secret: Secret("OAuth app: the app's client secret"),
    webhook_url: Secret('Webhook: the incoming webhook URL'),
    signing_secret: Secret('The signing secret (verifies Events API requests)'),
    app_token: Secret('An app-level token (xapp-), for Socket Mode'),
    slack_url: Type.Optional(Type.String({ description: 'Slack base URL' })),
    redirect_url: Type.Optional(
      Type.String({ description: 'OAuth app: the redirect URL (this server: <server>/oauth/slack/callback)' }),
    ),
    scopes: Type.Optional(Type.Array(Type.String(), { description: 'OAuth app: the bot scopes to request' })),
    user_scopes: Type.Optional(Type.Array(Type.String(), { description: 'OAuth app: the user scopes to request' })),
    description: Type.Optional(
      Type.String({ maxLength: 500, description: 'What the connection is for (empty clears it)' }),
    ),
    verify: Type.Optional(Type.Boolean({ description: 'Check a new token with auth.test first (default true)' })),
  },
  { additionalProperties: false, title: 'ConnectionChange' },
);

/** The API's name of each field `ConnectionService.update` takes. */
const API_NAME: Record<keyof UpdateInput, string> = {
  token: 'token',
  clientSecret: 'client_secret',
  webhookUrl: 'webhook_url',
  signingSecret: 'signing_secret',
  appToken: 'app_token',
  slackUrl: 'slack_url',
  redirectUrl: 'redirect_url',
  scopes: 'scopes',
  userScopes: 'user_scopes',
  description: 'description',
};

export function connectionUpdateRoute(app: Api, connections: () => Promise<OpenedConnections>): void {
  app.patch(
    '/api/connections/:name',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'Change a connection',
        description:
          'As `runwire connection update`: replace secrets (`token`, `client_secret`, `webhook_url`, `signing_secret`, ' +
          '`app_token`) or change `slack_url`, `redirect_url`, `scopes`, `user_scopes`. Only the fields the ' +
          "connection's kind has are accepted. Secrets are write-only.",
        tags: ['connections'],
        params: Name,
        body: Patch,
        response: { 200: Connection, ...errors(404, 422) },
      },
    },
    async (req) => {
      const { service } = await connections();
      const { verify = true, ...b } = req.body;
      const u: UpdateInput = {};
      for (const [k, api] of Object.entries(API_NAME) as Array<[keyof UpdateInput, string]>) {
        const v = (b as Record<string, unknown>)[api];
        if (v !== undefined) (u as Record<string, unknown>)[k] = v;
      }
      if (Object.keys(u).length === 0) {
        throw new HttpError(
          422,
          'runwire.http.invalid_request',
          `Nothing to change for connection ${req.params.name}.`,
          {
            fix: `Send at least one of ${Object.values(API_NAME).join(', ')}.`,
          },
        );
      }
      const before = await service.get(req.params.name);
      try {
        const tokenKind = before.kind === 'bot_token' || before.kind === 'user_token';
        if (u.token !== undefined && verify && tokenKind) await service.checkNewToken(before, u.token);
        const rec = await service.update(before.name, u, { fieldName: (k) => API_NAME[k] });
        return connectionJson(u.token !== undefined && verify ? await service.verify(rec.name) : rec);
      } catch (err) {
        // The service words argument errors for both callers; over HTTP they are a 422 like any bad field.
        if (err instanceof RunwireError && err.code === 'runwire.cli.bad_arguments')
          throw new HttpError(422, 'runwire.http.invalid_request', err.message, err.fix ? { fix: err.fix } : {});
        throw err;
      }
    },
  );
}
