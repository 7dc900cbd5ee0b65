/**
 * `http`: call a URL and check the status. Output `{ status, body }`, the body parsed when it is
 * JSON and cut at 64 KiB otherwise. 5xx, 429, timeouts and network errors are retryable; any
 * other unexpected status is not. Not run in rehearsal unless the task says `rehearsal: run`.
 *
 * Idempotency: the contract has one flag per type, and a POST may not be safe to repeat, so the
 * type says `idempotent: false` even though GET/HEAD calls would be; after a crash an interrupted
 * http task is failed for the operator to retry rather than silently called twice.
 */
import { Type } from '../core/typebox.js';
import { defineTaskType, type TaskContext } from '../core/task-type.js';
import { RunwireError } from '../core/errors.js';
import { parseDuration } from '../core/duration.js';
import { Duration } from '../core/runbook-schema.js';
import { jsonDeeperThan, MAX_JSON_DEPTH } from '../core/json-depth.js';
import { hasUrlCredentials, redactUrlCredentials } from '../core/redact.js';
import { checkPort } from './http-ports.js';
import {
  checkLiteralHost,
  guardLookup,
  MAX_REDIRECTS,
  REDIRECT_POLICIES,
  type RedirectPolicy,
  redirectDecision,
} from './http-guard.js';

/** Largest response body kept in the task output, in bytes. */
export const MAX_BODY_BYTES = 64 * 1024;
const DEFAULT_TIMEOUT = '30s';
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const Status = Type.Integer({ minimum: 100, maximum: 599 });

