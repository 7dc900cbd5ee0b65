/**
 * The `/api/<method>` route: parse arguments, apply injected faults, authenticate the token, check
 * token kind and scopes, charge the method's rate-limit tier, run the handler and answer like Slack
 * (HTTP 200 `{ok:false,error}` for platform errors, 429 + `Retry-After` when rate limited, and the
 * `x-oauth-scopes` header on every authenticated answer).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, parseArgs, readBody, sendJson, sendText, type RouteHandler } from '../http-util.js';
import { lateCommitDelay, runsTheMethod, type FaultSpec } from '../faults.js';
import { perSecondRule, retryAfterSeconds, tierRule } from '../rate-limit.js';
import type { SandboxToken } from '../workspace-types.js';
import { possibleErrors, RateLimitedError, SlackApiError, type MethodCall, type MethodDefinition } from './registry.js';
import type { Sandbox } from '../server.js';

/** Decide the authentication outcome of a token (pure). */
export function checkToken(
  token: SandboxToken | undefined,
  presented: string | undefined,
  now: number,
): string | undefined {
  if (!presented) return 'not_authed';
  if (!token) return 'invalid_auth';
  if (token.revoked) return 'token_revoked';
  if (token.expires_at !== undefined && now >= token.expires_at) return 'token_expired';
  return undefined;
}

/** Decide whether a token holds the scopes a method needs (pure); returns the `needed` list when not. */
export function missingScopes(def: MethodDefinition, token: SandboxToken): string[] | undefined {
  const needed = token.kind === 'app' ? undefined : def.scopes?.[token.kind];
  if (!needed || needed.length === 0) return undefined;
  return needed.some((s) => token.scopes.includes(s)) ? undefined : needed;
}

export function createApiHandler(sb: Sandbox): RouteHandler {
  return async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    let name: string;
    try {
      name = decodeURIComponent(url.pathname.slice('/api/'.length)).replace(/\/+$/, '');
    } catch {
      name = url.pathname.slice('/api/'.length);
    }
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (err) {
      if (err instanceof BodyTooLargeError) return sendText(res, 413, 'request entity too large');
      throw err;
    }
    const def = sb.methods.get(name);
    if (!def) return sendJson(res, 200, { ok: false, error: 'unknown_method', req_method: name });
    const parsed = parseArgs(req, body, url);
    const ws = sb.workspace;
    const presented = parsed.bearer ?? (typeof parsed.args.token === 'string' ? parsed.args.token : undefined);
    const token = presented ? ws.tokens.get(presented) : undefined;

    const channelArg = typeof parsed.args.channel === 'string' ? parsed.args.channel : undefined;
    const fault = sb.faults.take(
      name,
      channelArg === undefined ? [] : [channelArg.replace(/^#/, ''), ...channelAliases(sb, channelArg, token)],
      parsed.args,
    );
    if (fault && !runsTheMethod(fault)) return applyFault(fault, req, res);
    // late_commit: a slow Slack — the method runs (the message is stored) only after a while.
    await lateCommitDelay(fault);

    const headers: Record<string, string> = {};
    const answer = (status: number, payload: Record<string, unknown>, extra: Record<string, string> = {}): void => {
      if (fault?.kind === 'lost_response') {
        // The work is done (e.g. the message is stored); the answer never arrives.
        req.socket.destroy();
        return;
      }
      // After a late commit the client may have given up: there is no one left to answer.
      if (req.socket.destroyed) return;
      sendJson(res, status, payload, { ...headers, ...extra });
    };

    if (parsed.malformed) return answer(200, { ok: false, error: 'invalid_form_data' });
    if (def.auth !== false) {
      const authError = checkToken(token, presented, ws.now());
      if (authError) return answer(200, { ok: false, error: authError });
      const t = token!;
      headers['x-oauth-scopes'] = t.scopes.join(',');
      const accepted = (t.kind === 'app' ? [] : (def.scopes?.[t.kind] ?? [])).join(',');
      if (accepted) headers['x-accepted-oauth-scopes'] = accepted;
      if (!(def.tokenKinds ?? ['bot', 'user']).includes(t.kind))
        return answer(200, { ok: false, error: 'not_allowed_token_type' });
      const needed = missingScopes(def, t);
      if (needed)
        return answer(200, {
          ok: false,
          error: 'missing_scope',
          needed: needed.join(','),
          provided: t.scopes.join(','),
        });
      if (typeof def.tier === 'number') {
        const wait = sb.rateLimiter.take(`${name}:${t.token}`, tierRule(def.tier, sb.rateLimiter.config), ws.now());
        if (wait > 0)
          return answer(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfterSeconds(wait)) });
      }
    }

    const call: MethodCall = {
      method: name,
      args: parsed.args,
      token,
      workspace: ws,
      baseUrl: sb.url,
      services: sb.services,
      limits: sb.rateLimiter.config,
      ...(parsed.basic ? { basicAuth: parsed.basic } : {}),
      rateLimit(key, rule) {
        const wait = sb.rateLimiter.take(key, perSecondRule(rule, sb.rateLimiter.config), ws.now());
        if (wait > 0) throw new RateLimitedError(retryAfterSeconds(wait));
      },
    };
    try {
      const result = await def.handler(call);
      answer(200, { ok: true, ...result });
    } catch (err) {
      if (err instanceof RateLimitedError)
        return answer(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(err.retryAfterSeconds) });
      if (err instanceof SlackApiError) {
        if (!possibleErrors(def).includes(err.error)) {
          // A handler answered an error it does not declare: a sandbox bug, made loud.
          return answer(500, {
            ok: false,
            error: 'fatal_error',
            sandbox_bug: `${name} answered undeclared error ${err.error}`,
          });
        }
        return answer(200, { ok: false, error: err.error, ...err.extra });
      }
      answer(500, { ok: false, error: 'fatal_error' });
      sb.log(`sandbox: ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
}

/** What a `channel` argument resolves to, so a fault armed for `C…` also hits `#name`. */
function channelAliases(sb: Sandbox, channel: string, token: SandboxToken | undefined): string[] {
  const ch = sb.workspace.resolveChannel(channel, token?.user_id ?? sb.workspace.app.bot_user_id);
  return ch ? [ch.id, ch.name] : [];
}

/** Answer (or drop) a request the way an armed fault says; `lost_response` and `late_commit` are handled by the caller. */
export function applyFault(fault: FaultSpec, req: IncomingMessage, res: ServerResponse): void {
  switch (fault.kind) {
    case 'http_error': {
      const status = fault.status ?? 500;
      sendText(res, status, `<html><body><h1>${status} Server Error</h1></body></html>`, 'text/html; charset=utf-8');
      return;
    }
    case 'reset':
      req.socket.destroy();
      return;
    case 'timeout': {
      // Hold the request unanswered; the sandbox's close() destroys held sockets so shutdown stays quick.
      const timer = setTimeout(() => req.socket.destroy(), fault.hold_ms ?? 30_000);
      timer.unref();
      req.socket.once('close', () => clearTimeout(timer));
      return;
    }
    case 'rate_limited':
      sendJson(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(fault.retry_after ?? 1) });
      return;
    case 'slack_error':
      sendJson(res, 200, { ok: false, error: fault.error ?? 'fatal_error' });
      return;
    case 'error_body':
      sendText(res, 200, fault.error ?? 'invalid_payload');
      return;
    default:
      return;
  }
}
