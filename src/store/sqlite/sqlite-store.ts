/**
 * The SQLite `Store` (better-sqlite3). Calls are synchronous underneath and wrapped as promises to
 * honour the async interface. Statements are prepared once; a `commit` is one `BEGIN IMMEDIATE`
 * transaction that first checks (or renews) the lease with its epoch — the fence — and then writes
 * every changed task row and event of a step. One host only: the clock is this process's, and a lease
 * held by a process of this host that is gone counts as free (`ClaimOptions.isStale`).
 * Notices of this store object's own writes reach its subscribers only (there is no LISTEN on
 * SQLite). Another process's commits are noticed cheaply instead: while anyone is subscribed, the
 * store reads `PRAGMA data_version` every `CHANGE_POLL_MS` (a counter SQLite moves when another
 * connection commits; no I/O in WAL mode) and sends a `changed` notice when it moved, so a worker
 * claims a run another process enqueued within tens of milliseconds, not at its 1 s poll.
 */
import { EventEmitter } from 'node:events';
import type Database from 'better-sqlite3';
import type {
  ClaimedRun,
  ClaimOptions,
  ClaimResult,
  CommitBatch,
  CreateRunOptions,
  DecisionResult,
  HeldRun,
  LoadedRun,
  ListRunsQuery,
  OperatorAction,
  RunEvent,
  RunRecord,
  RunSummary,
  Store,
  StoreNotice,
  TaskRecord,
  TaskStatus,
  WorkerRecord,
} from '../store.js';
import { DECISIVE_ACTIONS } from '../store.js';
import { openSqlite } from './open.js';
import {
  actionFromRow,
  eventFromRow,
  json,
  leaseLost,
  num,
  runNotFound,
  str,
  SUMMARY_SELECT,
  summaryFromRow,
  taskFromRow,
  workerFromRow,
  type Row,
} from '../rows.js';

export { taskFromRow } from '../rows.js';

export interface SqliteStoreOptions {
  /** The clock (epoch ms); defaults to Date.now. */
  now?: () => number;
  /** Send `events` notices to this store's subscribers on every commit (the API's live streams). */
  eventNotices?: boolean;
}

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

/** How often a subscribed store looks whether another process committed (`PRAGMA data_version`). */
export const CHANGE_POLL_MS = 25;