export const HttpInput = Type.Object(
  {
    url: Type.String({
      minLength: 1,
      title: 'URL',
      description: 'The http(s) URL to call; templates allowed.',
    }),
    method: Type.Optional(
      Type.Union(
        METHODS.map((m) => Type.Literal(m)),
        {
          'x-hint': `method must be one of ${METHODS.join(', ')}`,
          title: 'Method',
          description: 'The HTTP method.',
          default: 'GET',
        },
      ),
    ),
    headers: Type.Optional(
      Type.Record(Type.String(), Type.String({ 'x-hint': 'header values are strings (quote numbers)' }), {
        title: 'Headers',
        description: 'Request headers, name → value (strings; templates allowed).',
      }),
    ),
    body: Type.Optional(
      Type.Unknown({
        title: 'Body',
        description: 'The request body: a string is sent as is, anything else as JSON.',
      }),
    ),
    expect_status: Type.Optional(
      Type.Union([Status, Type.Array(Status, { minItems: 1 })], {
        'x-hint': 'expect_status is a status code (100-599) or a list of them',
        title: 'Expected status',
        description: 'The status code, or list of codes, that count as success; any 2xx when not given.',
      }),
    ),
    timeout: Type.Optional(
      Duration({
        title: 'Timeout',
        description: 'How long the whole request may take before it fails (retryable).',
        default: DEFAULT_TIMEOUT,
        format: 'duration-positive',
      }),
    ),
    follow_redirects: Type.Optional(
      Type.Union(
        REDIRECT_POLICIES.map((p) => Type.Literal(p)),
        {
          'x-hint': `follow_redirects must be one of ${REDIRECT_POLICIES.join(', ')}`,
          title: 'Follow redirects',
          description:
            'Which redirects to follow: same-origin (the default), any (also other hosts), or none (a 3xx is the answer).',
          default: 'same-origin',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

export interface HttpTypeDeps {
  /**
   * The fetch to use. By default undici's fetch with a connector that refuses link-local and
   * metadata addresses at connect time (see `http-guard.ts`); an injected fetch gets only the
   * check of literal addresses in the URL.
   */
  fetch?: typeof fetch;
  /** Allow link-local and cloud metadata addresses (env `RUNWIRE_HTTP_ALLOW_LINK_LOCAL=1`). */
  allowLinkLocal?: boolean;
}

/** The URL without query and credentials, safe to log (queries often carry tokens). */
export function safeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** The warning for credentials written into an http task's URL, shown by validate and check. */
export const URL_CREDENTIALS_WARNING = {
  code: 'runwire.http.url_credentials',
  message: 'the url holds credentials (user:password@); they end up in the runbook file and the run record',
  fix: 'pass them in a header from a var instead, e.g. headers: { Authorization: "Basic {{vars.token}}" } with --var token=…',
} as const;

export function createHttpType(deps: HttpTypeDeps = {}) {
  return defineTaskType({
    type: 'http',
    title: 'HTTP request',
    description:
      'Call a URL and check the status; the output holds the status and the body (parsed when JSON). Skipped in rehearsal unless the task says rehearsal: run.',
    icon: 'globe',
    input: HttpInput,
    rehearsal: 'skip',
    idempotent: false,
    retry: { attempts: 3, backoffMs: 1000, maxBackoffMs: 30_000 },
    async preview(input, ctx) {
      ctx.log.info(`would call ${input.method ?? 'GET'} ${safeUrl(parseUrl(input.url))}`);
    },
    warnings(input) {
      return hasUrlCredentials(input.url) ? [{ ...URL_CREDENTIALS_WARNING, severity: 'warning' as const }] : [];
    },
    async run(input, ctx) {
      return callHttp(input, ctx, deps.fetch ?? (await guardedFetch()), deps.allowLinkLocal === true);
    },
  });
}

/** The `http` type with the global fetch. */

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RunwireError('runwire.http.bad_url', `not a valid URL: "${redactUrlCredentials(text)}"`, {
      fix: 'use an absolute http:// or https:// URL',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RunwireError('runwire.http.bad_url', `unsupported URL scheme "${url.protocol}"`, {
      fix: 'use an http:// or https:// URL',
    });
  }
  return url;
}

type Input = {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  expect_status?: number | number[];
  timeout?: string;
  follow_redirects?: RedirectPolicy;
};

let guarded: Promise<typeof fetch> | undefined;

/** undici's fetch over an Agent whose connector refuses link-local addresses (loaded on first use). */
function guardedFetch(): Promise<typeof fetch> {
  guarded ??= import('undici').then(({ Agent, fetch: undiciFetch }) => {
    const dispatcher = new Agent({ connect: { lookup: guardLookup() } });
    const allowed = new Agent();
    return ((input: URL, init: RequestInit & { allowLinkLocal?: boolean }) =>
      undiciFetch(input, {
        ...(init as object),
        dispatcher: init.allowLinkLocal ? allowed : dispatcher,
      } as never)) as unknown as typeof fetch;
  });
  return guarded;
}

/**
 * The request's URL without user-info, and the Basic Authorization header that user-info stands for
 * (what curl does; fetch refuses URLs with credentials). A task's own Authorization header wins.
 */
function splitCredentials(url: URL, headers: Headers): URL {
  if (!url.username && !url.password) return url;
  const bare = new URL(url);
  bare.username = '';
  bare.password = '';
  if (!headers.has('authorization')) {
    const pair = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.set('authorization', `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`);
  }
  return bare;
}

async function callHttp(input: Input, ctx: TaskContext, doFetch: typeof fetch, allowLinkLocal: boolean) {
  let url = parseUrl(input.url);
  let method = input.method ?? 'GET';
  const where = `${method} ${safeUrl(url)}`;
  const timeoutMs = parseDuration(input.timeout ?? DEFAULT_TIMEOUT);
  const policy = input.follow_redirects ?? 'same-origin';
  const headers = new Headers(input.headers ?? {});
  url = splitCredentials(url, headers);
  let body: string | undefined;
  if (typeof input.body === 'string') body = input.body;
  else if (input.body !== undefined) {
    body = JSON.stringify(input.body);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  const timeout = AbortSignal.timeout(timeoutMs);
  let res: Response;
  let text: string;
  let truncated: boolean;
  try {
    for (let hop = 0; ; hop++) {
      if (!allowLinkLocal) checkLiteralHost(url);
      checkPort(url, hop === 0 ? where : `${where} (redirected to ${safeUrl(url)})`);
      res = await doFetch(url, {
        method,
        headers,
        redirect: 'manual',
        ...(body !== undefined ? { body } : {}),
        signal: AbortSignal.any([ctx.signal, timeout]),
        ...(allowLinkLocal ? { allowLinkLocal: true } : {}),
      });
      const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
      if (location === null || policy === 'none') break;
      await res.body?.cancel();
      const next = new URL(location, url);
      const decision = redirectDecision(url, next, policy);
      if (decision !== 'follow') throw redirectRefused(where, next, decision);
      if (hop + 1 >= MAX_REDIRECTS) {
        throw new RunwireError(
          'runwire.http.too_many_redirects',
          `${where} redirected more than ${MAX_REDIRECTS} times`,
        );
      }
      if (next.origin !== url.origin) {
        // As fetch does: credentials meant for one origin are not sent to another.
        headers.delete('authorization');
        headers.delete('cookie');
      }
      // 303, and 301/302 after a POST, turn into a GET without a body (as browsers and fetch do).
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        if (method !== 'HEAD') method = 'GET';
        body = undefined;
        headers.delete('content-type');
      }
      ctx.log.info(`${where} → ${res.status}, following to ${safeUrl(next)}`);
      url = next;
    }
    ({ text, truncated } = await readCapped(res));
  } catch (err) {
    if (err instanceof RunwireError) throw err;
    const blocked = (err as { cause?: unknown }).cause;
    if (blocked instanceof RunwireError) throw blocked;
    if (ctx.signal.aborted) throw new RunwireError('runwire.aborted', `${where} was interrupted`, { cause: err });
    if (timeout.aborted) {
      throw new RunwireError('runwire.http.timeout', `${where} timed out after ${input.timeout ?? DEFAULT_TIMEOUT}`, {
        retryable: true,
        cause: err,
      });
    }
    const reason = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new RunwireError(
      'runwire.http.network',
      `${where} failed: ${redactUrlCredentials(String(reason?.code ?? reason?.message ?? (err as Error).message))}`,
      {
        retryable: true,
        cause: err,
        fix: `check that a server is listening at ${url.host} and reachable from the Runwire host (DNS, firewall, proxy)`,
      },
    );
  }
  const expected = input.expect_status === undefined ? undefined : ([] as number[]).concat(input.expect_status);
  const ok = expected ? expected.includes(res.status) : res.status >= 200 && res.status < 300;
  ctx.log.info(`${where} → ${res.status}`);
  if (!ok) {
    const want = expected ? expected.join(' or ') : '2xx';
    const snippet = text.length > 200 ? `${text.slice(0, 200)}…` : text;
    const message = `${where} returned ${res.status}, expected ${want}${snippet ? `: ${snippet}` : ''}`;
    if (res.status >= 500 || res.status === 429) {
      throw new RunwireError(res.status === 429 ? 'runwire.http.rate_limited' : 'runwire.http.server_error', message, {
        retryable: true,
      });
    }
    throw new RunwireError('runwire.http.unexpected_status', message, {
      fix: expected ? undefined : 'if this status is fine, list it in expect_status',
    });
  }
  return {
    status: 'succeeded' as const,
    output: {
      status: res.status,
      body: decodeBody(text, truncated, res.headers.get('content-type'), where),
      ...(truncated ? { truncated: true } : {}),
    },
  };
}

function redirectRefused(where: string, to: URL, why: 'scheme' | 'origin' | 'none'): RunwireError {
  if (why === 'scheme') {
    return new RunwireError(
      'runwire.http.redirect_refused',
      `${where} redirected to a ${to.protocol} URL; only http and https are followed`,
    );
  }
  return new RunwireError(
    'runwire.http.redirect_refused',
    `${where} redirected to another origin (${to.origin}); only same-origin redirects are followed`,
    {
      fix: `if ${to.origin} is expected, add follow_redirects: any to the task (or none to take the 3xx as the answer)`,
    },
  );
}

/** Read at most MAX_BODY_BYTES of the body, then stop reading. */
async function readCapped(res: Response): Promise<{ text: string; truncated: boolean }> {
  if (!res.body) return { text: '', truncated: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      truncated = true;
      await reader.cancel();
      break;
    }
  }
  const buf = Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES);
  return { text: buf.toString('utf8'), truncated };
}

function decodeBody(text: string, truncated: boolean, contentType: string | null, where: string): unknown {
  const looksJson = /json/i.test(contentType ?? '') || /^\s*[[{]/.test(text);
  if (!truncated && looksJson && text.trim() !== '') {
    if (jsonDeeperThan(text, MAX_JSON_DEPTH)) {
      throw new RunwireError(
        'runwire.http.too_deep',
        `${where} answered JSON nested more than ${MAX_JSON_DEPTH} levels deep; Runwire does not keep such a body`,
        { fix: 'check that the URL is the API you meant; a real API answer is never nested this deep' },
      );
    }
    try {
      return JSON.parse(text);
    } catch {
      // Not JSON after all: keep the text.
    }
  }
  return text;
}
