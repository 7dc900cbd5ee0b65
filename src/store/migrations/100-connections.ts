/**
 * Slack connections (issue 4). Every secret column holds a sealed value (`rw1.<keyId>.…`, see
 * src/slack/secret-box.ts), never plain text; scopes are comma-separated lists.
 */
import type { Migration } from './index.js';

const columns = (text: string, ts: string) => `
  name TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('bot_token', 'user_token', 'oauth_app', 'webhook')),
  slack_url TEXT NOT NULL,
  redirect_url TEXT NOT NULL,
  client_id ${text},
  bot_scopes TEXT NOT NULL DEFAULT '',
  user_scopes TEXT NOT NULL DEFAULT '',
  team_id ${text},
  team_name ${text},
  bot_user_id ${text},
  user_id ${text},
  app_id ${text},
  granted_bot_scopes TEXT NOT NULL DEFAULT '',
  granted_user_scopes TEXT NOT NULL DEFAULT '',
  webhook_channel ${text},
  bot_token_expires_at ${ts},
  user_token_expires_at ${ts},
  bot_token_sealed ${text},
  user_token_sealed ${text},
  client_secret_sealed ${text},
  signing_secret_sealed ${text},
  app_token_sealed ${text},
  webhook_url_sealed ${text},
  bot_refresh_token_sealed ${text},
  user_refresh_token_sealed ${text},
  created_at ${ts} NOT NULL,
  updated_at ${ts} NOT NULL,
  verified_at ${ts}`;

export const migration100: Migration = {
  id: 100,
  name: 'slack_connections',
  // SQLite keeps times as ISO-8601 text; PostgreSQL as timestamptz.
  sqlite: `CREATE TABLE slack_connections (${columns('TEXT', 'TEXT')}\n);`,
  postgres: `CREATE TABLE slack_connections (${columns('TEXT', 'TIMESTAMPTZ')}\n);`,
};
