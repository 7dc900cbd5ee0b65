/**
 * Record ⇄ row mapping for table `slack_connections` (migration 100), shared by the SQLite and
 * PostgreSQL stores. Times are ISO strings in records; PostgreSQL hands timestamptz back as Date.
 */
import type { ConnectionRecord, SealedSecrets, SecretField } from './model.js';
import type { ConnectionKind } from './types.js';

/** Secret field → column. */
export const SECRET_COLUMNS: Record<SecretField, string> = {
  botToken: 'bot_token_sealed',
  userToken: 'user_token_sealed',
  clientSecret: 'client_secret_sealed',
  signingSecret: 'signing_secret_sealed',
  appToken: 'app_token_sealed',
  webhookUrl: 'webhook_url_sealed',
  botRefreshToken: 'bot_refresh_token_sealed',
  userRefreshToken: 'user_refresh_token_sealed',
};

/** A table row: column → value (strings, null, or Date from PostgreSQL). */
export type Row = Record<string, unknown>;

const opt = (v: unknown): string | undefined => {
  if (v === null || v === undefined || v === '') return undefined;
  return v instanceof Date ? v.toISOString() : String(v);
};
const list = (v: unknown): string[] => (typeof v === 'string' && v !== '' ? v.split(',').filter((s) => s !== '') : []);

export function fromRow(r: Row): ConnectionRecord {
  const sealed: SealedSecrets = {};
  for (const [field, col] of Object.entries(SECRET_COLUMNS) as [SecretField, string][]) {
    const v = opt(r[col]);
    if (v !== undefined) sealed[field] = v;
  }
  const rec: ConnectionRecord = {
    name: String(r.name),
    kind: String(r.kind) as ConnectionKind,
    slackUrl: String(r.slack_url),
    redirectUrl: String(r.redirect_url),
    botScopes: list(r.bot_scopes),
    userScopes: list(r.user_scopes),
    grantedBotScopes: list(r.granted_bot_scopes),
    grantedUserScopes: list(r.granted_user_scopes),
    sealed,
    createdAt: opt(r.created_at) ?? '',
    updatedAt: opt(r.updated_at) ?? '',
  };
  const optional: [keyof ConnectionRecord, string][] = [
    ['clientId', 'client_id'],
    ['teamId', 'team_id'],
    ['teamName', 'team_name'],
    ['botUserId', 'bot_user_id'],
    ['userId', 'user_id'],
    ['appId', 'app_id'],
    ['webhookChannel', 'webhook_channel'],
    ['botTokenExpiresAt', 'bot_token_expires_at'],
    ['userTokenExpiresAt', 'user_token_expires_at'],
    ['verifiedAt', 'verified_at'],
    ['managedBy', 'managed_by'],
    ['description', 'description'],
  ];
  for (const [key, col] of optional) {
    const v = opt(r[col]);
    if (v !== undefined) (rec as unknown as Record<string, unknown>)[key] = v;
  }
  return rec;
}

export function toRow(rec: ConnectionRecord): Row {
  const row: Row = {
    name: rec.name,
    kind: rec.kind,
    slack_url: rec.slackUrl,
    redirect_url: rec.redirectUrl,
    client_id: rec.clientId ?? null,
    bot_scopes: rec.botScopes.join(','),
    user_scopes: rec.userScopes.join(','),
    team_id: rec.teamId ?? null,
    team_name: rec.teamName ?? null,
    bot_user_id: rec.botUserId ?? null,
    user_id: rec.userId ?? null,
    app_id: rec.appId ?? null,
    granted_bot_scopes: rec.grantedBotScopes.join(','),
    granted_user_scopes: rec.grantedUserScopes.join(','),
    webhook_channel: rec.webhookChannel ?? null,
    bot_token_expires_at: rec.botTokenExpiresAt ?? null,
    user_token_expires_at: rec.userTokenExpiresAt ?? null,
    created_at: rec.createdAt,
    updated_at: rec.updatedAt,
    verified_at: rec.verifiedAt ?? null,
    managed_by: rec.managedBy ?? null,
    description: rec.description ?? null,
  };
  for (const [field, col] of Object.entries(SECRET_COLUMNS) as [SecretField, string][])
    row[col] = rec.sealed[field] ?? null;
  return row;
}
