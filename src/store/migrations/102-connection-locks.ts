/**
 * A lock per connection for refreshing its rotating token once across processes (issue 10 item 6).
 * SQLite only: a write transaction cannot be held across the refresh's HTTP call on the handle the
 * run store shares, so the lock is a row with an expiry. PostgreSQL locks the connection's own row
 * with `SELECT … FOR UPDATE` for the whole refresh and needs no table.
 */
import type { Migration } from './index.js';

export const migration102: Migration = {
  id: 102,
  name: 'connection refresh locks',
  sqlite: `CREATE TABLE slack_connection_locks (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );`,
  postgres: 'SELECT 1',
};
