/**
 * OAuth v2 state of a sandbox: authorization codes (single use, 10 minutes) and refresh tokens
 * (token rotation). The decisions (`redeemCode`) are pure functions of the record and the clock.
 */
import { randomBytes } from 'node:crypto';
import { newToken } from '../ids.js';

/** Slack's authorization codes expire after ten minutes. */
export const CODE_TTL_MS = 10 * 60 * 1000;

export interface OAuthOptions {
  /** Show an Allow/Deny consent page instead of approving at once. Default false. */
  consent?: boolean;
  /** Token rotation: access tokens expire and come with refresh tokens. Default false. */
  tokenRotation?: boolean;
  /** Lifetime of rotated access tokens in seconds (Slack: 43200 = 12 h). */
  tokenTtlSeconds?: number;
  /** Who approves in auto mode (user id or name); default the first admin. */
  installer?: string;
  /** Channel an `incoming-webhook` install posts to in auto mode (id or name); default #general. */
  webhookChannel?: string;
}

export interface CodeGrant {
  code: string;
  client_id: string;
  scopes: string[];
  user_scopes: string[];
  /** As given at authorize time; oauth.v2.access must repeat it when it was given. */
  redirect_uri: string | undefined;
  user_id: string;
  webhook_channel: string | undefined;
  expires_at: number;
  used: boolean;
}

export interface RefreshGrant {
  refresh_token: string;
  kind: 'bot' | 'user';
  scopes: string[];
  user_id: string;
}

/** What redeeming a code yields (pure): the grant, or the oauth.v2.access error to answer. */
export function redeemCode(
  grant: CodeGrant | undefined,
  clientId: string,
  redirectUri: string | undefined,
  now: number,
): { error: string } | { grant: CodeGrant } {
  // A reused code gets `invalid_code`: Slack's reference error list for oauth.v2.access has no separate code.
  if (!grant || grant.used || grant.client_id !== clientId || now >= grant.expires_at) return { error: 'invalid_code' };
  if (grant.redirect_uri !== undefined && redirectUri !== grant.redirect_uri) return { error: 'bad_redirect_uri' };
  return { grant };
}

export class OAuthGrants {
  private readonly codes = new Map<string, CodeGrant>();
  private readonly refresh = new Map<string, RefreshGrant>();

  constructor(readonly options: OAuthOptions) {}

  issueCode(g: Omit<CodeGrant, 'code' | 'used' | 'expires_at'>, now: number): CodeGrant {
    const grant: CodeGrant = {
      ...g,
      code: `${Math.floor(now / 1000)}.${randomBytes(16).toString('hex')}`,
      used: false,
      expires_at: now + CODE_TTL_MS,
    };
    this.codes.set(grant.code, grant);
    return grant;
  }

  code(code: string | undefined): CodeGrant | undefined {
    return code === undefined ? undefined : this.codes.get(code);
  }

  issueRefresh(kind: 'bot' | 'user', scopes: string[], userId: string): string {
    const token = newToken('refresh');
    this.refresh.set(token, { refresh_token: token, kind, scopes, user_id: userId });
    return token;
  }

  /** Take a refresh token out (it is single use: rotation hands out a new one). */
  takeRefresh(token: string | undefined): RefreshGrant | undefined {
    if (token === undefined) return undefined;
    const g = this.refresh.get(token);
    if (g) this.refresh.delete(token);
    return g;
  }

  clear(): void {
    this.codes.clear();
    this.refresh.clear();
  }
}
