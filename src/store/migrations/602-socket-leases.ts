/**
 * Socket Mode leases (issue 12): one row per Slack connection with an app-level token, held by the
 * one process that keeps its socket open (renewed every few seconds, taken over when it expires),
 * with the socket's state for `GET /api/health` on any server.
 */
import type { Migration } from './index.js';

const sql = `
CREATE TABLE slack_socket_leases (
  connection TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  holder_host TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  acquired_at TEXT NOT NULL,
  connected INTEGER NOT NULL DEFAULT 0,
  connected_since TEXT,
  last_event_at TEXT,
  reconnects INTEGER NOT NULL DEFAULT 0
);
`;

export const migration602: Migration = { id: 602, name: 'socket mode leases', sqlite: sql, postgres: sql };
