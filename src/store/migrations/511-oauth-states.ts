/**
 * The server's OAuth installs (`POST /api/connections/{name}/authenticate` → Slack →
 * `GET /oauth/slack/callback`): one row per issued `state`, kept as a SHA-256 hash, so a state is
 * good once (the callback marks it used in the same statement that checks it) and only until it
 * expires, whichever server of a shared database receives the redirect.
 */
import type { Migration } from './index.js';

const sql = (big: string) => `
CREATE TABLE oauth_states (
  state_hash TEXT PRIMARY KEY,
  connection TEXT NOT NULL,
  redirect_url TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at ${big} NOT NULL,
  expires_at ${big} NOT NULL,
  used_at ${big}
);
CREATE INDEX oauth_states_expires ON oauth_states (expires_at);
`;

export const migration511: Migration = {
  id: 511,
  name: 'OAuth states of installs through the server',
  sqlite: sql('INTEGER'),
  postgres: sql('BIGINT'),
};
