/** The connection form's values → the API's create (`POST`) or change (`PATCH`) body. Pure. */

export interface ConnectionForm {
  name: string;
  description: string;
  slackUrl: string;
  clientId: string;
  clientSecret: string;
  appToken: string;
  token: string;
  redirectUrl: string;
  botScopes: string;
  userScopes: string;
  signingSecret: string;
  webhookUrl: string;
}

export const splitScopes = (s: string): string[] => s.split(/[\s,]+/).filter(Boolean);

const put = (o: Record<string, unknown>, k: string, v: string): void => {
  if (v.trim()) o[k] = v.trim();
};

export function createBody(f: ConnectionForm, kind: 'slack' | 'webhook'): Record<string, unknown> {
  const b: Record<string, unknown> = { name: f.name.trim() };
  put(b, 'description', f.description);
  put(b, 'slack_url', f.slackUrl);
  if (kind === 'webhook') {
    put(b, 'webhook_url', f.webhookUrl);
    return b;
  }
  put(b, 'signing_secret', f.signingSecret);
  put(b, 'app_token', f.appToken);
  if (f.token.trim()) {
    put(b, 'token', f.token);
    return b;
  }
  put(b, 'client_id', f.clientId);
  put(b, 'client_secret', f.clientSecret);
  put(b, 'redirect_url', f.redirectUrl);
  b.scopes = splitScopes(f.botScopes);
  b.user_scopes = splitScopes(f.userScopes);
  return b;
}

/** Only what changed: secrets when typed, other fields when they differ from the stored ones. */
export function patchBody(f: ConnectionForm, was: ConnectionForm, kind: string): Record<string, unknown> {
  const b: Record<string, unknown> = {};
  if (f.slackUrl.trim() !== was.slackUrl) put(b, 'slack_url', f.slackUrl);
  if (f.description.trim() !== was.description) b.description = f.description.trim();
  put(b, 'token', f.token);
  put(b, 'client_secret', f.clientSecret);
  put(b, 'signing_secret', f.signingSecret);
  put(b, 'app_token', f.appToken);
  put(b, 'webhook_url', f.webhookUrl);
  if (kind === 'oauth_app') {
    if (f.redirectUrl.trim() !== was.redirectUrl) put(b, 'redirect_url', f.redirectUrl);
    if (splitScopes(f.botScopes).join(' ') !== splitScopes(was.botScopes).join(' '))
      b.scopes = splitScopes(f.botScopes);
    if (splitScopes(f.userScopes).join(' ') !== splitScopes(was.userScopes).join(' '))
      b.user_scopes = splitScopes(f.userScopes);
  }
  return b;
}
