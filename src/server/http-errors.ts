/**
 * How the API answers errors: every 4xx/5xx is `{ error: { code, message, fix? } }`. A RunwireError's
 * code picks the status (pure `statusForCode`); Fastify's own errors (validation, malformed or too large
 * bodies, wrong content type) are worded here; anything else is a 500 that names only the request id,
 * never a stack or an internal message.
 */
import { type ErrorCode, RunwireError } from '../core/errors.js';

/** An error the API means to answer with a given status. */
export class HttpError extends RunwireError {
  readonly status: number;
  /** Extra fields of the error object (e.g. `issues` of an invalid runbook). */
  readonly extra: Record<string, unknown> | undefined;

  constructor(
    status: number,
    code: ErrorCode,
    message: string,
    opts: { fix?: string; extra?: Record<string, unknown> } = {},
  ) {
    super(code, message, opts.fix === undefined ? {} : { fix: opts.fix });
    this.status = status;
    this.extra = opts.extra;
  }
}

export interface ErrorBody {
  error: { code: string; message: string; fix?: string; [extra: string]: unknown };
}

/** Codes that mean "what you sent cannot be used" (a bad token, URL, id, or a field the kind lacks). */
const INPUT_CODES = new Set([
  'runwire.slack_users.bad_subject',
  'runwire.slack_users.bad_role',
  'runwire.cli.bad_arguments',
  'runwire.slack.bad_token',
  'runwire.slack.bad_url',
  'runwire.slack.bad_webhook_url',
  'runwire.slack.bad_client_id',
  'runwire.slack.bad_redirect_url',
  'runwire.slack.bad_connection_name',
  'runwire.slack.token_invalid',
  'runwire.slack.auth_test_failed',
]);

/** Codes that mean "this connection cannot do that as it is set up" (its kind, its redirect URL). */
const CONFLICT_CODES = new Set([
  'runwire.slack.not_oauth_app',
  'runwire.slack.oauth.redirect_elsewhere',
  'runwire.slack.oauth.port_in_use',
  'runwire.slack.oauth.cannot_listen',
  'runwire.slack.oauth.https_redirect',
]);

/** The HTTP status of a RunwireError code that is not an HttpError. */
export function statusForCode(code: string): number {
  if (/[._]not_found$/.test(code)) return 404;
  if (code === 'runwire.runbook.invalid' || code === 'runwire.run.unknown_var' || code.startsWith('runwire.var.'))
    return 422;
  if (
    code === 'runwire.task.bad_action' ||
    code === 'runwire.task.already_decided' ||
    code === 'runwire.run.not_cancellable' ||
    code === 'runwire.run.finished' ||
    code === 'runwire.run.busy' ||
    code.endsWith('.exists') ||
    code.endsWith('.conflict')
  )
    return 409;
  if (INPUT_CODES.has(code)) return 422;
  if (CONFLICT_CODES.has(code)) return 409;
  if (code === 'runwire.slack.unreachable' || code === 'runwire.slack.sandbox_not_running') return 502;
  if (code.startsWith('runwire.connection.') || code.startsWith('runwire.oauth.')) return 400;
  if (code.startsWith('runwire.store.')) return 503;
  return 500;
}

/** Fastify's framework errors carry a `code` like `FST_ERR_CTP_INVALID_MEDIA_TYPE` and a `statusCode`. */
interface FrameworkError {
  code?: string;
  statusCode?: number;
  message?: string;
  validation?: Array<{ instancePath?: string; message?: string; params?: Record<string, unknown> }>;
  validationContext?: string;
}

/** Map anything thrown in a request to a status and the error body. Pure. */
export function toErrorResponse(err: unknown, requestId: string): { status: number; body: ErrorBody } {
  if (err instanceof HttpError) {
    return { status: err.status, body: { error: { ...bodyOf(err), ...(err.extra ?? {}) } } };
  }
  if (err instanceof RunwireError) {
    const status = statusForCode(err.code);
    if (status < 500) return { status, body: { error: bodyOf(err) } };
    return internal(requestId, err.code);
  }
  const fe = (typeof err === 'object' && err !== null ? err : {}) as FrameworkError;
  if (fe.validation) {
    const where = fe.validationContext ?? 'request';
    const first = fe.validation[0];
    const field = first?.instancePath ? first.instancePath.replace(/^\//, '').replaceAll('/', '.') : '';
    const extra = first?.params?.additionalProperty ? ` "${String(first.params.additionalProperty)}"` : '';
    const message = `Invalid ${where}${field ? ` field "${field}"` : ''}: ${first?.message ?? 'does not match its schema'}${extra}.`;
    return {
      status: 400,
      body: { error: { code: 'runwire.http.invalid_request', message, fix: 'See the API docs at /api/docs.' } },
    };
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return bad(400, 'runwire.http.malformed_body', `The request body is not valid JSON: ${fe.message ?? ''}`);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return bad(413, 'runwire.http.body_too_large', 'The request body is larger than the limit (5 MB).');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return bad(
        415,
        'runwire.http.unsupported_media_type',
        'This content type is not accepted here.',
        'Send application/json (or application/yaml for runbooks).',
      );
    case 'FST_ERR_BAD_URL':
      return bad(
        400,
        'runwire.http.bad_path',
        'The URL path is not valid percent-encoded UTF-8.',
        'Percent-encode each path segment (encodeURIComponent).',
      );
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return bad(414, 'runwire.http.path_too_long', 'A path parameter is longer than 100 characters.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return bad(400, 'runwire.http.malformed_body', 'The Content-Length does not match the body.');
  }
  if (err instanceof SyntaxError || (fe.statusCode === 400 && /JSON/i.test(fe.message ?? ''))) {
    return bad(400, 'runwire.http.malformed_body', 'The request body is not valid JSON.');
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return bad(fe.statusCode, 'runwire.http.bad_request', fe.message ?? 'Bad request.');
  }
  return internal(requestId);
}

function bodyOf(err: RunwireError): ErrorBody['error'] {
  return { code: err.code, message: err.message, ...(err.fix ? { fix: err.fix } : {}) };
}

function bad(status: number, code: string, message: string, fix?: string): { status: number; body: ErrorBody } {
  return { status, body: { error: { code, message, ...(fix ? { fix } : {}) } } };
}

function internal(requestId: string, code = 'runwire.internal'): { status: number; body: ErrorBody } {
  return {
    status: 500,
    body: {
      error: {
        code,
        message: `Internal error (request ${requestId}).`,
        fix: 'The server log has the details under this request id.',
      },
    },
  };
}
