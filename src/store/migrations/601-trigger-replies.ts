/**
 * Thread replies of `reply: true` triggers (issue 12): whether an entry wants them, and a claim per
 * reply ("run started", the outcome) taken by one UPDATE, so across restarts and servers each is
 * posted by one process, once.
 */
import type { Migration } from './index.js';

const sql = `
ALTER TABLE trigger_history ADD COLUMN reply_wanted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE trigger_history ADD COLUMN reply_started_at TEXT;
ALTER TABLE trigger_history ADD COLUMN reply_outcome_at TEXT;
CREATE INDEX trigger_history_replies ON trigger_history (reply_wanted, reply_outcome_at);
`;

export const migration601: Migration = { id: 601, name: 'trigger thread replies', sqlite: sql, postgres: sql };
