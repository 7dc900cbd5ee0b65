/**
 * Schedules (issue 12 item 4, ids 610–619): the claims that make each occurrence fire once across
 * every server, worker and restart, and each schedule's cursor.
 *
 * - `schedule_fires`: one row per occurrence a scheduler decided, unique per runbook, trigger and
 *   scheduled time (epoch ms). The first process to insert it owns it; `outcome` is `claimed` until
 *   the run exists (`started` + `run_id`), or why it did not start (`missed`, `disabled`, `invalid`).
 *   `runbook_version` is the version it fires, so a claim left by a crash is finished with the same one.
 * - `schedule_cursors`: per trigger, the latest occurrence handled (`last_ms`) and the pattern it was
 *   computed for (`pattern`: cron and time zone; a changed pattern starts again from now).
 */
import type { Migration } from './index.js';

const sql = (big: string) => `
CREATE TABLE schedule_fires (
  runbook_id TEXT NOT NULL,
  trigger_id TEXT NOT NULL,
  scheduled_for ${big} NOT NULL,
  runbook_version INTEGER NOT NULL,
  claimed_by TEXT NOT NULL,
  claimed_at ${big} NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('claimed', 'started', 'missed', 'disabled', 'invalid')),
  run_id TEXT,
  detail TEXT,
  PRIMARY KEY (runbook_id, trigger_id, scheduled_for)
);
CREATE INDEX schedule_fires_claimed ON schedule_fires (claimed_at) WHERE outcome = 'claimed';
CREATE TABLE schedule_cursors (
  runbook_id TEXT NOT NULL,
  trigger_id TEXT NOT NULL,
  pattern TEXT NOT NULL,
  last_ms ${big} NOT NULL,
  PRIMARY KEY (runbook_id, trigger_id)
);
`;

export const migration610: Migration = {
  id: 610,
  name: 'schedule fires (one per occurrence) and cursors',
  sqlite: sql('INTEGER'),
  postgres: sql('BIGINT'),
};
