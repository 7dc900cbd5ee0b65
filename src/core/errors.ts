/**
 * Runwire's typed error: a stable string code (one meaning each), a message a person can act on,
 * an optional fix, and whether retrying can help. Unknown throwables are coerced with `toRunwireError`,
 * keeping the original as `cause`.
 */
/**
 * Every error code Runwire gives, with its one meaning. A code is stable: tests, the HTTP API and
 * operators' scripts match on it. Add a code here before using it (`RunwireError` only takes these,
 * and a unit test checks every code written in `src/`). Slack's own error codes come as families,
 * translated with a message and a fix by the catalogs named below.
 */
export const ERROR_CODES = {
  'runwire.internal': 'A bug or an unexpected failure inside Runwire; the original error is the cause.',
  'runwire.aborted': 'The work was interrupted: the run was cancelled or Runwire is shutting down.',
  'runwire.duration.invalid': 'A duration is not `<number><unit>` parts (250ms, 30s, 2m, 1h30m, 1d).',
  'runwire.template.unknown_reference': 'A `{{…}}` template names a variable or task output that does not exist.',
  'runwire.state.illegal_transition': 'A task status change the state machine does not allow (a bug).',
  'runwire.state.illegal_run_transition': 'A run status change the state machine does not allow (a bug).',
  'runwire.runbook.unreadable': 'The runbook file cannot be read (missing, a directory, no permission).',
  'runwire.runbook.not_found': 'No runbook with this id in the runbook library.',
  'runwire.runbook.bad_id': 'A runbook id that is not letters, digits, - and _.',
  'runwire.cli.server_unreachable': 'The Runwire server (--server / RUNWIRE_SERVER) cannot be reached.',
  'runwire.http.error': 'The Runwire server answered an error without a code this Runwire knows.',
  'runwire.cli.bad_var': 'A `--var` flag is not `name=value` with a valid name.',
  'runwire.cli.bad_option': 'A command-line option has a value it does not accept.',
  'runwire.cli.bad_arguments': 'A command was given a combination of arguments it cannot use.',
  'runwire.cli.bad_port': 'A `--port` is not a port number.',
  'runwire.cli.empty_secret': 'A secret given as `-` read nothing from stdin.',
  'runwire.run.not_found': 'No run with this id in the data dir (or database).',
  'runwire.run.busy': 'Another live Runwire process holds the run (its lease).',
  'runwire.run.finished': 'The run is finished; there is nothing to continue.',
  'runwire.run.not_cancellable': 'The run is finished, so it cannot be cancelled.',
  'runwire.task.not_found': 'The run has no task with this id.',
  'runwire.task.bad_action': 'An operator action (complete, skip, retry) does not apply to the task in its status.',
  'runwire.task.unknown_type': 'A task type this Runwire does not have.',
  'runwire.task.rejected': 'A person rejected the task (an approval in Slack, or an operator failing a waiting task).',
  'runwire.task.already_decided': 'Someone else decided the task first (approved, rejected, completed or skipped it).',
  'runwire.task.approval_timeout':
    'Nobody approved or rejected the task before its `timeout` (with `on_timeout: fail`).',
  'runwire.approval.bad_reference':
    'An approval button whose value is not a reference this Runwire signed (forged or from another data dir).',
  'runwire.approval.not_approver': 'The person who clicked is not an approver of the task.',
  'runwire.slack_users.bad_subject': 'A Slack user mapping names no person or user group (@handle, U…, S…).',
  'runwire.slack_users.bad_role': 'A Slack user mapping names a role Runwire does not have (viewer, operator, admin).',
  'runwire.slack_users.not_found': 'No Slack user mapping for this person or user group.',
  'runwire.approval.lookup_failed':
    "The approvers' people or user groups could not be listed in Slack (scope, network).",
  'runwire.approval.unknown_approver': 'An approver (@handle or user group) that the Slack workspace does not have.',
  'runwire.task.bad_output': 'A task type returned no valid result, or an output that cannot be stored as JSON.',
  'runwire.engine.interrupted': 'The task was running when its process stopped and is not safe to repeat.',
  'runwire.preflight.check_failed': "A task type's pre-flight check itself failed (not a problem it found).",
  'runwire.store.lease_lost': 'This process no longer holds the run (taken over after a crash, or cancelled).',
  'runwire.store.bad_schema': 'A PostgreSQL schema name that is not lowercase letters, digits and `_`.',
  'runwire.store.bad_database_url': 'A database URL that is not a PostgreSQL URL.',
  'runwire.store.unavailable': 'The database cannot be opened (down, missing, or the user may not connect).',
  'runwire.store.corrupt': 'The database file is damaged (not a database, or its pages do not check).',
  'runwire.store.read_only':
    'The data dir or database cannot be written by this user (permissions, a read-only mount).',
  'runwire.store.full': 'The disk holding the database is full.',
  'runwire.store.io_error':
    'The operating system failed a read or write of the database (a disk or file system fault).',
  'runwire.store.newer_schema': 'The database was written by a newer Runwire (a migration this one does not know).',
  'runwire.store.bad_row': 'The database holds a value Runwire does not write (another version, or edited by hand).',
  'runwire.http.bad_url': 'An http task URL that is not an absolute http(s) URL.',
  'runwire.http.network': 'An http task could not reach the server (DNS, refused, reset).',
  'runwire.http.bad_port': "An http task URL on a port HTTP clients refuse (fetch's blocked ports: 9, 25, 6000…).",
  'runwire.http.timeout': 'An http task got no answer within its timeout.',
  'runwire.http.rate_limited': 'An http task got 429 Too Many Requests.',
  'runwire.http.server_error': 'An http task got a 5xx answer.',
  'runwire.http.unexpected_status': 'An http task got a status its `expect_status` does not accept.',
  'runwire.http.too_deep': 'An http task got a JSON body nested deeper than Runwire keeps.',
  'runwire.http.url_credentials':
    'An http task URL holds credentials (user:password@); pass them in a header from a var.',
  'runwire.http.redirect_refused':
    'An http task was redirected where its follow_redirects does not allow (another origin, a non-http scheme).',
  'runwire.http.too_many_redirects': 'An http task was redirected more times than Runwire follows.',
  'runwire.http.blocked_address': 'An http task would connect to a link-local or cloud metadata address.',
  'runwire.runbook.invalid': 'The runbook is not valid; its issues name file:line:col, the field and the problem.',
  'runwire.run.unknown_var': 'A run was given a variable its runbook does not declare.',
  'runwire.run.idempotency_mismatch': 'An Idempotency-Key was used before for a different run request.',
  'runwire.connection.exists': 'A Slack connection with this name exists already (API create).',
  'runwire.connection.not_found': 'No Slack connection with this name (API delete).',
  'runwire.token.not_found': 'No API token with this name.',
  'runwire.token.exists': 'An API token with this name exists already.',
  'runwire.auth.unauthorized': 'The API request carries no valid token or session.',
  'runwire.auth.forbidden': "The API token's role does not allow this request.",
  'runwire.auth.bad_origin': 'A cookie-authenticated API request from another origin (refused against CSRF).',
  'runwire.http.not_found': 'No API route at this path and method.',
  'runwire.http.invalid_request': 'An API request that does not match the route schema.',
  'runwire.http.malformed_body': 'An API request body that is not valid JSON (or does not match its Content-Length).',
  'runwire.http.body_too_large': 'An API request body larger than the limit.',
  'runwire.http.unsupported_media_type': 'An API request body of a content type the API does not take.',
  'runwire.http.bad_request': 'An API request the server cannot read (another 4xx from the HTTP layer).',
  'runwire.http.malformed_request':
    'An HTTP request the server cannot parse (bad request line or headers, a repeated Content-Length).',
  'runwire.http.headers_too_large': 'An HTTP request whose headers are larger than the server accepts.',
  'runwire.http.request_timeout': 'An HTTP request that did not arrive whole in time.',
  'runwire.http.bad_path': 'An API path that cannot be decoded (bad percent-encoding).',
  'runwire.http.path_too_long': 'An API path parameter longer than any id Runwire makes.',
  'runwire.secret_key.too_short': 'The secret key (env or key file) is too short to use.',
  'runwire.secret_key.bad_file': 'The secret key file cannot be read or is malformed.',
  'runwire.secret_key.loose_permissions': 'The secret key file can be read by other users (it must be 0600).',
  'runwire.secret_key.mismatch': 'Stored secrets were sealed with another key than the one configured.',
  'runwire.secret_key.tampered': 'A sealed secret failed its integrity check.',
  'runwire.secret_key.missing':
    'The key file (or a passphrase salt) is gone while secrets sealed with it exist; restore it, never replace it.',
  'runwire.sandbox.bad_workspace': 'A sandbox workspace (seed) file is not valid.',
  'runwire.sandbox.workspace_unreadable': 'A sandbox workspace (seed) file cannot be read or parsed.',
  'runwire.sandbox.listen_failed': 'The sandbox cannot listen on its port.',
  'runwire.slack.bad_state': "A slack.message task's saved delivery state is not one Runwire writes.",
  'runwire.slack.bad_connection_name': 'A connection name with characters other than letters, digits, - and _.',
  'runwire.slack.connection_exists': 'A connection with this name exists already.',
  'runwire.slack.connection_busy': 'Another process held the connection (refreshing its token) for too long.',
  'runwire.slack.connection_not_found': 'No Slack connection with this name.',
  'runwire.slack.no_connections': 'No Slack connection is configured.',
  'runwire.slack.bad_token': 'A token that is not a Slack token of the expected kind (xoxb-, xoxp-, …).',
  'runwire.slack.bad_url': 'A Slack URL (API base) that is not a valid http(s) URL.',
  'runwire.slack.bad_webhook_url': 'An incoming webhook URL that is not a hooks.slack.com-style URL.',
  'runwire.slack.bad_client_id': 'An OAuth client id that is not a Slack client id.',
  'runwire.slack.bad_redirect_url': 'An OAuth redirect URL that is not a valid http(s) URL.',
  'runwire.slack.not_oauth_app': 'The connection is not an OAuth app (or has no client secret).',
  'runwire.slack.no_token': 'The connection has no token of the kind the task needs.',
  'runwire.slack.no_webhook': 'The connection has no incoming webhook URL.',
  'runwire.slack.not_authenticated': 'The OAuth app connection has not been installed yet (no tokens).',
  'runwire.slack.token_expired': 'The token has expired and could not be refreshed.',
  'runwire.slack.token_invalid': 'Slack does not accept the token (revoked or wrong).',
  'runwire.slack.auth_test_failed': 'auth.test did not confirm the token.',
  'runwire.slack.unreachable': 'Slack (or the configured Slack URL) cannot be reached.',
  'runwire.slack.sandbox_not_running':
    'Nothing listens at the loopback URL a connection points at (a stopped sandbox): nothing was sent; not retried.',
  'runwire.slack.network_error': 'A call to Slack failed in transit (refused, reset, DNS); it may be retried.',
  'runwire.slack.internal': 'An unexpected failure while delivering a Slack message.',
  'runwire.slack.check_failed': 'The slack.message pre-flight itself failed (not a problem it found).',
  'runwire.slack.missing_scope': 'The token lacks a scope the task needs.',
  'runwire.slack.at_least_once':
    'Delivery cannot be exactly once (no history scope, or a webhook): a crash may repeat it.',
  'runwire.slack.cannot_check_membership': 'The pre-flight cannot check channel membership (no read scope).',
  'runwire.slack.bad_channel': 'A `channel:` that is not a channel id, #name, user id, @handle or e-mail.',
  'runwire.slack.bad_blocks': 'Block Kit `blocks` that are not a list of blocks.',
  'runwire.slack.no_channel': 'The task names no channel and its connection is not a webhook.',
  'runwire.slack.user_not_found': 'No Slack user with this handle or e-mail that the connection can see.',
  'runwire.slack.no_parent_message': 'The task to reply to or edit has no sent message.',
  'runwire.slack.webhook_unsupported':
    'A webhook connection cannot do what the task asks (thread, update, as_user, …).',
  'runwire.slack.webhook_channel_mismatch': "The task's channel is not the webhook's channel.",
  'runwire.slack.webhook_channel_unknown':
    'The webhook connection does not know its channel, so `channel:` cannot be checked.',
  'runwire.slack.webhook_outcome_unknown':
    'A webhook post got no usable answer; it cannot be looked up, so it is not repeated.',
  'runwire.slack.request.missing_secret': 'A Slack request cannot be verified: no signing secret is configured.',
  'runwire.slack.request.missing_headers': 'A Slack request without X-Slack-Signature or X-Slack-Request-Timestamp.',
  'runwire.slack.request.bad_format': 'A Slack request whose signing headers are malformed or repeated.',
  'runwire.slack.request.stale': 'A Slack request signed more than 5 minutes ago (a replay, or a slow clock).',
  'runwire.slack.request.future': 'A Slack request signed more than 5 minutes in the future (a clock off).',
  'runwire.slack.request.bad_signature': 'A Slack request whose signature does not match its body and the secret.',
  'runwire.slack.request.unknown_app':
    'A Slack request for an app or workspace no connection with a signing secret belongs to.',
  'runwire.slack.request.bad_body': 'A signed Slack request whose body is not the JSON or form Slack sends.',
  'runwire.trigger.not_found': 'No trigger with this runbook and id in the runbook library.',
  'runwire.slack.oauth.access_denied': 'The person installing the app declined it.',
  'runwire.slack.oauth.bad_state': 'The OAuth redirect carried a state this flow did not issue.',
  'runwire.slack.oauth.cannot_listen': 'The local OAuth redirect listener cannot start.',
  'runwire.slack.oauth.https_redirect': 'The redirect URL is https, which the local listener cannot serve.',
  'runwire.slack.oauth.no_code': 'The OAuth redirect carried no code.',
  'runwire.slack.oauth.port_in_use': "The redirect URL's port is taken by another program.",
  'runwire.slack.oauth.timeout': 'No OAuth redirect arrived in time.',
  'runwire.slack.oauth.redirect_elsewhere':
    "The connection's redirect URL is neither this server's /oauth/slack/callback nor a loopback address.",
} as const satisfies Record<string, string>;

