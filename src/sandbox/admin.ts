/**
 * Admin endpoints for tests and demos, JSON in and out, under `/sandbox/`:
 * - `GET  /sandbox/state` — team, app ids, users and channels (no secrets);
 * - `POST /sandbox/tokens` `{kind?: 'bot'|'user', scopes: [...], user?}` → a new token;
 * - `POST /sandbox/tokens/revoke` `{token}`, `/sandbox/tokens/scopes` `{token, scopes}`, `/sandbox/tokens/expire` `{token}`;
 * - `GET  /sandbox/channels/<id|name>/messages` — every message, replies included, oldest first;
 * - `POST /sandbox/post` `{user, channel, text, thread_ts?}` — post as a person (fires `'message'`);
 * - `POST /sandbox/bots` `{name, channels?}` → another app's bot `{token, user_id, bot_id, app_id}` (posts with chat:write);
 * - `POST /sandbox/webhooks` `{channel}` → `{url, channel_id}`; `POST /sandbox/webhooks/revoke` `{url | id}`;
 * - `GET|POST|DELETE /sandbox/faults` — list, arm (`FaultSpec`), clear;
 * - `POST /sandbox/rate-limits` `RateLimitConfig`; `POST /sandbox/reset`.
 * The sandbox listens on loopback only by default; these endpoints are for the person or test that started it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { validateFault, type FaultSpec } from './faults.js';
import { readBody, sendJson } from './http-util.js';
import type { RateLimitConfig } from './rate-limit.js';
import type { Sandbox } from './server.js';

class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function need<T>(v: T | undefined | null, status: number, message: string): T {
  if (v === undefined || v === null) throw new AdminError(status, message);
  return v;
}

function strings(v: unknown, name: string): string[] {
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string'))
    throw new AdminError(400, `${name} must be an array of strings`);
  return v as string[];
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = (await readBody(req)).toString('utf8');
  if (raw.trim() === '') return {};
  try {
    const v: unknown = JSON.parse(raw);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new AdminError(400, 'the body must be a JSON object');
}

export function attachAdmin(sb: Sandbox): void {
  const ws = () => sb.workspace;
  const token = (body: Record<string, unknown>) =>
    need(typeof body.token === 'string' ? ws().tokens.get(body.token) : undefined, 404, 'no such token');

  const handlers: Record<string, (body: Record<string, unknown>, rest: string[]) => unknown> = {
    'GET state': () => ({
      team: ws().team,
      app: { id: ws().app.id, name: ws().app.name, bot_id: ws().app.bot_id, bot_user_id: ws().app.bot_user_id },
      users: [...ws().users.values()].map((u) => ({
        id: u.id,
        name: u.name,
        real_name: u.real_name,
        email: u.email,
        is_bot: u.is_bot,
      })),
      channels: [...ws().channels.values()].map((c) => ({
        id: c.id,
        name: c.name,
        type: c.type,
        is_archived: c.is_archived,
        members: [...c.members],
      })),
    }),
    'POST tokens': (b) => {
      const kind = b.kind ?? 'bot';
      if (kind !== 'bot' && kind !== 'user') throw new AdminError(400, 'kind must be bot or user');
      const user = typeof b.user === 'string' ? ws().userRef(b.user) : undefined;
      if (b.user !== undefined && !user) throw new AdminError(404, 'no such user');
      const t = ws().issueToken(kind, strings(b.scopes ?? [], 'scopes'), user?.id);
      return { token: t.token, kind: t.kind, scopes: t.scopes, user_id: t.user_id };
    },
    'POST tokens/revoke': (b) => {
      token(b).revoked = true;
      return {};
    },
    'POST tokens/expire': (b) => {
      token(b).expires_at = ws().now();
      return {};
    },
    'POST tokens/scopes': (b) => {
      const t = token(b);
      t.scopes = strings(b.scopes, 'scopes');
      return { scopes: t.scopes };
    },
    'GET channels': (_b, rest) => {
      const ch = need(
        ws().resolveChannel(decodeURIComponent(rest[0] ?? ''), ws().app.bot_user_id),
        404,
        'no such channel',
      );
      if (rest[1] !== 'messages') throw new AdminError(404, 'use /sandbox/channels/<id>/messages');
      return { channel: ch.id, messages: ws().allMessages(ch.id) };
    },
    'POST post': (b) => {
      const user = need(typeof b.user === 'string' ? ws().userRef(b.user) : undefined, 404, 'no such user');
      if (typeof b.channel !== 'string' || typeof b.text !== 'string')
        throw new AdminError(400, 'channel and text are required');
      try {
        const msg = ws().postAsUser(
          user.id,
          b.channel,
          b.text,
          typeof b.thread_ts === 'string' ? b.thread_ts : undefined,
        );
        return { ts: msg.ts, message: msg };
      } catch (err) {
        throw new AdminError(400, err instanceof Error ? err.message : String(err));
      }
    },
    'POST bots': (b) => {
      if (typeof b.name !== 'string' || b.name === '') throw new AdminError(400, 'name is required');
      const channels = strings(b.channels ?? [], 'channels').map(
        (c) => need(ws().resolveChannel(c, ws().app.bot_user_id), 404, `no such channel ${c}`).id,
      );
      const { token, user } = ws().addOtherBot(b.name, channels);
      return { token: token.token, user_id: user.id, bot_id: user.bot_id, app_id: user.app_id };
    },
    'POST webhooks': (b) => {
      const ch = need(
        typeof b.channel === 'string' ? ws().resolveChannel(b.channel, ws().app.bot_user_id) : undefined,
        404,
        'no such channel',
      );
      const hook = ws().addWebhook(ch.id);
      return { url: `${sb.url}services/${ws().team.id}/${hook.id}/${hook.secret}`, channel_id: ch.id, id: hook.id };
    },
    'POST webhooks/revoke': (b) => {
      // Accept the hook's URL or its B… id.
      const ref = typeof b.url === 'string' ? b.url.split('/').filter(Boolean).at(-2) : b.id;
      const hook = need(typeof ref === 'string' ? ws().webhooks.get(ref) : undefined, 404, 'no such webhook');
      hook.revoked = true;
      return {};
    },
    'GET faults': () => ({ faults: sb.faults.list() }),
    'POST faults': (b) => {
      const problem = validateFault(b);
      if (problem) throw new AdminError(400, problem);
      sb.faults.add(b as unknown as FaultSpec);
      return { faults: sb.faults.list() };
    },
    'DELETE faults': () => {
      sb.faults.clear();
      return {};
    },
    'POST rate-limits': (b) => {
      sb.rateLimiter.configure(b as RateLimitConfig);
      return { rate_limits: sb.rateLimiter.config };
    },
    'POST reset': () => {
      ws().reset();
      sb.faults.clear();
      sb.rateLimiter.reset();
      return {};
    },
  };

  sb.route('*', '/sandbox/', async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const parts = url.pathname.slice('/sandbox/'.length).split('/').filter(Boolean);
    const method = req.method ?? 'GET';
    try {
      const body = method === 'GET' || method === 'HEAD' ? {} : await jsonBody(req);
      // Longest path first: `tokens/revoke` before `tokens`, `channels/<id>/messages` by its head.
      for (let n = Math.min(parts.length, 2); n >= 1; n--) {
        const h = handlers[`${method} ${parts.slice(0, n).join('/')}`];
        if (h) return sendJson(res, 200, { ok: true, ...(h(body, parts.slice(n)) as object) });
      }
      sendJson(res, 404, { ok: false, error: `no admin endpoint ${method} ${url.pathname}` });
    } catch (err) {
      if (err instanceof AdminError) return sendJson(res, err.status, { ok: false, error: err.message });
      throw err;
    }
  });
}
