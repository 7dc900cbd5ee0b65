/**
 * The SQLite `Store` (better-sqlite3). Calls are synchronous underneath and wrapped as promises to
 * honour the async interface. Statements are prepared once; a `commit` is one transaction that
 * first renews the lease (the fence) and then writes every changed task row and event of a step.
 */
import type Database from 'better-sqlite3';
import type {
  CommitBatch,
  LeaseRequest,
  LeaseResult,
  RunEvent,
  RunRecord,
  RunSummary,
  Store,
  TaskRecord,
} from '../store.js';
import { openSqlite } from './open.js';
import {
  eventFromRow,
  json,
  leaseLost,
  num,
  runNotFound,
  str,
  summaryFromRow,
  taskFromRow,
  type Row,
} from '../rows.js';

export { taskFromRow } from '../rows.js';

/** Positional parameters of the task row upsert, shared by insert and update. */
function taskParams(t: TaskRecord): unknown[] {
  return [
    t.status,
    t.attempts,
    t.startedAt,
    t.finishedAt,
    t.nextAttemptAt,
    json(t.error),
    json(t.output),
    json(t.state),
    t.reason,
    t.runId,
    t.taskId,
  ];
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly s;
  private readonly commitTx: Database.Transaction<(b: CommitBatch) => void>;

  constructor(db: Database.Database) {
    this.db = db;
    this.s = {
      insertRun:
        db.prepare(`INSERT INTO runs (id, runbook, spec, mode, status, vars, created_at, started_at, finished_at, lease_owner, lease_expires_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      insertTask:
        db.prepare(`INSERT INTO run_tasks (status, attempts, started_at, finished_at, next_attempt_at, error, output, state, reason, run_id, task_id, position, name, type, spec)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      updateTask:
        db.prepare(`UPDATE run_tasks SET status = ?, attempts = ?, started_at = ?, finished_at = ?, next_attempt_at = ?, error = ?, output = ?, state = ?, reason = ?
        WHERE run_id = ? AND task_id = ?`),
      updateState: db.prepare('UPDATE run_tasks SET state = ? WHERE run_id = ? AND task_id = ?'),
      insertEvent: db.prepare(
        'INSERT INTO run_events (run_id, seq, at, actor, kind, task_id, message, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      lastSeq: db.prepare('SELECT coalesce(max(seq), 0) FROM run_events WHERE run_id = ?').pluck(),
      fence: db.prepare(
        "UPDATE runs SET lease_expires_at = ? WHERE id = ? AND lease_owner = ? AND status <> 'cancelled'",
      ),
      fenceCheck: db.prepare("SELECT 1 FROM runs WHERE id = ? AND lease_owner = ? AND status <> 'cancelled'").pluck(),
      runPatch:
        db.prepare(`UPDATE runs SET status = coalesce(?, status), started_at = CASE WHEN ? THEN ? ELSE started_at END,
        finished_at = CASE WHEN ? THEN ? ELSE finished_at END WHERE id = ?`),
      getRun: db.prepare('SELECT * FROM runs WHERE id = ?'),
      getTasks:
        db.prepare(`SELECT run_id, task_id, position, name, type, status, attempts, started_at, finished_at, next_attempt_at, error, output, state, reason
        FROM run_tasks WHERE run_id = ? ORDER BY position`),
      getTaskSpecs: db.prepare('SELECT spec FROM run_tasks WHERE run_id = ? ORDER BY position').pluck(),
      getEvents: db.prepare('SELECT * FROM run_events WHERE run_id = ? AND seq > ? ORDER BY seq'),
      listRuns:
        db.prepare(`SELECT r.id, r.runbook, r.mode, r.status, r.vars, r.created_at, r.started_at, r.finished_at, r.lease_owner, r.lease_expires_at,
        (SELECT count(*) FROM run_tasks t WHERE t.run_id = r.id) AS task_count FROM runs r ORDER BY r.id DESC LIMIT ?`),
      toResume:
        db.prepare(`SELECT r.id, r.runbook, r.mode, r.status, r.vars, r.created_at, r.started_at, r.finished_at, r.lease_owner, r.lease_expires_at,
        (SELECT count(*) FROM run_tasks t WHERE t.run_id = r.id) AS task_count FROM runs r
        WHERE r.status = 'running' AND (r.lease_owner IS NULL OR r.lease_expires_at IS NULL OR r.lease_expires_at < ?) ORDER BY r.id`),
      cancelRun: db.prepare(
        "UPDATE runs SET status = 'cancelled', finished_at = ? WHERE id = ? AND status NOT IN ('succeeded', 'cancelled')",
      ),
      cancelTasks: db.prepare(`UPDATE run_tasks SET status = 'cancelled', finished_at = ?, reason = 'run cancelled'
        WHERE run_id = ? AND status IN ('pending', 'ready', 'running', 'waiting')`),
      lease: db.prepare('UPDATE runs SET lease_owner = ?, lease_expires_at = ? WHERE id = ?'),
      release: db.prepare(
        'UPDATE runs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND lease_owner = ?',
      ),
    };
    this.commitTx = db.transaction((b: CommitBatch) => {
      // Inside BEGIN IMMEDIATE the write lock is held, so a read is as good a fence as an update.
      const held =
        b.leaseExpiresAt === undefined
          ? this.s.fenceCheck.get(b.runId, b.owner) !== undefined
          : this.s.fence.run(b.leaseExpiresAt, b.runId, b.owner).changes === 1;
      if (!held) throw leaseLost(b.runId);
      for (const t of b.tasks) this.s.updateTask.run(...taskParams(t));
      if (b.run) this.patchRun(b.runId, b.run);
      this.insertEvents(b.runId, b.events);
    });
  }

  /** Open the store in a data dir (creating the database and applying migrations). */
  static open(dataDir: string): SqliteStore {
    return new SqliteStore(openSqlite(dataDir));
  }

  /** Append events to a run's log, numbering them after its last one (call inside a write transaction). */
  private insertEvents(runId: string, events: readonly RunEvent[]): void {
    if (events.length === 0) return;
    let seq = Number(this.s.lastSeq.get(runId));
    for (const e of events)
      this.s.insertEvent.run(runId, ++seq, e.at, e.actor, e.kind, e.taskId, e.message, json(e.data));
  }

  private patchRun(runId: string, p: NonNullable<CommitBatch['run']>): void {
    this.s.runPatch.run(
      p.status ?? null,
      p.startedAt !== undefined ? 1 : 0,
      p.startedAt ?? null,
      p.finishedAt !== undefined ? 1 : 0,
      p.finishedAt ?? null,
      runId,
    );
  }

  async createRun(run: RunRecord, tasks: TaskRecord[], events: RunEvent[]): Promise<void> {
    this.db
      .transaction(() => {
        const { tasks: specs, ...head } = run.spec;
        this.s.insertRun.run(
          run.id,
          run.runbook,
          JSON.stringify(head),
          run.mode,
          run.status,
          JSON.stringify(run.vars),
          run.createdAt,
          run.startedAt,
          run.finishedAt,
          run.leaseOwner,
          run.leaseExpiresAt,
        );
        for (const t of tasks)
          this.s.insertTask.run(
            ...taskParams(t),
            t.position,
            t.name,
            t.type,
            JSON.stringify(specs[t.position] ?? null),
          );
        this.insertEvents(run.id, events);
      })
      .immediate();
  }

  async acquireLease(req: LeaseRequest): Promise<LeaseResult> {
    return this.db
      .transaction((): LeaseResult => {
        const row = this.s.getRun.get(req.runId) as Row | undefined;
        if (!row) throw runNotFound(req.runId);
        const holder = str(row.lease_owner);
        const expires = num(row.lease_expires_at);
        const free =
          holder === null || holder === req.owner || expires === null || expires < req.now || req.isStale(holder);
        if (!free) return { ok: false, holder, expiresAt: expires };
        this.s.lease.run(req.owner, req.expiresAt, req.runId);
        return { ok: true };
      })
      .immediate();
  }

  async releaseLease(runId: string, owner: string): Promise<void> {
    this.s.release.run(runId, owner);
  }

  async commit(batch: CommitBatch): Promise<void> {
    this.commitTx.immediate(batch);
  }

  async saveTaskState(
    runId: string,
    owner: string,
    leaseExpiresAt: number,
    taskId: string,
    state: Record<string, unknown>,
    event: RunEvent,
  ): Promise<void> {
    this.db
      .transaction(() => {
        if (this.s.fence.run(leaseExpiresAt, runId, owner).changes !== 1) throw leaseLost(runId);
        this.s.updateState.run(JSON.stringify(state), runId, taskId);
        this.insertEvents(runId, [event]);
      })
      .immediate();
  }

  async cancelRun(runId: string, at: string, event: RunEvent): Promise<boolean> {
    return this.db
      .transaction((): boolean => {
        if (this.s.cancelRun.run(at, runId).changes !== 1) return false;
        this.s.cancelTasks.run(at, runId);
        this.insertEvents(runId, [event]);
        return true;
      })
      .immediate();
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const r = this.s.getRun.get(runId) as Row | undefined;
    if (!r) return undefined;
    const { taskCount: _ignored, ...summary } = summaryFromRow(r);
    const head = JSON.parse(String(r.spec)) as Omit<RunRecord['spec'], 'tasks'>;
    const specs = (this.s.getTaskSpecs.all(runId) as string[]).map(
      (t) => JSON.parse(t) as RunRecord['spec']['tasks'][number],
    );
    return { ...summary, spec: { ...head, tasks: specs } };
  }

  async getTasks(runId: string): Promise<TaskRecord[]> {
    return (this.s.getTasks.all(runId) as Row[]).map(taskFromRow);
  }

  async getEvents(runId: string, afterSeq = 0): Promise<RunEvent[]> {
    return (this.s.getEvents.all(runId, afterSeq) as Row[]).map(eventFromRow);
  }

  async listRuns(limit = 50): Promise<RunSummary[]> {
    return (this.s.listRuns.all(limit) as Row[]).map(summaryFromRow);
  }

  async findRunsToResume(now: number): Promise<RunSummary[]> {
    return (this.s.toResume.all(now) as Row[]).map(summaryFromRow);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
