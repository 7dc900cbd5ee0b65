/**
 * Workers (issue 10): a run's fencing epoch, its durable wake-up time, idempotent creation, operator
 * actions recorded for the holder to apply, and the workers' heartbeats.
 *
 * - `runs.lease_epoch` increases on every claim; every write of the holder checks it.
 * - `runs.wake_at` (epoch ms) is when the run next has work due; a run is claimable when it is due
 *   and its lease is free or expired. Runs left `running` by an older Runwire (a crash) become due.
 * - `run_actions` holds complete/skip/retry/resume recorded by the run service until the holder applies
 *   them (deleted in the holder's commit that applies them).
 * - `workers`: one row per live worker process, refreshed by its heartbeat (`heartbeat_ms` is the
 *   store's clock, so liveness is judged on one clock).
 */
import type { Migration } from './index.js';

const sql = (big: string, serial: string) => `
ALTER TABLE runs ADD COLUMN lease_epoch ${big} NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN wake_at ${big};
ALTER TABLE runs ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX runs_idempotency_key ON runs (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX runs_wake_at ON runs (wake_at) WHERE wake_at IS NOT NULL;
CREATE INDEX runs_lease_owner ON runs (lease_owner) WHERE lease_owner IS NOT NULL;
UPDATE runs SET wake_at = 0 WHERE status = 'running';
CREATE TABLE run_actions (
  id ${serial},
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  task_id TEXT,
  actor TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX run_actions_run ON run_actions (run_id, id);
CREATE TABLE workers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL,
  heartbeat_ms ${big} NOT NULL,
  runs_held INTEGER NOT NULL
);
`;

export const migration002Workers: Migration = {
  id: 2,
  name: 'lease epoch, wake_at, idempotency key, run_actions, workers',
  sqlite: sql('INTEGER', 'INTEGER PRIMARY KEY AUTOINCREMENT'),
  postgres: sql('BIGINT', 'BIGSERIAL PRIMARY KEY'),
};
