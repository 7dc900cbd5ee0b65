/**
 * The stored shape of a Slack connection and the pure rules around it: names, kinds inferred from
 * token prefixes, the Slack base URL and the URLs derived from it. Secrets appear here only sealed
 * (see `secret-box.ts`); `vault.ts` opens them.
 */
import { RunwireError } from '../../core/errors.js';
import { PLAIN_TASK_USES, scopesForUses } from '../scopes.js';
import type { ConnectionKind } from './types.js';

export const DEFAULT_SLACK_URL = 'https://slack.com';
export const DEFAULT_REDIRECT_URL = 'http://localhost:9999';
/** What a plain `channel: "#name"` task needs: post (also to public channels), resolve names, exactly once. */
export const DEFAULT_BOT_SCOPES = scopesForUses(PLAIN_TASK_USES);
/** Env var that changes the default Slack base URL (a proxy, an Enterprise/Gov host, the sandbox). */
export const SLACK_URL_ENV = 'RUNWIRE_SLACK_URL';

/** Every secret a connection may hold; each is sealed separately in the store. */
export const SECRET_FIELDS = [
  'botToken',
  'userToken',
  'clientSecret',
  'signingSecret',
  'appToken',
  'webhookUrl',
  'botRefreshToken',
  'userRefreshToken',
] as const;
export type SecretField = (typeof SECRET_FIELDS)[number];
export type SealedSecrets = Partial<Record<SecretField, string>>;
export type OpenSecrets = Partial<Record<SecretField, string>>;

/** A connection as the store keeps it. Times are ISO-8601 strings. */
export interface ConnectionRecord {
  /** Unique name runbooks refer to (`connection: ops`). */
  name: string;
  /** What it is for, for people (optional). */
  description?: string;
  kind: ConnectionKind;
  /** Slack's base URL without a trailing slash. */
  slackUrl: string;
  /** OAuth redirect URL (first-time authentication only). */
  redirectUrl: string;
  /** OAuth app client id (not a secret). */
  clientId?: string;
  /** Bot / user scopes to request when authenticating. */
  botScopes: string[];
  userScopes: string[];
  /** Learned from Slack (`oauth.v2.access`, `auth.test`). */
  teamId?: string;
  teamName?: string;
  botUserId?: string;
  /** The installing user (user tokens). */
  userId?: string;
  appId?: string;
  /** Granted scopes as last seen in `auth.test`'s `x-oauth-scopes` header. */
  grantedBotScopes: string[];
  grantedUserScopes: string[];
  /** Channel an incoming webhook posts to, when Slack told us. */
  webhookChannel?: string;
  /** Expiry of rotating tokens (token rotation on). */
  botTokenExpiresAt?: string;
  userTokenExpiresAt?: string;
  /** Sealed secrets, keyed by field. */
  sealed: SealedSecrets;
  createdAt: string;
  updatedAt: string;
  /** Last successful `auth.test`. */
  verifiedAt?: string;
  /** `start`: made by `runwire start` for its sandbox (it may replace it); absent: added by someone. */
  managedBy?: 'start';
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Throws a clear error unless `name` is a usable connection name. */
export function checkConnectionName(name: string): string {
  if (!NAME_RE.test(name)) {
    throw new RunwireError('runwire.slack.bad_connection_name', `"${name}" is not a valid connection name`, {
      fix: 'use 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    });
  }
  return name;
}

/** Bot or user token, from the prefix Slack gives every token (rotating ones start `xoxe.`). */
export function inferTokenKind(token: string): 'bot_token' | 'user_token' {
  const t = token.trim().replace(/^xoxe\./, '');
  if (t.startsWith('xoxb-')) return 'bot_token';
  if (t.startsWith('xoxp-')) return 'user_token';
  if (t.startsWith('xapp-')) {
    throw new RunwireError('runwire.slack.bad_token', 'that is an app-level token (xapp-), not a bot or user token', {
      fix: 'pass it with --app-token, and the bot token (xoxb-) or user token (xoxp-) with --token',
    });
  }
  throw new RunwireError(
    'runwire.slack.bad_token',
    'the token is neither a bot token (xoxb-) nor a user token (xoxp-)',
    {
      fix: 'copy the "Bot User OAuth Token" (xoxb-…) or "User OAuth Token" (xoxp-…) from your app\'s OAuth & Permissions page',
    },
  );
}

/** Validate and normalise a Slack base URL (no trailing slash, no `/api`). */
export function normalizeSlackUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RunwireError('runwire.slack.bad_url', `"${raw}" is not a URL`, {
      fix: 'give a base URL such as https://slack.com',
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new RunwireError('runwire.slack.bad_url', `"${raw}" is not an http(s) URL`, {
      fix: 'give a base URL such as https://slack.com',
    });
  }
  let path = url.pathname.replace(/\/+$/, '');
  if (path.endsWith('/api')) path = path.slice(0, -4); // accept `…/api/` too: people paste the API root
  return `${url.origin}${path}`;
}

/** The default base URL: `RUNWIRE_SLACK_URL` when set, else https://slack.com. */
export function defaultSlackUrl(env: NodeJS.ProcessEnv): string {
  const v = env[SLACK_URL_ENV];
  return normalizeSlackUrl(v && v.trim() !== '' ? v.trim() : DEFAULT_SLACK_URL);
}

/** `<base>/api/` — what `@slack/web-api` calls `slackApiUrl`. */
export function apiUrlOf(slackUrl: string): string {
  return `${slackUrl}/api/`;
}

/** `<base>/oauth/v2/authorize`. */
export function authorizeUrlOf(slackUrl: string): string {
  return `${slackUrl}/oauth/v2/authorize`;
}

/** Split `a,b c` into scopes, dropping empties and duplicates. */
export function parseScopes(list: string | undefined): string[] {
  if (!list) return [];
  return [
    ...new Set(
      list
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ),
  ];
}

/** Validate a redirect URL (http or https, with host and port or default port). */
export function checkRedirectUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RunwireError('runwire.slack.bad_redirect_url', `"${raw}" is not a URL`, {
      fix: `use e.g. ${DEFAULT_REDIRECT_URL}`,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RunwireError('runwire.slack.bad_redirect_url', `"${raw}" is not an http(s) URL`, {
      fix: `use e.g. ${DEFAULT_REDIRECT_URL}`,
    });
  }
  return raw;
}