export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly s;
  private readonly commitTx: Database.Transaction<(b: CommitBatch) => void>;
  private readonly clock: () => number;
  private readonly notices = new EventEmitter();
  private changePoll: NodeJS.Timeout | undefined;
  private dataVersion = 0;

  constructor(
    db: Database.Database,
    private readonly o: SqliteStoreOptions = {},
  ) {
    this.db = db;
    this.clock = o.now ?? Date.now;
    this.notices.setMaxListeners(0);
    this.s = {
      insertRun:
        db.prepare(`INSERT INTO runs (id, runbook, spec, mode, status, vars, created_at, started_at, finished_at, lease_owner, lease_expires_at, lease_epoch, wake_at, idempotency_key)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      byKey: db.prepare('SELECT id FROM runs WHERE idempotency_key = ?').pluck(),
      insertTask:
        db.prepare(`INSERT INTO run_tasks (status, attempts, started_at, finished_at, next_attempt_at, error, output, state, reason, run_id, task_id, position, name, type, spec)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      updateTask:
        db.prepare(`UPDATE run_tasks SET status = ?, attempts = ?, started_at = ?, finished_at = ?, next_attempt_at = ?, error = ?, output = ?, state = ?, reason = ?
        WHERE run_id = ? AND task_id = ?`),
      insertEvent: db.prepare(
        'INSERT INTO run_events (run_id, seq, at, actor, kind, task_id, message, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      lastSeq: db.prepare('SELECT coalesce(max(seq), 0) FROM run_events WHERE run_id = ?').pluck(),
      fence: db.prepare(
        "UPDATE runs SET lease_expires_at = ? WHERE id = ? AND lease_owner = ? AND lease_epoch = ? AND status <> 'cancelled'",
      ),
      fenceCheck: db
        .prepare("SELECT 1 FROM runs WHERE id = ? AND lease_owner = ? AND lease_epoch = ? AND status <> 'cancelled'")
        .pluck(),
      runPatch:
        db.prepare(`UPDATE runs SET status = coalesce(?, status), started_at = CASE WHEN ? THEN ? ELSE started_at END,
        finished_at = CASE WHEN ? THEN ? ELSE finished_at END WHERE id = ?`),
      // Actions still pending (not applied by this commit) keep the parked run due.
      park: db.prepare(`UPDATE runs SET lease_owner = NULL, lease_expires_at = NULL,
        wake_at = CASE WHEN EXISTS (SELECT 1 FROM run_actions a WHERE a.run_id = runs.id) THEN min(coalesce(?, ?), ?) ELSE ? END
        WHERE id = ?`),
      deleteAction: db.prepare('DELETE FROM run_actions WHERE id = ? AND run_id = ?'),
      getRun: db.prepare('SELECT * FROM runs WHERE id = ?'),
      getTasks:
        db.prepare(`SELECT run_id, task_id, position, name, type, status, attempts, started_at, finished_at, next_attempt_at, error, output, state, reason
        FROM run_tasks WHERE run_id = ? ORDER BY position`),
      getTaskSpecs: db.prepare('SELECT spec FROM run_tasks WHERE run_id = ? ORDER BY position').pluck(),
      getEvents: db.prepare('SELECT * FROM run_events WHERE run_id = ? AND seq > ? ORDER BY seq'),
      toResume: db.prepare(`${SUMMARY_SELECT}
        WHERE r.status = 'running' AND (r.lease_owner IS NULL OR r.lease_expires_at IS NULL OR r.lease_expires_at < ?) ORDER BY r.id`),
      cancelRun: db.prepare(
        "UPDATE runs SET status = 'cancelled', finished_at = ?, wake_at = NULL WHERE id = ? AND status NOT IN ('succeeded', 'cancelled')",
      ),
      cancelTasks: db.prepare(`UPDATE run_tasks SET status = 'cancelled', finished_at = ?, reason = 'run cancelled'
        WHERE run_id = ? AND status IN ('pending', 'ready', 'running', 'waiting')`),
      claim: db
        .prepare(
          'UPDATE runs SET lease_owner = ?, lease_expires_at = ?, lease_epoch = lease_epoch + 1 WHERE id = ? RETURNING lease_epoch',
        )
        .pluck(),
      dueFree: db.prepare(`SELECT id FROM runs WHERE wake_at IS NOT NULL AND wake_at <= ?
        AND (lease_owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at < ?) ORDER BY wake_at, id LIMIT ?`),
      dueHeld: db.prepare(`SELECT id, lease_owner FROM runs WHERE wake_at IS NOT NULL AND wake_at <= ?
        AND lease_owner IS NOT NULL AND lease_expires_at >= ? ORDER BY wake_at, id LIMIT ?`),
      renewAll: db.prepare('UPDATE runs SET lease_expires_at = ? WHERE lease_owner = ?'),
      held: db.prepare(`SELECT r.id, r.lease_epoch, r.status, (SELECT count(*) FROM run_actions a WHERE a.run_id = r.id) AS actions
        FROM runs r WHERE r.lease_owner = ? ORDER BY r.id`),
      release: db.prepare(
        'UPDATE runs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND lease_owner = ?',
      ),
      wakeNow: db.prepare('UPDATE runs SET wake_at = min(coalesce(wake_at, ?), ?) WHERE id = ?'),
      insertAction: db.prepare(
        'INSERT INTO run_actions (run_id, kind, task_id, actor, at) VALUES (?, ?, ?, ?, ?) RETURNING id',
      ),
      actions: db.prepare('SELECT * FROM run_actions WHERE run_id = ? ORDER BY id'),
      taskStatus: db.prepare('SELECT status FROM run_tasks WHERE run_id = ? AND task_id = ?'),
      upsertWorker:
        db.prepare(`INSERT INTO workers (id, name, host, pid, started_at, heartbeat_at, heartbeat_ms, runs_held) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, heartbeat_ms = excluded.heartbeat_ms, runs_held = excluded.runs_held`),
      removeWorker: db.prepare('DELETE FROM workers WHERE id = ?'),
      workers: db.prepare('SELECT * FROM workers WHERE heartbeat_ms >= ? ORDER BY started_at, id'),
    };
    this.commitTx = db.transaction((b: CommitBatch) => {
      const now = this.clock();
      // Inside BEGIN IMMEDIATE the write lock is held, so a read is as good a fence as an update.
      const held =
        b.renewLeaseMs === undefined
          ? this.s.fenceCheck.get(b.runId, b.owner, b.epoch) !== undefined
          : this.s.fence.run(now + b.renewLeaseMs, b.runId, b.owner, b.epoch).changes === 1;
      if (!held) throw leaseLost(b.runId);
      for (const t of b.tasks) this.s.updateTask.run(...taskParams(t));
      if (b.run) this.patchRun(b.runId, b.run);
      this.insertEvents(b.runId, b.events);
      for (const id of b.actionsApplied ?? []) this.s.deleteAction.run(id, b.runId);
      if (b.park) this.s.park.run(b.park.wakeAt, now, now, b.park.wakeAt, b.runId);
    });
  }

  /** Open the store in a data dir (creating the database and applying migrations). */
  static open(dataDir: string, o: SqliteStoreOptions = {}): SqliteStore {
    return new SqliteStore(openSqlite(dataDir), o);
  }

  private notify(n: StoreNotice): void {
    this.notices.emit('notice', n);
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

  async createRun(
    run: RunRecord,
    tasks: TaskRecord[],
    events: RunEvent[],
    o: CreateRunOptions = {},
  ): Promise<{ runId: string; created: boolean }> {
    const idempotencyKey = o.idempotencyKey;
    const out = this.db
      .transaction((): { runId: string; created: boolean } => {
        if (idempotencyKey !== undefined) {
          const existing = this.s.byKey.get(idempotencyKey);
          if (existing !== undefined) return { runId: String(existing), created: false };
        }
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
          run.leaseOwner !== null && o.leaseMs !== undefined ? this.clock() + o.leaseMs : run.leaseExpiresAt,
          run.leaseEpoch,
          run.wakeAt,
          idempotencyKey ?? null,
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
        return { runId: run.id, created: true };
      })
      .immediate();
    if (out.created && run.wakeAt !== null) this.notify({ kind: 'due', runId: run.id, created: true });
    return out;
  }

  async claimRun(runId: string, o: ClaimOptions): Promise<ClaimResult> {
    return this.db
      .transaction((): ClaimResult => {
        const now = this.clock();
        const row = this.s.getRun.get(runId) as Row | undefined;
        if (!row) throw runNotFound(runId);
        const holder = str(row.lease_owner);
        const expires = num(row.lease_expires_at);
        const free =
          holder === null || holder === o.owner || expires === null || expires < now || (o.isStale?.(holder) ?? false);
        if (!free) return { ok: false, holder, expiresAt: expires };
        return { ok: true, epoch: Number(this.s.claim.get(o.owner, now + o.leaseMs, runId)) };
      })
      .immediate();
  }

  async claimRuns(o: ClaimOptions & { limit: number }): Promise<ClaimedRun[]> {
    if (o.limit <= 0) return [];
    return this.db
      .transaction((): ClaimedRun[] => {
        const now = this.clock();
        const ids = (this.s.dueFree.all(now, now, o.limit) as Row[]).map((r) => String(r.id));
        if (o.isStale && ids.length < o.limit) {
          for (const r of this.s.dueHeld.all(now, now, o.limit - ids.length) as Row[])
            if (o.isStale(String(r.lease_owner))) ids.push(String(r.id));
        }
        return ids.map((runId) => ({ runId, epoch: Number(this.s.claim.get(o.owner, now + o.leaseMs, runId)) }));
      })
      .immediate();
  }

  async heldRuns(owner: string, renewLeaseMs?: number): Promise<HeldRun[]> {
    return this.db
      .transaction((): HeldRun[] => {
        if (renewLeaseMs !== undefined) this.s.renewAll.run(this.clock() + renewLeaseMs, owner);
        return (this.s.held.all(owner) as Row[]).map((r) => ({
          runId: String(r.id),
          epoch: Number(r.lease_epoch),
          status: String(r.status) as HeldRun['status'],
          pendingActions: Number(r.actions),
        }));
      })
      .immediate();
  }

  async releaseLease(runId: string, owner: string): Promise<void> {
    this.s.release.run(runId, owner);
  }

  async commit(batch: CommitBatch): Promise<void> {
    this.commitTx.immediate(batch);
    if (this.o.eventNotices && batch.events.length > 0) this.notify({ kind: 'events', runId: batch.runId });
  }

  async recordAction(a: Omit<OperatorAction, 'id'>): Promise<OperatorAction> {
    const id = this.db
      .transaction((): number => {
        const now = this.clock();
        if (this.s.wakeNow.run(now, now, a.runId).changes !== 1) throw runNotFound(a.runId);
        return Number((this.s.insertAction.get(a.runId, a.kind, a.taskId, a.actor, a.at) as Row).id);
      })
      .immediate();
    this.notify({ kind: 'due', runId: a.runId });
    return { id, ...a };
  }

  async recordDecision(a: Omit<OperatorAction, 'id'>, allowed: readonly TaskStatus[]): Promise<DecisionResult> {
    const out = this.db
      .transaction((): DecisionResult => {
        const now = this.clock();
        if (this.s.wakeNow.run(now, now, a.runId).changes !== 1) throw runNotFound(a.runId);
        const row = this.s.taskStatus.get(a.runId, a.taskId) as Row | undefined;
        const status = row ? (String(row.status) as TaskStatus) : undefined;
        const pending = (this.s.actions.all(a.runId) as Row[])
          .map(actionFromRow)
          .find((p) => p.taskId === a.taskId && DECISIVE_ACTIONS.includes(p.kind));
        if (!status || !allowed.includes(status) || pending)
          return { ok: false, status, ...(pending ? { pending } : {}) };
        const id = Number((this.s.insertAction.get(a.runId, a.kind, a.taskId, a.actor, a.at) as Row).id);
        return { ok: true, action: { id, ...a } };
      })
      .immediate();
    if (out.ok) this.notify({ kind: 'due', runId: a.runId });
    return out;
  }

  async pendingActions(runId: string): Promise<OperatorAction[]> {
    return (this.s.actions.all(runId) as Row[]).map(actionFromRow);
  }

  async cancelRun(runId: string, at: string, event: RunEvent): Promise<boolean> {
    const ok = this.db
      .transaction((): boolean => {
        if (this.s.cancelRun.run(at, runId).changes !== 1) return false;
        this.s.cancelTasks.run(at, runId);
        this.insertEvents(runId, [event]);
        return true;
      })
      .immediate();
    if (ok) this.notify({ kind: 'cancelled', runId });
    return ok;
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

  async loadRuns(runIds: readonly string[]): Promise<LoadedRun[]> {
    const out: LoadedRun[] = [];
    for (const id of runIds) {
      const run = await this.getRun(id);
      if (run) out.push({ run, tasks: await this.getTasks(id), actions: await this.pendingActions(id) });
    }
    return out;
  }

  async getTasks(runId: string): Promise<TaskRecord[]> {
    return (this.s.getTasks.all(runId) as Row[]).map(taskFromRow);
  }

  async getEvents(runId: string, afterSeq = 0): Promise<RunEvent[]> {
    return (this.s.getEvents.all(runId, afterSeq) as Row[]).map(eventFromRow);
  }

  async listRuns(query: number | ListRunsQuery = {}): Promise<RunSummary[]> {
    const q = typeof query === 'number' ? { limit: query } : query;
    const where: string[] = [];
    const params: unknown[] = [];
    for (const [col, v] of [
      ['r.runbook', q.runbook],
      ['r.status', q.status],
      ['r.mode', q.mode],
    ] as const) {
      if (v !== undefined) {
        where.push(`${col} = ?`);
        params.push(v);
      }
    }
    if (q.before !== undefined) {
      where.push('r.id < ?');
      params.push(q.before);
    }
    const sql = `${SUMMARY_SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY r.id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...params, q.limit ?? 50) as Row[]).map(summaryFromRow);
  }

  async findRunsToResume(now: number): Promise<RunSummary[]> {
    return (this.s.toResume.all(now) as Row[]).map(summaryFromRow);
  }

  async heartbeatWorker(w: WorkerRecord): Promise<void> {
    this.s.upsertWorker.run(w.id, w.name, w.host, w.pid, w.startedAt, w.heartbeatAt, this.clock(), w.runsHeld);
  }

  async removeWorker(id: string): Promise<void> {
    this.s.removeWorker.run(id);
  }

  async listWorkers(aliveWithinMs: number): Promise<WorkerRecord[]> {
    return (this.s.workers.all(this.clock() - aliveWithinMs) as Row[]).map(workerFromRow);
  }

  async subscribe(listener: (n: StoreNotice) => void): Promise<() => Promise<void>> {
    this.notices.on('notice', listener);
    this.watchOthers();
    return async () => {
      this.notices.off('notice', listener);
      if (this.notices.listenerCount('notice') === 0) {
        clearInterval(this.changePoll);
        this.changePoll = undefined;
      }
    };
  }

  /** While subscribed: a `changed` notice when another connection committed (see the file comment). */
  private watchOthers(): void {
    if (this.changePoll || !this.db.open) return;
    this.dataVersion = this.version();
    this.changePoll = setInterval(() => {
      if (!this.db.open) {
        clearInterval(this.changePoll);
        this.changePoll = undefined;
        return;
      }
      let v: number;
      try {
        v = this.version();
      } catch {
        return; // busy or closing: the workers' own poll still finds the work
      }
      if (v === this.dataVersion) return;
      this.dataVersion = v;
      this.notify({ kind: 'changed' });
    }, CHANGE_POLL_MS);
    this.changePoll.unref();
  }

  private version(): number {
    return Number(this.db.pragma('data_version', { simple: true }));
  }

  async announceOwner(_owner: string): Promise<void> {}

  async now(): Promise<number> {
    return this.clock();
  }

  async close(): Promise<void> {
    clearInterval(this.changePoll);
    this.changePoll = undefined;
    if (this.db.open) this.db.close();
  }
}
