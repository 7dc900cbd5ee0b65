/**
 * Slack connections over HTTP, on the same `ConnectionService` as `runwire connection`: list, show,
 * create (`POST /api/connections` with a body named like the CLI's flags), delete, and test (auth.test
 * + the scope doctor, as JSON). Secrets are write-only: a reply says which secrets are set, never
 * their values, not even masked.
 */
import { Type } from '@sinclair/typebox';
import type { ConnectionRecord } from '../../slack/connections/model.js';
import type { OpenedConnections } from '../../slack/connections/open.js';
import { diagnoseScopes, OPTIONAL_USES, type ScopeUse } from '../../slack/scopes.js';
import type { Api } from '../app.js';
import { HttpError } from '../http-errors.js';
import { errors } from '../schemas.js';

export const Connection = Type.Object(
  {
    name: Type.String(),
    kind: Type.String(),
    description: Type.Union([Type.String(), Type.Null()]),
    slack_url: Type.String(),
    team: Type.Union([Type.Object({ id: Type.String(), name: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]),
    bot_user_id: Type.Union([Type.String(), Type.Null()]),
    client_id: Type.Union([Type.String(), Type.Null()]),
    redirect_url: Type.String(),
    requested_bot_scopes: Type.Array(Type.String()),
    granted_bot_scopes: Type.Array(Type.String()),
    granted_user_scopes: Type.Array(Type.String()),
    secrets_set: Type.Array(Type.String(), { description: 'Which secrets are stored (never their values)' }),
    verified_at: Type.Union([Type.String(), Type.Null()]),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { title: 'Connection' },
);

const Create = Type.Object(
  {
    name: Type.String(),
    token: Type.Optional(Type.String({ description: 'xoxb-/xoxp- token (like --token)' })),
    client_id: Type.Optional(Type.String()),
    client_secret: Type.Optional(Type.String()),
    redirect_url: Type.Optional(Type.String()),
    scopes: Type.Optional(Type.Array(Type.String())),
    user_scopes: Type.Optional(Type.Array(Type.String())),
    webhook_url: Type.Optional(Type.String()),
    signing_secret: Type.Optional(Type.String()),
    app_token: Type.Optional(Type.String()),
    slack_url: Type.Optional(Type.String()),
    description: Type.Optional(Type.String({ maxLength: 500, description: 'What the connection is for' })),
  },
  { additionalProperties: false, title: 'NewConnection' },
);

export function connectionJson(r: ConnectionRecord) {
  return {
    name: r.name,
    kind: r.kind,
    description: r.description ?? null,
    slack_url: r.slackUrl,
    team: r.teamId ? { id: r.teamId, name: r.teamName ?? null } : null,
    bot_user_id: r.botUserId ?? null,
    client_id: r.clientId ?? null,
    redirect_url: r.redirectUrl,
    requested_bot_scopes: r.botScopes,
    granted_bot_scopes: r.grantedBotScopes,
    granted_user_scopes: r.grantedUserScopes,
    secrets_set: Object.keys(r.sealed).filter((k) => (r.sealed as Record<string, unknown>)[k] !== undefined),
    verified_at: r.verifiedAt ?? null,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
}

export const Name = Type.Object({ name: Type.String() });

export function connectionRoutes(app: Api, connections: () => Promise<OpenedConnections>): void {
  app.get(
    '/api/connections',
    {
      config: { role: 'viewer' },
      schema: {
        summary: 'Slack connections (no secrets)',
        tags: ['connections'],
        response: { 200: Type.Array(Connection) },
      },
    },
    async () => (await (await connections()).service.store.list()).map(connectionJson),
  );
  app.get(
    '/api/connections/:name',
    {
      config: { role: 'viewer' },
      schema: {
        summary: 'One connection',
        tags: ['connections'],
        params: Name,
        response: { 200: Connection, ...errors(404) },
      },
    },
    async (req) => connectionJson(await (await connections()).service.get(req.params.name)),
  );
  app.post(
    '/api/connections',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'Add a connection',
        description:
          'One of `{ name, token }`, `{ name, client_id, client_secret, redirect_url?, scopes?, user_scopes? }` or ' +
          '`{ name, webhook_url }`, each with optional `signing_secret`, `app_token`, `slack_url` — as `runwire connection add`. ' +
          'A token is verified with auth.test.',
        tags: ['connections'],
        body: Create,
        response: { 201: Connection, ...errors(409, 422) },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const { service } = await connections();
      const kinds = [b.token !== undefined, b.client_id !== undefined, b.webhook_url !== undefined].filter(
        Boolean,
      ).length;
      if (kinds !== 1) {
        throw new HttpError(
          422,
          'runwire.http.invalid_request',
          'Give exactly one of token, client_id (with client_secret) or webhook_url.',
          {
            fix: 'See POST /api/connections in the API docs.',
          },
        );
      }
      if ((await service.store.get(b.name)) !== undefined) {
        throw new HttpError(409, 'runwire.connection.exists', `A connection named "${b.name}" exists.`, {
          fix: `Remove it first (DELETE /api/connections/${b.name}) or pick another name.`,
        });
      }
      const common = {
        ...(b.slack_url ? { slackUrl: b.slack_url } : {}),
        ...(b.signing_secret ? { signingSecret: b.signing_secret } : {}),
        ...(b.app_token ? { appToken: b.app_token } : {}),
      };
      let rec: ConnectionRecord;
      if (b.token !== undefined) {
        await service.addToken({ name: b.name, token: b.token, ...common });
        try {
          rec = await service.verify(b.name);
        } catch (err) {
          await service.store.remove(b.name);
          throw err;
        }
      } else if (b.webhook_url !== undefined) {
        rec = await service.addWebhook({
          name: b.name,
          webhookUrl: b.webhook_url,
          ...(b.slack_url ? { slackUrl: b.slack_url } : {}),
        });
      } else {
        if (!b.client_secret)
          throw new HttpError(422, 'runwire.http.invalid_request', 'client_id needs client_secret.');
        rec = await service.addOAuthApp({
          name: b.name,
          clientId: b.client_id!,
          clientSecret: b.client_secret,
          ...(b.redirect_url ? { redirectUrl: b.redirect_url } : {}),
          ...(b.scopes ? { scopes: b.scopes } : {}),
          ...(b.user_scopes ? { userScopes: b.user_scopes } : {}),
          ...common,
        });
      }
      if (b.description?.trim()) rec = await service.update(rec.name, { description: b.description });
      return reply.status(201).send(connectionJson(rec));
    },
  );
  app.delete(
    '/api/connections/:name',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'Remove a connection and its secrets',
        tags: ['connections'],
        params: Name,
        response: { 204: Type.Null(), ...errors(404) },
      },
    },
    async (req, reply) => {
      if (!(await (await connections()).service.store.remove(req.params.name)))
        throw new HttpError(404, 'runwire.connection.not_found', `No connection "${req.params.name}".`);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/connections/:name/test',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'auth.test and the scope doctor',
        tags: ['connections'],
        params: Name,
        response: {
          200: Type.Object({
            name: Type.String(),
            ok: Type.Boolean(),
            connection: Type.Optional(Connection),
            findings: Type.Array(Type.Object({}, { additionalProperties: true })),
            error: Type.Optional(Type.Object({}, { additionalProperties: true })),
          }),
          ...errors(404),
        },
      },
    },
    async (req) => {
      const { service, resolver } = await connections();
      const before = await service.get(req.params.name);
      try {
        const rec = await resolver.verify(before.name);
        const uses: ScopeUse[] = ['post', 'post_public', 'exactly_once', ...OPTIONAL_USES];
        const findings = diagnoseScopes(rec.grantedBotScopes, uses);
        return {
          name: rec.name,
          ok: !findings.some((f) => f.severity === 'error'),
          connection: connectionJson(rec),
          findings,
        };
      } catch (err) {
        const e = err as { toJSON?: () => Record<string, unknown>; message?: string };
        return {
          name: before.name,
          ok: false,
          findings: [],
          error: e.toJSON ? e.toJSON() : { message: String(e.message) },
        };
      }
    },
  );
}
