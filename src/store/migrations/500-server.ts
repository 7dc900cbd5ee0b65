/**
 * The server's tables (issue 11, ids 500–599): API tokens and browser sessions (both stored only as
 * SHA-256 hashes of high-entropy secrets), the versioned runbook library, where an API-started run came
 * from, and idempotency keys of `POST /api/runs`.
 */
import type { Migration } from './index.js';

const sql = (big: string) => `
CREATE TABLE api_tokens (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  token_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_used_at TEXT
);
CREATE TABLE api_sessions (
  session_hash TEXT PRIMARY KEY,
  token_name TEXT NOT NULL REFERENCES api_tokens (name) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  expires_at ${big} NOT NULL
);
CREATE TABLE runbooks (
  id TEXT PRIMARY KEY,
  deleted INTEGER NOT NULL DEFAULT 0,
  source_file TEXT,
  issues TEXT,
  updated_at TEXT NOT NULL
);
CREATE TABLE runbook_versions (
  runbook_id TEXT NOT NULL REFERENCES runbooks (id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  format TEXT NOT NULL,
  source TEXT NOT NULL,
  spec TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (runbook_id, version)
);
CREATE TABLE run_origins (
  run_id TEXT PRIMARY KEY,
  runbook_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX run_origins_runbook ON run_origins (runbook_id);
CREATE TABLE idempotency_keys (
  token_name TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  run_id TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (token_name, idem_key)
);
CREATE INDEX runs_created ON runs (created_at, id);
`;

export const migration500: Migration = {
  id: 500,
  name: 'api tokens, sessions, runbook library, run origins, idempotency keys',
  sqlite: sql('INTEGER'),
  postgres: sql('BIGINT'),
};
