/**
 * What the SQLite and PostgreSQL stores share: turning database rows into records (both keep
 * JSON values as text and times as ISO text), and the store's errors. One copy, so the two
 * backends cannot drift apart in what a run, task or event looks like.
 */
import { RunwireError } from '../core/errors.js';
import type { RunEvent, RunSummary, TaskRecord } from './store.js';

export type Row = Record<string, unknown>;

export const json = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));
export const parse = <T>(v: unknown): T | null => (typeof v === 'string' ? (JSON.parse(v) as T) : null);
export const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
export const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export function leaseLost(runId: string): RunwireError {
  return new RunwireError(
    'runwire.store.lease_lost',
    `Run ${runId} is no longer held by this process (another process took it over, or it was cancelled).`,
    {
      fix: `See \`runwire runs show ${runId}\`.`,
    },
  );
}

export function runNotFound(runId: string): RunwireError {
  return new RunwireError('runwire.run.not_found', `No run "${runId}" in this data dir.`, {
    fix: 'List runs with `runwire runs list` (and check --data-dir).',
  });
}

export function taskFromRow(r: Row): TaskRecord {
  return {
    runId: String(r.run_id),
    taskId: String(r.task_id),
    position: Number(r.position),
    name: String(r.name),
    type: String(r.type),
    status: String(r.status) as TaskRecord['status'],
    attempts: Number(r.attempts),
    startedAt: str(r.started_at),
    finishedAt: str(r.finished_at),
    nextAttemptAt: num(r.next_attempt_at),
    error: parse(r.error),
    output: parse(r.output),
    state: parse(r.state),
    reason: str(r.reason),
  };
}

export function summaryFromRow(r: Row): RunSummary {
  return {
    id: String(r.id),
    runbook: String(r.runbook),
    mode: String(r.mode) as RunSummary['mode'],
    status: String(r.status) as RunSummary['status'],
    vars: parse<Record<string, string>>(r.vars) ?? {},
    createdAt: String(r.created_at),
    startedAt: str(r.started_at),
    finishedAt: str(r.finished_at),
    leaseOwner: str(r.lease_owner),
    leaseExpiresAt: num(r.lease_expires_at),
    taskCount: Number(r.task_count ?? 0),
  };
}

export function eventFromRow(r: Row): RunEvent {
  const data = parse<Record<string, unknown>>(r.data);
  return {
    seq: Number(r.seq),
    runId: String(r.run_id),
    at: String(r.at),
    actor: String(r.actor),
    kind: String(r.kind),
    taskId: str(r.task_id),
    message: String(r.message),
    ...(data ? { data } : {}),
  };
}
