/**
 * What the SQLite and PostgreSQL stores share: turning database rows into records (both keep
 * JSON values as text and times as ISO text), and the store's errors. One copy, so the two
 * backends cannot drift apart in what a run, task or event looks like.
 */
import { RunwireError } from '../core/errors.js';
import { isRunStatus, isTaskStatus, type RunStatus, type TaskStatus } from '../core/state-machine.js';
import type { OperatorAction, RunEvent, RunSummary, TaskError, TaskRecord, WorkerRecord } from './store.js';

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

/** A value read back from the database that is not one Runwire writes: fail rather than guess. */
function badRow(what: string, value: unknown): RunwireError {
  return new RunwireError(
    'runwire.store.bad_row',
    `The database holds ${what} ${JSON.stringify(value)}, which Runwire does not write.`,
    {
      fix: 'Check that this data dir (or database) belongs to this version of Runwire.',
    },
  );
}

function taskStatus(v: unknown): TaskStatus {
  const s = String(v);
  if (!isTaskStatus(s)) throw badRow('a task status', v);
  return s;
}

function runStatus(v: unknown): RunStatus {
  const s = String(v);
  if (!isRunStatus(s)) throw badRow('a run status', v);
  return s;
}

function runMode(v: unknown): RunSummary['mode'] {
  if (v !== 'live' && v !== 'rehearsal') throw badRow('a run mode', v);
  return v;
}

/** A JSON object column (state, output, data): an object or null, never another JSON value. */
function objectOrNull(v: unknown, what: string): Record<string, unknown> | null {
  const value = parse<unknown>(v);
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw badRow(what, value);
  return value as Record<string, unknown>;
}

function taskError(v: unknown): TaskError | null {
  const e = objectOrNull(v, 'a task error');
  if (e === null) return null;
  const { code, message, fix, retryable } = e;
  if (typeof code !== 'string' || typeof message !== 'string') throw badRow('a task error', e);
  return {
    code,
    message,
    ...(typeof fix === 'string' ? { fix } : {}),
    ...(typeof retryable === 'boolean' ? { retryable } : {}),
  };
}

export function taskFromRow(r: Row): TaskRecord {
  return {
    runId: String(r.run_id),
    taskId: String(r.task_id),
    position: Number(r.position),
    name: String(r.name),
    type: String(r.type),
    status: taskStatus(r.status),
    attempts: Number(r.attempts),
    startedAt: str(r.started_at),
    finishedAt: str(r.finished_at),
    nextAttemptAt: num(r.next_attempt_at),
    error: taskError(r.error),
    output: objectOrNull(r.output, 'a task output'),
    state: objectOrNull(r.state, 'a task state'),
    reason: str(r.reason),
  };
}

export function summaryFromRow(r: Row): RunSummary {
  return {
    id: String(r.id),
    runbook: String(r.runbook),
    mode: runMode(r.mode),
    status: runStatus(r.status),
    vars: parse<Record<string, string>>(r.vars) ?? {},
    createdAt: String(r.created_at),
    startedAt: str(r.started_at),
    finishedAt: str(r.finished_at),
    leaseOwner: str(r.lease_owner),
    leaseExpiresAt: num(r.lease_expires_at),
    leaseEpoch: Number(r.lease_epoch ?? 0),
    wakeAt: num(r.wake_at),
    taskCount: Number(r.task_count ?? 0),
  };
}

export function eventFromRow(r: Row): RunEvent {
  const data = objectOrNull(r.data, 'event data');
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

export function actionFromRow(r: Row): OperatorAction {
  return {
    id: Number(r.id),
    runId: String(r.run_id),
    kind: String(r.kind) as OperatorAction['kind'],
    taskId: str(r.task_id),
    actor: String(r.actor),
    at: String(r.at),
  };
}

export function workerFromRow(r: Row): WorkerRecord {
  return {
    id: String(r.id),
    name: String(r.name),
    host: String(r.host),
    pid: Number(r.pid),
    startedAt: String(r.started_at),
    heartbeatAt: String(r.heartbeat_at),
    runsHeld: Number(r.runs_held),
  };
}

/** The columns of a run summary (no spec), with its task count. */
export const SUMMARY_SELECT = `SELECT r.id, r.runbook, r.mode, r.status, r.vars, r.created_at, r.started_at, r.finished_at,
  r.lease_owner, r.lease_expires_at, r.lease_epoch, r.wake_at,
  (SELECT count(*) FROM run_tasks t WHERE t.run_id = r.id) AS task_count FROM runs r`;
