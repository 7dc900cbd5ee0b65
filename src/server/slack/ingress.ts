/**
 * Slack's HTTP requests (Events API, interactivity, slash commands) into Runwire, as a reusable
 * Fastify piece: `slackIngress(app, { path, parse, handle })` mounts one POST route that
 *
 * 1. keeps the raw body (the signature is over its exact bytes);
 * 2. reads it as Slack sends it (`json` for events; `form-payload`: a form whose `payload` field is
 *    JSON, for interactivity; `form`: plain form fields, for slash commands) only to find the
 *    connection: `api_app_id` and `team_id` / `team.id`;
 * 3. verifies the signature with THAT connection's signing secret (`verifySlackRequest`: HMAC v0,
 *    constant time, 5 minutes) — no connection or secret, a bad signature, a stale or missing
 *    timestamp are a 401 `{ error: { code, message, fix } }`, and `handle` is never called, so
 *    nothing is recorded for a request Slack did not sign;
 * 4. answers Slack's `ssl_check` with an empty 200 (any route), else calls `handle` with the connection, the parsed body and Slack's retry headers; what it returns
 *    is the response (an object as JSON, a string as text, undefined as an empty 200).
 *
 * Routes are public (Slack carries no Runwire token); the signature is their authentication. The
 * connection finder is `app.slackConnections`, decorated by `buildApp`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ConnectionRecord } from '../../slack/connections/model.js';
import { verifySlackRequest, type VerifyResult } from '../../slack/verify-request.js';
import type { Api } from '../app.js';
import { HttpError } from '../http-errors.js';
import type { SlackAddress, SlackConnectionFinder } from './connection-finder.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Finds the connection (and signing secret) of a Slack request. */
    slackConnections: SlackConnectionFinder;
  }
}

/** How a route's body is read: see the module comment. */
export type SlackBodyKind = 'json' | 'form-payload' | 'form';

export interface SlackIngressRequest {
  /** The connection whose signing secret verified the request. */
  connection: ConnectionRecord;
  /** The parsed body: the JSON (`json`), the `payload` JSON (`form-payload`), the fields (`form`). */
  body: Record<string, unknown>;
  /** The exact bytes received. */
  raw: Buffer;
  /** `X-Slack-Retry-Num` (0 on a first delivery) and `X-Slack-Retry-Reason`. */
  retryNum: number;
  retryReason: string | undefined;
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface SlackIngressRoute {
  path: string;
  parse: SlackBodyKind;
  /** OpenAPI summary of the route. */
  summary?: string;
  handle(req: SlackIngressRequest): Promise<unknown>;
  /** The clock for the 5-minute window (tests). */
  now?: () => number;
}

/** The body as Slack sends it, or undefined when it is not (reported after the signature is checked). */
export function parseSlackBody(raw: Buffer, kind: SlackBodyKind): Record<string, unknown> | undefined {
  const text = raw.toString('utf8');
  const asObject = (v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  try {
    // Slack's ssl_check (`ssl_check=1&token=…`) comes form-encoded to any Request URL.
    if (!text.trimStart().startsWith('{')) {
      const fields = new URLSearchParams(text);
      if (fields.has('ssl_check') && !fields.has('payload') && !fields.has('command'))
        return Object.fromEntries(fields);
    }
    if (kind === 'json') return asObject(JSON.parse(text));
    const fields = Object.fromEntries(new URLSearchParams(text));
    if (kind === 'form') return fields;
    return typeof fields.payload === 'string' ? asObject(JSON.parse(fields.payload)) : undefined;
  } catch {
    return undefined;
  }
}

/** `api_app_id` and the workspace of a parsed body (events: team_id; interactivity: team.id). */
export function addressOf(body: Record<string, unknown> | undefined): SlackAddress {
  if (!body) return {};
  const s = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const team = body.team !== null && typeof body.team === 'object' ? (body.team as Record<string, unknown>) : {};
  return { appId: s(body.api_app_id), teamId: s(body.team_id) ?? s(team.id) };
}

const FIX =
  "Set the connection's signing secret (runwire connection update NAME --signing-secret -) to the one in the Slack app's \"Basic Information\" page, and check this server's clock.";

/** The connection whose secret verifies the request, or the 401 to answer. */
async function verified(
  finder: SlackConnectionFinder,
  req: FastifyRequest,
  raw: Buffer,
  to: SlackAddress,
  now: number,
): Promise<ConnectionRecord> {
  let failure: VerifyResult | undefined;
  for (const fresh of [false, true]) {
    if (fresh && !finder.mayReload()) break;
    for (const c of await finder.candidates(to, fresh)) {
      const r = verifySlackRequest({ signingSecret: c.signingSecret, headers: req.headers, rawBody: raw, nowMs: now });
      if (r.ok) return c.record;
      failure ??= r;
      // A stale or malformed request fails the same way under every secret.
      if (r.code !== 'runwire.slack.request.bad_signature') break;
    }
    if (failure && failure.ok === false && failure.code !== 'runwire.slack.request.bad_signature') break;
  }
  if (failure && failure.ok === false) throw new HttpError(401, failure.code, failure.message, { fix: FIX });
  const whom = [to.appId && `app ${to.appId}`, to.teamId && `workspace ${to.teamId}`].filter(Boolean).join(' in ');
  throw new HttpError(
    401,
    'runwire.slack.request.unknown_app',
    `No Slack connection${whom ? ` of ${whom}` : ''} has a signing secret, so the request cannot be verified.`,
    { fix: 'Add the signing secret to the connection (runwire connection update NAME --signing-secret -).' },
  );
}

function retryNumOf(req: FastifyRequest): number {
  const v = req.headers['x-slack-retry-num'];
  const n = typeof v === 'string' ? Number(v) : 0;
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

/** Mount one Slack request route; see the module comment. */
export function slackIngress(app: Api, route: SlackIngressRoute): void {
  app.register(async (scope) => {
    // Every body is kept as bytes; this scope only.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    scope.post(
      route.path,
      {
        config: { role: 'public' },
        schema: { tags: ['slack'], ...(route.summary ? { summary: route.summary } : {}) },
      },
      async (request, reply) => {
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const body = parseSlackBody(raw, route.parse);
        const connection = await verified(
          scope.slackConnections,
          request,
          raw,
          addressOf(body),
          (route.now ?? Date.now)(),
        );
        if (!body) {
          throw new HttpError(
            400,
            'runwire.slack.request.bad_body',
            `The body is not ${route.parse === 'json' ? 'a JSON object' : route.parse === 'form' ? 'form fields' : 'a form with a JSON payload field'}.`,
            { fix: `Point only Slack's ${route.path} requests at this URL.` },
          );
        }
        // Slack checks the Request URL's certificate: an empty 200, for every route.
        if (body.ssl_check !== undefined) return reply.status(200).send();
        const reason = request.headers['x-slack-retry-reason'];
        const out = await route.handle({
          connection,
          body,
          raw,
          retryNum: retryNumOf(request),
          retryReason: typeof reason === 'string' ? reason : undefined,
          request,
          reply,
        });
        if (reply.sent) return reply;
        if (out === undefined) return reply.status(200).send();
        if (typeof out === 'string') return reply.status(200).type('text/plain').send(out);
        return reply.status(200).type('application/json').send(JSON.stringify(out));
      },
    );
  });
}
