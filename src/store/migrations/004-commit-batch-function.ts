/**
 * Group commit on PostgreSQL (issue 10, throughput): `runwire_commit_batch` applies several holder
 * writes in one transaction and one round trip, each exactly as `runwire_commit` (migration 3) applies
 * it alone: fenced on its own (a lost lease refuses that write only, the others commit), in the order
 * given. The store sends them ordered by run id, so two batches lock run rows in one order and cannot
 * deadlock each other. `p` is a JSON array of writes, each an object of `runwire_commit`'s arguments.
 *
 * SQLite needs none: its commits are in-process transactions already.
 */
import type { Migration } from './index.js';

const postgres = `
CREATE FUNCTION runwire_commit_batch(p jsonb) RETURNS boolean[] LANGUAGE plpgsql AS $fn$
DECLARE
  w jsonb;
  out boolean[] := '{}';
BEGIN
  FOR w IN SELECT x FROM jsonb_array_elements(p) WITH ORDINALITY AS e(x, n) ORDER BY n LOOP
    out := out || runwire_commit(
      w->>'run', w->>'owner', (w->>'epoch')::bigint, (w->>'renew_ms')::bigint,
      CASE WHEN jsonb_typeof(w->'tasks') = 'array' THEN w->'tasks' END,
      w->>'status', coalesce((w->>'set_started')::boolean, false), w->>'started_at',
      coalesce((w->>'set_finished')::boolean, false), w->>'finished_at',
      CASE WHEN jsonb_typeof(w->'events') = 'array' THEN w->'events' END,
      CASE WHEN jsonb_typeof(w->'applied') = 'array'
        THEN ARRAY(SELECT jsonb_array_elements_text(w->'applied')::bigint) END,
      coalesce((w->>'park')::boolean, false), (w->>'wake_at')::bigint,
      w->>'state_task', w->>'state', w->>'channel');
  END LOOP;
  RETURN out;
END
$fn$;
`;

export const migration004CommitBatchFunction: Migration = {
  id: 4,
  name: 'runwire_commit_batch: several holder writes in one transaction (PostgreSQL)',
  sqlite: '',
  postgres,
};
