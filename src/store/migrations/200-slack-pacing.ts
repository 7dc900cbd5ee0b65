/**
 * Slack delivery pacing shared by every process on one database (issue 10 item 6): one token
 * bucket row per (workspace, conversation) — or per webhook — that every worker takes its
 * chat.postMessage token from, and that a 429's Retry-After blocks for all of them. Times are epoch
 * milliseconds (on PostgreSQL from the database clock, so hosts' clocks do not matter).
 */
import type { Migration } from './index.js';

export const migration200: Migration = {
  id: 200,
  name: 'slack pacing buckets',
  sqlite: `CREATE TABLE slack_pacing (
    key TEXT PRIMARY KEY,
    tokens REAL NOT NULL,
    updated_at INTEGER NOT NULL,
    blocked_until INTEGER NOT NULL
  );`,
  postgres: `CREATE TABLE slack_pacing (
    key TEXT PRIMARY KEY,
    tokens DOUBLE PRECISION NOT NULL,
    updated_at BIGINT NOT NULL,
    blocked_until BIGINT NOT NULL
  );`,
};
