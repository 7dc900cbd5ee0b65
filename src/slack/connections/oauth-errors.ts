/**
 * Slack's OAuth and auth errors turned into Runwire errors that say what to do. Pure: takes Slack's
 * error code and the connection's (non-secret) settings.
 */
import { RunwireError } from '../../core/errors.js';

export interface OAuthErrorContext {
  name: string;
  clientId?: string;
  redirectUrl?: string;
}

/** An `oauth.v2.access` failure (code exchange or refresh). */
export function oauthAccessError(error: string, ctx: OAuthErrorContext): RunwireError {
  const readd = `runwire connection remove ${ctx.name}, then runwire connection add ${ctx.name} --client-id ID --client-secret SECRET`;
  const again = `run runwire connection authenticate ${ctx.name} again`;
  const table: Record<string, [string, string]> = {
    invalid_client_id: [
      `Slack does not know the client id ${ctx.clientId ?? ''} of connection ${ctx.name}`,
      `copy the Client ID from your app's Basic Information page and re-add the connection: ${readd}`,
    ],
    bad_client_secret: [
      `Slack rejected the client secret of connection ${ctx.name}`,
      `copy the Client Secret from your app's Basic Information page and re-add the connection: ${readd}`,
    ],
    invalid_code: [`the authorization code is invalid, has expired or was already used`, again],
    code_already_used: [`the authorization code was already used`, again],
    bad_redirect_uri: [
      `the redirect URL ${ctx.redirectUrl ?? ''} does not match the one the authorization began with`,
      `add ${ctx.redirectUrl ?? 'the redirect URL'} under OAuth & Permissions → Redirect URLs, then ${again}`,
    ],
    oauth_authorization_url_mismatch: [`the authorization URL did not match the app's settings`, again],
    invalid_refresh_token: [
      `Slack rejected the stored refresh token of connection ${ctx.name}`,
      `re-authenticate: runwire connection authenticate ${ctx.name}`,
    ],
    invalid_grant_type: [
      `Slack refused the grant type (token rotation may be off for this app)`,
      `re-authenticate: runwire connection authenticate ${ctx.name}`,
    ],
    access_denied: [`the installation was denied`, `approve the app in the browser when you ${again}`],
    team_added_to_org: [`the workspace was added to an Enterprise org`, `reinstall the app and ${again}`],
    cannot_install_an_org_installed_app: [
      `the app is installed org-wide already`,
      `use the org-wide installation's token`,
    ],
    ratelimited: [`Slack rate-limited the token exchange`, `wait a minute, then ${again}`],
    service_unavailable: [`Slack is unavailable`, `try again later`],
  };
  const [msg, fix] = table[error] ?? [`oauth.v2.access failed for connection ${ctx.name}: ${error}`, again];
  const retryable =
    error === 'ratelimited' ||
    error === 'service_unavailable' ||
    error === 'request_timeout' ||
    error === 'fatal_error';
  return new RunwireError(`runwire.slack.oauth.${error.replace(/[^a-z0-9_]/gi, '_')}`, msg, { fix, retryable });
}

/** Errors of a token in use (auth.test, any call) that mean the token itself is no good. */
export const DEAD_TOKEN_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'account_inactive',
  'token_expired',
  'no_permission',
  'ekm_access_denied',
]);

/** A token that Slack no longer accepts: say how to get a new one. */
export function deadTokenError(error: string, ctx: { name: string; kind: string }): RunwireError {
  const how =
    ctx.kind === 'oauth_app'
      ? `re-authenticate: runwire connection authenticate ${ctx.name}`
      : `reinstall the app in Slack (OAuth & Permissions → Reinstall to Workspace) and add its ${ctx.kind === 'user_token' ? 'User OAuth Token (xoxp-…)' : 'Bot User OAuth Token (xoxb-…)'} again: runwire connection update ${ctx.name} --token -`;
  const what =
    error === 'token_revoked'
      ? 'has been revoked'
      : error === 'token_expired'
        ? 'has expired'
        : error === 'account_inactive'
          ? 'belongs to a deactivated account or uninstalled app'
          : `is not accepted (${error})`;
  // Expired is its own code: callers with a refresh token refresh and retry instead of giving up.
  return new RunwireError(
    error === 'token_expired' ? 'runwire.slack.token_expired' : 'runwire.slack.token_invalid',
    `the token of connection ${ctx.name} ${what}`,
    { fix: how },
  );
}
