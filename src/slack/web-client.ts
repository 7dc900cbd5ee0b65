/**
 * The one place Runwire makes `@slack/web-api` clients: pointed at a connection's API root, quiet by
 * default, and with a logger that masks anything shaped like a token or webhook URL, so SDK log
 * lines can never leak a secret.
 */
import { type LogLevel, WebClient, type Logger } from '@slack/web-api';
import { RunwireError } from '../core/errors.js';
import { redactSecrets } from './secret-box.js';
import type { ResolvedConnection } from './connections/types.js';

/** Where SDK log lines go (already redacted). Absent: dropped. */
export type SlackLogSink = (level: 'debug' | 'info' | 'warn' | 'error', line: string) => void;

export interface CreateWebClientOptions {
  /** Which of the connection's tokens to use; default the bot token, else the user token. */
  token?: 'bot' | 'user';
  /** SDK retries for network errors, 5xx and 429 (default 3; the slack.message task uses 0). */
  retries?: number;
  /** Per-request timeout in ms (default 30 000). */
  timeoutMs?: number;
  /** Throw on HTTP 429 instead of waiting `Retry-After` and retrying. */
  rejectRateLimitedCalls?: boolean;
  /** Receives SDK log lines with secrets masked; default: none are printed. */
  log?: SlackLogSink;
  /** Lowest level passed to `log` (default warn). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

const ORDER = ['debug', 'info', 'warn', 'error'] as const;

/** A `@slack/logger` Logger that redacts and forwards to a sink (or nowhere). */
export function redactingLogger(
  sink: SlackLogSink | undefined,
  level: 'debug' | 'info' | 'warn' | 'error' = 'warn',
): Logger {
  let min = ORDER.indexOf(level);
  let name = 'slack';
  const emit = (lvl: (typeof ORDER)[number], msg: unknown[]) => {
    if (!sink || ORDER.indexOf(lvl) < min) return;
    const text = msg.map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : safeJson(m))).join(' ');
    sink(lvl, redactSecrets(`${name}: ${text}`));
  };
  return {
    debug: (...m: unknown[]) => emit('debug', m),
    info: (...m: unknown[]) => emit('info', m),
    warn: (...m: unknown[]) => emit('warn', m),
    error: (...m: unknown[]) => emit('error', m),
    setLevel: (l: LogLevel) => {
      min = Math.max(0, ORDER.indexOf(l as (typeof ORDER)[number]));
    },
    getLevel: () => ORDER[min] as LogLevel,
    setName: (n: string) => {
      name = n;
    },
  };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

function clientOptions(apiUrl: string, opts: CreateWebClientOptions) {
  return {
    slackApiUrl: apiUrl,
    logger: redactingLogger(opts.log, opts.logLevel),
    logLevel: (opts.logLevel ?? 'warn') as LogLevel,
    retryConfig: { retries: opts.retries ?? 3, factor: 2, minTimeout: 500, maxTimeout: 10_000, randomize: true },
    timeout: opts.timeoutMs ?? 30_000,
    rejectRateLimitedCalls: opts.rejectRateLimitedCalls ?? false,
    // Never follow a method name given as an absolute URL: every call stays on the connection's host.
    allowAbsoluteUrls: false,
  };
}

/** A WebClient for a resolved connection, authenticated with its bot (or user) token. */
export function createWebClient(conn: ResolvedConnection, opts: CreateWebClientOptions = {}): WebClient {
  const token =
    opts.token === 'user' ? conn.userToken : opts.token === 'bot' ? conn.botToken : (conn.botToken ?? conn.userToken);
  if (!token) {
    const which = opts.token === 'user' ? 'user (xoxp-)' : opts.token === 'bot' ? 'bot (xoxb-)' : 'bot or user';
    throw new RunwireError('runwire.slack.no_token', `connection ${conn.name} has no ${which} token`, {
      fix:
        opts.token === 'user'
          ? conn.kind === 'oauth_app'
            ? `posting as a user (as_user: true) needs a user token (xoxp-): ask for user scopes: runwire connection authenticate ${conn.name} --user-scopes chat:write`
            : `posting as a user (as_user: true) needs a user token (xoxp-…): add one as its own connection (runwire connection add NAME --token xoxp-…) and name it in the task's connection:, or drop as_user`
          : conn.kind === 'oauth_app'
            ? `authenticate it first: runwire connection authenticate ${conn.name}`
            : `add a connection with a token: runwire connection add NAME --token xoxb-…`,
    });
  }
  return new WebClient(token, clientOptions(conn.apiUrl, opts));
}

/** A WebClient without a token, for `oauth.v2.access` (client credentials go in the call). */
export function createAnonymousWebClient(apiUrl: string, opts: CreateWebClientOptions = {}): WebClient {
  return new WebClient(undefined, clientOptions(apiUrl, opts));
}

/** What went wrong in a Slack SDK call, reduced to values safe to show. */
export interface SlackFailure {
  /** `platform` (ok:false), `rate_limited`, `http` (non-200), `request` (network), `other`. */
  kind: 'platform' | 'rate_limited' | 'http' | 'request' | 'other';
  /** Slack's error code for platform errors (`invalid_auth`, `missing_scope`…). */
  error?: string;
  /** `needed` / `provided` scopes of a missing_scope error. */
  needed?: string;
  provided?: string;
  statusCode?: number;
  retryAfterSec?: number;
  /** A message without secrets. */
  message: string;
}

/** Classify an error thrown by `@slack/web-api` (see its `ErrorCode`). */
export function slackFailureOf(err: unknown): SlackFailure {
  const e = err as {
    code?: string;
    data?: Record<string, unknown>;
    statusCode?: number;
    retryAfter?: number;
    message?: string;
    original?: { message?: string };
  };
  const message = redactSecrets(String(e?.message ?? err));
  switch (e?.code) {
    case 'slack_webapi_platform_error': {
      const data = e.data ?? {};
      const out: SlackFailure = { kind: 'platform', error: String(data.error ?? 'unknown_error'), message };
      if (typeof data.needed === 'string') out.needed = data.needed;
      if (typeof data.provided === 'string') out.provided = data.provided;
      return out;
    }
    case 'slack_webapi_rate_limited_error':
      return { kind: 'rate_limited', retryAfterSec: e.retryAfter ?? 1, message };
    case 'slack_webapi_http_error':
      return { kind: 'http', statusCode: e.statusCode ?? 0, message };
    case 'slack_webapi_request_error':
      return { kind: 'request', message: redactSecrets(String(e.original?.message ?? message)) };
    default:
      return { kind: 'other', message };
  }
}
