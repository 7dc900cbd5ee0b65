/**
 * Triggers (issue 12, ids 600–609): each trigger's enabled state (a runbook declares its triggers;
 * enabling and disabling is kept here, so it needs no edit of the runbook), and the history of what
 * triggers received and did. `dedupe_key` is UNIQUE: a Slack event delivered twice (Slack's retries,
 * two servers, HTTP and Socket Mode) or a schedule occurrence claimed by two processes is written
 * once, so the database decides which delivery is the first.
 */
import type { Migration } from './index.js';

const sql = (id: string) => `
CREATE TABLE trigger_state (
  runbook_id TEXT NOT NULL,
  trigger_id TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  updated_by TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (runbook_id, trigger_id)
);
CREATE TABLE trigger_history (
  id ${id},
  kind TEXT NOT NULL,
  runbook_id TEXT,
  trigger_id TEXT,
  connection TEXT,
  dedupe_key TEXT UNIQUE,
  received_at TEXT NOT NULL,
  scheduled_for TEXT,
  outcome TEXT NOT NULL CHECK (outcome IN ('received', 'started', 'no_match', 'not_allowed', 'duplicate',
    'disabled', 'invalid_runbook', 'ignored', 'missed', 'failed')),
  run_id TEXT,
  detail TEXT,
  payload TEXT,
  updated_at TEXT NOT NULL
);
CREATE INDEX trigger_history_trigger ON trigger_history (runbook_id, trigger_id, id);
CREATE INDEX trigger_history_unsettled ON trigger_history (outcome, kind, received_at);
CREATE INDEX trigger_history_run ON trigger_history (run_id);
`;

export const migration600: Migration = {
  id: 600,
  name: 'trigger state and history',
  sqlite: sql('INTEGER PRIMARY KEY AUTOINCREMENT'),
  postgres: sql('BIGSERIAL PRIMARY KEY'),
};
