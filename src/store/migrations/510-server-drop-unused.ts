/**
 * Migration 500 made `run_origins` and `idempotency_keys`, which nothing reads or writes: a run's
 * origin is its runbook and version in the run store, and `POST /api/runs` idempotency is the run
 * store's `idempotency_key`. Dropped (forward-only: 500 stays as it shipped).
 */
import type { Migration } from './index.js';

const sql = `
DROP INDEX IF EXISTS run_origins_runbook;
DROP TABLE IF EXISTS run_origins;
DROP TABLE IF EXISTS idempotency_keys;
`;

export const migration510: Migration = {
  id: 510,
  name: 'drop the unused run_origins and idempotency_keys',
  sqlite: sql,
  postgres: sql,
};
