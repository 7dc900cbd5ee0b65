/**
 * A holder's write in one round trip on PostgreSQL (issue 10, throughput): `runwire_commit` does in
 * the database what `PostgresStore.commit` and `saveTaskState` did as five to eight statements of a
 * client-side transaction (BEGIN, fence, task rows, run patch, events, applied actions, park, COMMIT).
 *
 * - The fence comes first and holds the run's row lock to the end: owner, epoch and not cancelled
 *   (renewing the lease on the database clock when asked). A lost lease writes nothing and returns false.
 * - Each later statement takes a fresh snapshot after that lock (PL/pgSQL in READ COMMITTED), so events
 *   are numbered after every event committed before (a `saveTaskState` racing a commit of the same
 *   holder), and a park sees an operator action recorded just before (it keeps the run due).
 * - PL/pgSQL keeps each statement's plan for the session, so the statements are planned once per
 *   connection, not on every commit.
 *
 * SQLite has no functions and needs none: its commit is an in-process transaction already.
 */
import type { Migration } from './index.js';

const postgres = `
CREATE FUNCTION runwire_commit(
  p_run text, p_owner text, p_epoch bigint, p_renew_ms bigint,
  p_tasks jsonb, p_status text, p_set_started boolean, p_started_at text, p_set_finished boolean, p_finished_at text,
  p_events jsonb, p_applied bigint[], p_park boolean, p_wake_at bigint,
  p_state_task text, p_state text, p_channel text
) RETURNS boolean LANGUAGE plpgsql AS $fn$
DECLARE
  now_ms bigint := (extract(epoch from now()) * 1000)::bigint;
BEGIN
  IF p_renew_ms IS NULL THEN
    PERFORM 1 FROM runs WHERE id = p_run AND lease_owner = p_owner AND lease_epoch = p_epoch AND status <> 'cancelled'
      FOR UPDATE;
  ELSE
    UPDATE runs SET lease_expires_at = now_ms + p_renew_ms
      WHERE id = p_run AND lease_owner = p_owner AND lease_epoch = p_epoch AND status <> 'cancelled';
  END IF;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  IF p_tasks IS NOT NULL THEN
    UPDATE run_tasks t SET status = x.status, attempts = x.attempts, started_at = x.started_at,
        finished_at = x.finished_at, next_attempt_at = x.next_attempt_at, error = x.error, output = x.output,
        state = x.state, reason = x.reason
      FROM jsonb_to_recordset(p_tasks) AS x(task_id text, status text, attempts int, started_at text,
        finished_at text, next_attempt_at bigint, error text, output text, state text, reason text)
      WHERE t.run_id = p_run AND t.task_id = x.task_id;
  END IF;
  IF p_state_task IS NOT NULL THEN
    UPDATE run_tasks SET state = p_state WHERE run_id = p_run AND task_id = p_state_task;
  END IF;
  IF p_status IS NOT NULL OR p_set_started OR p_set_finished THEN
    UPDATE runs SET status = coalesce(p_status, status),
        started_at = CASE WHEN p_set_started THEN p_started_at ELSE started_at END,
        finished_at = CASE WHEN p_set_finished THEN p_finished_at ELSE finished_at END
      WHERE id = p_run;
  END IF;
  IF p_events IS NOT NULL THEN
    INSERT INTO run_events (run_id, seq, at, actor, kind, task_id, message, data)
      SELECT p_run, (SELECT coalesce(max(seq), 0) FROM run_events WHERE run_id = p_run) + e.n,
        e.v->>'at', e.v->>'actor', e.v->>'kind', e.v->>'task_id', e.v->>'message', e.v->>'data'
      FROM jsonb_array_elements(p_events) WITH ORDINALITY AS e(v, n);
  END IF;
  IF p_applied IS NOT NULL THEN
    DELETE FROM run_actions WHERE run_id = p_run AND id = ANY(p_applied);
  END IF;
  IF p_park THEN
    -- Actions recorded meanwhile (not applied here) keep the parked run due.
    UPDATE runs SET lease_owner = NULL, lease_expires_at = NULL,
        wake_at = CASE WHEN EXISTS (SELECT 1 FROM run_actions a WHERE a.run_id = p_run)
          THEN LEAST(coalesce(p_wake_at, now_ms), now_ms) ELSE p_wake_at END
      WHERE id = p_run;
  END IF;
  IF p_channel IS NOT NULL THEN
    PERFORM pg_notify(p_channel, json_build_object('kind', 'events', 'runId', p_run)::text);
  END IF;
  RETURN true;
END
$fn$;
`;

export const migration003CommitFunction: Migration = {
  id: 3,
  name: 'runwire_commit: a holder write in one round trip (PostgreSQL)',
  sqlite: '',
  postgres,
};
