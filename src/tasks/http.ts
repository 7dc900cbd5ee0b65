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
      }),
    ),
  },
  { additionalProperties: false },
);

export interface HttpTypeDeps {
  /** The fetch to use; global fetch by default. */
  fetch?: typeof fetch;
}

/** The URL without query and credentials, safe to log (queries often carry tokens). */
export function safeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

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
    async run(input, ctx) {
      return callHttp(input, ctx, deps.fetch ?? fetch);
    },
  });
}

/** The `http` type with the global fetch. */

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RunwireError('runwire.http.bad_url', `not a valid URL: "${text}"`, {
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
};

async function callHttp(input: Input, ctx: TaskContext, doFetch: typeof fetch) {
  const url = parseUrl(input.url);
  const method = input.method ?? 'GET';
  const where = `${method} ${safeUrl(url)}`;
  const timeoutMs = parseDuration(input.timeout ?? DEFAULT_TIMEOUT);
  const headers = new Headers(input.headers ?? {});
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
    res = await doFetch(url, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      signal: AbortSignal.any([ctx.signal, timeout]),
    });
    ({ text, truncated } = await readCapped(res));
  } catch (err) {
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
      `${where} failed: ${reason?.code ?? reason?.message ?? (err as Error).message}`,
      {
        retryable: true,
        cause: err,
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