/**
 * Code families: Slack's own error codes, each translated with its message, fix and retryability
 * where the catalog knows it (unknown ones keep Slack's code).
 */
export const ERROR_CODE_FAMILIES = {
  'runwire.slack.': 'A Slack Web API error, `runwire.slack.<slack error>` (src/slack/delivery/error-catalog.ts).',
  'runwire.slack.webhook_': 'An incoming webhook error (src/slack/delivery/webhook-errors.ts).',
  'runwire.slack.oauth.': 'An OAuth error from Slack (src/slack/connections/oauth-errors.ts).',
} as const;

/** A code Runwire gives: one of `ERROR_CODES`, or one of Slack's own in a family. */
export type ErrorCode = keyof typeof ERROR_CODES | `runwire.slack.${string}`;

/** Whether a string read from outside (an API answer) is a code this Runwire knows. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && (Object.hasOwn(ERROR_CODES, code) || code.startsWith('runwire.slack.'));
}

export class RunwireError extends Error {
  /** Stable code such as `runwire.slack.missing_scope`. */
  readonly code: ErrorCode;
  /** What the operator should do about it, when there is something to do. */
  readonly fix: string | undefined;
  /** True when the same call may succeed later (network, 5xx, rate limit). */
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, opts: { fix?: string; retryable?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'RunwireError';
    this.code = code;
    this.fix = opts.fix;
    this.retryable = opts.retryable ?? false;
  }

  toJSON(): { code: ErrorCode; message: string; fix?: string; retryable: boolean } {
    return {
      code: this.code,
      message: this.message,
      ...(this.fix ? { fix: this.fix } : {}),
      retryable: this.retryable,
    };
  }
}

/** Coerce anything thrown into a RunwireError, keeping the original as `cause`. */
export function toRunwireError(err: unknown, fallbackCode: ErrorCode = 'runwire.internal'): RunwireError {
  if (err instanceof RunwireError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new RunwireError(fallbackCode, message, { cause: err });
}
