/**
 * OAuth v2 against Slack through the official client (`WebClient.oauth.v2.access`): exchanging an
 * authorization code and refreshing a rotating token. The response is reduced to an `OAuthGrant`
 * by a pure function so it can be tested without Slack.
 */
import { randomBytes } from 'node:crypto';
import { createAnonymousWebClient, slackFailureOf } from '../web-client.js';
import { RunwireError } from '../../core/errors.js';
import { oauthAccessError, type OAuthErrorContext } from './oauth-errors.js';
import { authorizeUrlOf } from './model.js';

/** What an installation (or a refresh) gave us. Times are epoch ms. */
export interface OAuthGrant {
  teamId?: string;
  teamName?: string;
  appId?: string;
  botToken?: string;
  botUserId?: string;
  botScopes: string[];
  botRefreshToken?: string;
  botExpiresAt?: number;
  userToken?: string;
  userId?: string;
  userScopes: string[];
  userRefreshToken?: string;
  userExpiresAt?: number;
  webhookUrl?: string;
  webhookChannel?: string;
}

type Obj = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const scopes = (v: unknown): string[] =>
  typeof v === 'string'
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
    : [];
const expiry = (v: unknown, now: number): number | undefined =>
  typeof v === 'number' && v > 0 ? now + v * 1000 : undefined;

/** Reduce an `oauth.v2.access` response (code grant or refresh grant) to a grant. */
export function grantFromAccessResponse(resp: Obj, nowMs: number): OAuthGrant {
  const team = (resp.team ?? {}) as Obj;
  const authed = (resp.authed_user ?? {}) as Obj;
  const hook = (resp.incoming_webhook ?? {}) as Obj;
  const grant: OAuthGrant = { botScopes: [], userScopes: [] };
  const set = <K extends keyof OAuthGrant>(k: K, v: OAuthGrant[K] | undefined) => {
    if (v !== undefined) grant[k] = v;
  };
  set('teamId', str(team.id));
  set('teamName', str(team.name));
  set('appId', str(resp.app_id));
  // A refresh of a user token answers with token_type "user" at the top level.
  if (resp.token_type === 'user') {
    set('userToken', str(resp.access_token));
    set('userId', str(resp.user_id));
    grant.userScopes = scopes(resp.scope);
    set('userRefreshToken', str(resp.refresh_token));
    set('userExpiresAt', expiry(resp.expires_in, nowMs));
  } else {
    set('botToken', str(resp.access_token));
    set('botUserId', str(resp.bot_user_id));
    grant.botScopes = scopes(resp.scope);
    set('botRefreshToken', str(resp.refresh_token));
    set('botExpiresAt', expiry(resp.expires_in, nowMs));
  }
  if (str(authed.access_token)) {
    set('userToken', str(authed.access_token));
    set('userId', str(authed.id));
    grant.userScopes = scopes(authed.scope);
    set('userRefreshToken', str(authed.refresh_token));
    set('userExpiresAt', expiry(authed.expires_in, nowMs));
  }
  set('webhookUrl', str(hook.url));
  set('webhookChannel', str(hook.channel) ?? str(hook.channel_id));
  return grant;
}

/** A random `state` for one authorization: 128 bits, URL-safe. */
export function newOAuthState(): string {
  return randomBytes(16).toString('base64url');
}

/** The URL that starts an installation: `<base>/oauth/v2/authorize?client_id&scope&user_scope&redirect_uri&state`. */
export function buildAuthorizeUrl(p: {
  slackUrl: string;
  clientId: string;
  botScopes: string[];
  userScopes: string[];
  redirectUrl: string;
  state: string;
}): string {
  const u = new URL(authorizeUrlOf(p.slackUrl));
  u.searchParams.set('client_id', p.clientId);
  u.searchParams.set('scope', p.botScopes.join(','));
  if (p.userScopes.length > 0) u.searchParams.set('user_scope', p.userScopes.join(','));
  u.searchParams.set('redirect_uri', p.redirectUrl);
  u.searchParams.set('state', p.state);
  return u.toString();
}

async function access(
  apiUrl: string,
  args: Record<string, string>,
  ctx: OAuthErrorContext,
  nowMs: () => number,
): Promise<OAuthGrant> {
  try {
    const resp = await createAnonymousWebClient(apiUrl, { retries: 1 }).oauth.v2.access(args as never);
    return grantFromAccessResponse(resp as unknown as Obj, nowMs());
  } catch (err) {
    const f = slackFailureOf(err);
    if (f.kind === 'platform' && f.error) throw oauthAccessError(f.error, ctx);
    throw new RunwireError(
      'runwire.slack.unreachable',
      `cannot reach Slack at ${apiUrl} for oauth.v2.access: ${f.message}`,
      {
        fix: "check the connection's Slack URL (--slack-url / RUNWIRE_SLACK_URL) and your network",
        retryable: true,
      },
    );
  }
}

/** Exchange an authorization code for tokens. */
export function exchangeCode(
  apiUrl: string,
  p: { clientId: string; clientSecret: string; code: string; redirectUrl: string },
  ctx: OAuthErrorContext,
  nowMs: () => number = Date.now,
): Promise<OAuthGrant> {
  return access(
    apiUrl,
    { client_id: p.clientId, client_secret: p.clientSecret, code: p.code, redirect_uri: p.redirectUrl },
    ctx,
    nowMs,
  );
}

/** Trade a refresh token for a new access/refresh pair (token rotation). */
export function refreshAccessToken(
  apiUrl: string,
  p: { clientId: string; clientSecret: string; refreshToken: string },
  ctx: OAuthErrorContext,
  nowMs: () => number = Date.now,
): Promise<OAuthGrant> {
  return access(
    apiUrl,
    {
      client_id: p.clientId,
      client_secret: p.clientSecret,
      grant_type: 'refresh_token',
      refresh_token: p.refreshToken,
    },
    ctx,
    nowMs,
  );
}
