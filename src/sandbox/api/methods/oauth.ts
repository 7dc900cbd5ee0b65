/** oauth.v2.access: exchange a code (or, with token rotation, a refresh token) for tokens. */
import { redeemCode, type OAuthGrants } from '../../oauth/grants.js';
import type { Workspace } from '../../workspace.js';
import { str } from '../args.js';
import { SlackApiError, type MethodCall, type MethodRegistry } from '../registry.js';

/** Seconds until a rotated token expires, or undefined without rotation. */
function ttl(grants: OAuthGrants): number | undefined {
  return grants.options.tokenRotation ? (grants.options.tokenTtlSeconds ?? 43_200) : undefined;
}

function issue(
  ws: Workspace,
  grants: OAuthGrants,
  kind: 'bot' | 'user',
  scopes: string[],
  userId: string,
): Record<string, unknown> {
  const seconds = ttl(grants);
  const t = ws.issueToken(kind, scopes, userId, seconds === undefined ? undefined : ws.now() + seconds * 1000);
  return {
    access_token: t.token,
    token_type: kind,
    scope: t.scopes.join(','),
    ...(seconds !== undefined
      ? { expires_in: seconds, refresh_token: grants.issueRefresh(kind, t.scopes, t.user_id) }
      : {}),
  };
}

function access(call: MethodCall): Record<string, unknown> {
  const ws = call.workspace;
  const grants = call.services.oauth as OAuthGrants;
  const clientId = call.basicAuth?.user ?? str(call.args, 'client_id');
  const secret = call.basicAuth?.password ?? str(call.args, 'client_secret');
  if (!clientId || clientId !== ws.app.client_id) throw new SlackApiError('invalid_client_id');
  if (secret !== ws.app.client_secret) throw new SlackApiError('bad_client_secret');
  const common = {
    app_id: ws.app.id,
    team: { id: ws.team.id, name: ws.team.name },
    enterprise: null,
    is_enterprise_install: false,
  };
  const grantType = str(call.args, 'grant_type') ?? 'authorization_code';
  if (grantType === 'refresh_token') {
    const g = grants.takeRefresh(str(call.args, 'refresh_token'));
    if (!g) throw new SlackApiError('invalid_refresh_token');
    const tokens = issue(ws, grants, g.kind, g.scopes, g.user_id);
    return {
      ...tokens,
      ...(g.kind === 'bot' ? { bot_user_id: ws.app.bot_user_id } : { user_id: g.user_id }),
      ...common,
    };
  }
  if (grantType !== 'authorization_code') throw new SlackApiError('invalid_grant_type');
  const r = redeemCode(grants.code(str(call.args, 'code')), clientId, str(call.args, 'redirect_uri'), ws.now());
  if ('error' in r) throw new SlackApiError(r.error);
  const g = r.grant;
  g.used = true;
  const out: Record<string, unknown> = { ...common };
  if (g.scopes.length > 0)
    Object.assign(out, issue(ws, grants, 'bot', g.scopes, ws.app.bot_user_id), { bot_user_id: ws.app.bot_user_id });
  const authed: Record<string, unknown> = { id: g.user_id };
  if (g.user_scopes.length > 0) {
    const u = issue(ws, grants, 'user', g.user_scopes, g.user_id);
    Object.assign(
      authed,
      { scope: u.scope, access_token: u.access_token, token_type: 'user' },
      u.refresh_token ? { expires_in: u.expires_in, refresh_token: u.refresh_token } : {},
    );
  }
  out.authed_user = authed;
  if (g.webhook_channel && g.scopes.includes('incoming-webhook')) {
    const ch = ws.channels.get(g.webhook_channel)!;
    const hook = ws.addWebhook(ch.id);
    out.incoming_webhook = {
      channel: ch.type === 'im' ? ch.id : `#${ch.name}`,
      channel_id: ch.id,
      configuration_url: `${call.baseUrl}sandbox/webhooks/${hook.id}`,
      url: `${call.baseUrl}services/${ws.team.id}/${hook.id}/${hook.secret}`,
    };
  }
  return out;
}

export function registerOAuthMethods(reg: MethodRegistry): void {
  reg.register({
    name: 'oauth.v2.access',
    tier: 'special',
    auth: false,
    errors: [
      'invalid_client_id',
      'bad_client_secret',
      'invalid_code',
      'bad_redirect_uri',
      'invalid_grant_type',
      'invalid_refresh_token',
    ],
    handler: access,
  });
}
