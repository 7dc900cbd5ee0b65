/**
 * `GET /api/connections/{name}/lookup?users=U1,U2&channels=C1`: the names of Slack users and channels
 * as the connection's workspace knows them, for drawing `<@U…>` and `<#C…>` mentions (viewer). Names
 * only, never a token; cached server-side (SlackNameCache). Up to 50 ids of each kind per request.
 */
import { Type } from '@sinclair/typebox';
import type { OpenedConnections } from '../../slack/connections/open.js';
import { createWebClient } from '../../slack/web-client.js';
import type { Api } from '../app.js';
import { HttpError } from '../http-errors.js';
import { errors } from '../schemas.js';
import { SlackNameCache } from '../slack/name-cache.js';

const MAX_IDS = 50;
const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;

const Names = Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()]));

function ids(raw: string | undefined, pattern: RegExp, what: string, example: string): string[] {
  const list = [
    ...new Set(
      (raw ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  const bad = list.find((id) => !pattern.test(id));
  if (bad !== undefined) {
    throw new HttpError(400, 'runwire.http.invalid_request', `"${bad.slice(0, 40)}" is not a Slack ${what} id.`, {
      fix: `pass ${what} ids separated by commas, e.g. ${example}`,
    });
  }
  if (list.length > MAX_IDS) {
    throw new HttpError(
      400,
      'runwire.http.invalid_request',
      `${list.length} ${what} ids; at most ${MAX_IDS} per request.`,
      {
        fix: `ask for up to ${MAX_IDS} ${what} ids at a time`,
      },
    );
  }
  return list;
}

export function connectionLookupRoute(
  app: Api,
  connections: () => Promise<OpenedConnections>,
  cache: SlackNameCache = new SlackNameCache(),
): void {
  app.get(
    '/api/connections/:name/lookup',
    {
      config: { role: 'viewer' },
      schema: {
        summary: 'Names of Slack users and channels (for mentions), as the connection sees them',
        description:
          'Each id maps to its name, or null when Slack does not know it or the token may not read it ' +
          '(users.info needs users:read, conversations.info channels:read/groups:read). Cached for 10 minutes.',
        tags: ['connections'],
        params: Type.Object({ name: Type.String() }),
        querystring: Type.Object({
          users: Type.Optional(Type.String({ description: 'User ids, comma-separated (U…, W…)' })),
          channels: Type.Optional(Type.String({ description: 'Channel ids, comma-separated (C…, G…, D…)' })),
        }),
        response: { 200: Type.Object({ users: Names, channels: Names }), ...errors(400, 404) },
      },
    },
    async (req) => {
      const users = ids(req.query.users, USER_ID, 'user', 'U0123ABCD,U0456EFGH');
      const channels = ids(req.query.channels, CHANNEL_ID, 'channel', 'C0123ABCD');
      const { service, resolver } = await connections();
      const rec = await service.get(req.params.name);
      return cache.lookup(
        rec.name,
        async () =>
          createWebClient(await resolver.resolve(rec.name), {
            retries: 0,
            timeoutMs: 5_000,
            rejectRateLimitedCalls: true,
          }),
        { users, channels },
      );
    },
  );
}
