/**
 * Runs, their tasks and their event log (engine, ids 1–99). Task inputs are not stored per task:
 * the run keeps the parsed runbook it started with (`runs.spec` without its tasks, each task's own spec on
 * its `run_tasks` row), so a resumed run does what it started to do. Split per task so that a large runbook
 * is never one multi-megabyte value.
 */
import type { Migration } from './index.js';

const common = (json: string, big: string, withoutRowid: string): string => `
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  runbook TEXT NOT NULL,
  spec ${json} NOT NULL,
  mode TEXT NOT NULL,
  status TEXT NOT NULL,
  vars ${json} NOT NULL,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  lease_owner TEXT,
  lease_expires_at ${big}
);
CREATE INDEX runs_status ON runs (status);
CREATE TABLE run_tasks (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  task_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  spec ${json} NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  started_at TEXT,
  finished_at TEXT,
  next_attempt_at ${big},
  error ${json},
  output ${json},
  state ${json},
  reason TEXT,
  PRIMARY KEY (run_id, task_id)
)${withoutRowid};
CREATE TABLE run_events (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  seq ${big} NOT NULL,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  kind TEXT NOT NULL,
  task_id TEXT,
  message TEXT NOT NULL,
  data ${json},
  PRIMARY KEY (run_id, seq)
)${withoutRowid};
`;

export const migration001Runs: Migration = {
  id: 1,
  name: 'runs, run_tasks, run_events',
  // JSON is kept as TEXT on both: the engine reads and writes whole values, never queries inside them.
  // WITHOUT ROWID: rows are found by their key only, so one B-tree per write instead of table + index.
  // Event `seq` is numbered per run by the store inside the write transaction (1, 2, …).
  sqlite: common('TEXT', 'INTEGER', ' WITHOUT ROWID'),
  postgres: common('TEXT', 'BIGINT', ''),
};
