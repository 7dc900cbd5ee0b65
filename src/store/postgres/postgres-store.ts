/**
 * The PostgreSQL `Store` (node-postgres), same contract as the SQLite one. A `commit` is one
 * transaction of at most four statements whatever the batch size: the lease fence, one
 * `UPDATE … FROM jsonb_to_recordset` for all task rows, an optional run patch, one multi-row event insert.
 */
import type pg from 'pg';
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
import { openPostgresPool, type PostgresOpenOptions } from './pool.js';
import {
  eventFromRow,
  json,
  leaseLost,
  num,
  runNotFound as notFound,
  str,
  summaryFromRow,
  taskFromRow,
  type Row,
} from '../rows.js';

const TASK_COLUMNS = `task_id text, status text, attempts int, started_at text, finished_at text, next_attempt_at bigint,
  error text, output text, state text, reason text`;
const SUMMARY = `SELECT r.id, r.runbook, r.mode, r.status, r.vars, r.created_at, r.started_at, r.finished_at, r.lease_owner, r.lease_expires_at,
  (SELECT count(*) FROM run_tasks t WHERE t.run_id = r.id) AS task_count FROM runs r`;

const taskJson = (t: TaskRecord) => ({
  task_id: t.taskId,
  status: t.status,
  attempts: t.attempts,
  started_at: t.startedAt,
  finished_at: t.finishedAt,
  next_attempt_at: t.nextAttemptAt,
  error: json(t.error),
  output: json(t.output),
  state: json(t.state),
  reason: t.reason,
});
const eventJson = (e: RunEvent) => ({
  at: e.at,
  actor: e.actor,
  kind: e.kind,
  task_id: e.taskId,
  message: e.message,
  data: json(e.data),
});

export type PostgresStoreOptions = PostgresOpenOptions;

export class PostgresStore implements Store {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly owned: boolean,
  ) {}

  /** Connect, create the schema if asked, and apply pending migrations. */
  static async open(o: PostgresStoreOptions = {}): Promise<PostgresStore> {
    return new PostgresStore(await openPostgresPool(o), true);
  }

  /** Use a pool someone else owns (and closes), already migrated: the runtime's. */
  static over(pool: pg.Pool): PostgresStore {
    return new PostgresStore(pool, false);
  }

  /** Run `fn` in one transaction on one connection. */
  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK');
      throw err;
    } finally {
      c.release();
    }
  }

  private async insertEvents(c: pg.PoolClient, runId: string, events: RunEvent[]): Promise<void> {
    if (events.length === 0) return;
    // Numbered after the run's last event; callers hold the run's row lock, so numbers cannot collide.
    await c.query(
      `INSERT INTO run_events (run_id, seq, at, actor, kind, task_id, message, data)
      SELECT $1, (SELECT coalesce(max(seq), 0) FROM run_events WHERE run_id = $1) + e.n, e.v->>'at', e.v->>'actor', e.v->>'kind', e.v->>'task_id', e.v->>'message', e.v->>'data'
      FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e(v, n) ORDER BY e.n`,
      [runId, JSON.stringify(events.map(eventJson))],
    );
  }

  private async fence(c: pg.PoolClient, runId: string, owner: string, expiresAt: number | undefined): Promise<void> {
    // FOR UPDATE holds the run row to the end of the transaction, so a cancel or takeover waits for it.
    const r =
      expiresAt === undefined
        ? await c.query("SELECT 1 FROM runs WHERE id = $1 AND lease_owner = $2 AND status <> 'cancelled' FOR UPDATE", [
            runId,
            owner,
          ])
        : await c.query(
            "UPDATE runs SET lease_expires_at = $1 WHERE id = $2 AND lease_owner = $3 AND status <> 'cancelled'",
            [expiresAt, runId, owner],
          );
    if (r.rowCount !== 1) throw leaseLost(runId);
  }

  async createRun(run: RunRecord, tasks: TaskRecord[], events: RunEvent[]): Promise<void> {
    const { tasks: specs, ...head } = run.spec;
    await this.tx(async (c) => {
      await c.query(
        `INSERT INTO runs (id, runbook, spec, mode, status, vars, created_at, started_at, finished_at, lease_owner, lease_expires_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
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
        ],
      );
      if (tasks.length > 0) {
        await c.query(
          `INSERT INTO run_tasks (run_id, task_id, position, name, type, spec, status, attempts, started_at, finished_at, next_attempt_at, error, output, state, reason)
          SELECT $1, x.task_id, x.position, x.name, x.type, x.spec, x.status, x.attempts, x.started_at, x.finished_at, x.next_attempt_at, x.error, x.output, x.state, x.reason
          FROM jsonb_to_recordset($2::jsonb) AS x(${TASK_COLUMNS}, position int, name text, type text, spec text)`,
          [
            run.id,
            JSON.stringify(
              tasks.map((t) => ({
                ...taskJson(t),
                position: t.position,
                name: t.name,
                type: t.type,
                spec: JSON.stringify(specs[t.position] ?? null),
              })),
            ),
          ],
        );
      }
      await this.insertEvents(c, run.id, events);
    });
  }

  async acquireLease(req: LeaseRequest): Promise<LeaseResult> {
    return this.tx(async (c): Promise<LeaseResult> => {
      const r = await c.query('SELECT lease_owner, lease_expires_at FROM runs WHERE id = $1 FOR UPDATE', [req.runId]);
      const row = r.rows[0] as Row | undefined;
      if (!row) throw notFound(req.runId);
      const holder = str(row.lease_owner);
      const expires = num(row.lease_expires_at);
      const free =
        holder === null || holder === req.owner || expires === null || expires < req.now || req.isStale(holder);
      if (!free) return { ok: false, holder, expiresAt: expires };
      await c.query('UPDATE runs SET lease_owner = $1, lease_expires_at = $2 WHERE id = $3', [
        req.owner,
        req.expiresAt,
        req.runId,
      ]);
      return { ok: true };
    });
  }

  async releaseLease(runId: string, owner: string): Promise<void> {
    await this.pool.query(
      'UPDATE runs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = $1 AND lease_owner = $2',
      [runId, owner],
    );
  }

  async commit(b: CommitBatch): Promise<void> {
    await this.tx(async (c) => {
      await this.fence(c, b.runId, b.owner, b.leaseExpiresAt);
      if (b.tasks.length > 0) {
        await c.query(
          `UPDATE run_tasks t SET status = x.status, attempts = x.attempts, started_at = x.started_at, finished_at = x.finished_at,
            next_attempt_at = x.next_attempt_at, error = x.error, output = x.output, state = x.state, reason = x.reason
          FROM jsonb_to_recordset($2::jsonb) AS x(${TASK_COLUMNS}) WHERE t.run_id = $1 AND t.task_id = x.task_id`,
          [b.runId, JSON.stringify(b.tasks.map(taskJson))],
        );
      }
      if (b.run) {
        const p = b.run;
        await c.query(
          `UPDATE runs SET status = coalesce($1, status), started_at = CASE WHEN $2 THEN $3 ELSE started_at END,
          finished_at = CASE WHEN $4 THEN $5 ELSE finished_at END WHERE id = $6`,
          [
            p.status ?? null,
            p.startedAt !== undefined,
            p.startedAt ?? null,
            p.finishedAt !== undefined,
            p.finishedAt ?? null,
            b.runId,
          ],
        );
      }
      await this.insertEvents(c, b.runId, b.events);
    });
  }

  async saveTaskState(
    runId: string,
    owner: string,
    leaseExpiresAt: number,
    taskId: string,
    state: Record<string, unknown>,
    event: RunEvent,
  ): Promise<void> {
    await this.tx(async (c) => {
      await this.fence(c, runId, owner, leaseExpiresAt);
      await c.query('UPDATE run_tasks SET state = $1 WHERE run_id = $2 AND task_id = $3', [
        JSON.stringify(state),
        runId,
        taskId,
      ]);
      await this.insertEvents(c, runId, [event]);
    });
  }

  async cancelRun(runId: string, at: string, event: RunEvent): Promise<boolean> {
    return this.tx(async (c) => {
      const r = await c.query(
        "UPDATE runs SET status = 'cancelled', finished_at = $1 WHERE id = $2 AND status NOT IN ('succeeded', 'cancelled')",
        [at, runId],
      );
      if (r.rowCount !== 1) return false;
      await c.query(
        `UPDATE run_tasks SET status = 'cancelled', finished_at = $1, reason = 'run cancelled'
        WHERE run_id = $2 AND status IN ('pending', 'ready', 'running', 'waiting')`,
        [at, runId],
      );
      await this.insertEvents(c, runId, [event]);
      return true;
    });
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const r = (await this.pool.query('SELECT * FROM runs WHERE id = $1', [runId])).rows[0] as Row | undefined;
    if (!r) return undefined;
    const { taskCount: _ignored, ...summary } = summaryFromRow(r);
    const head = JSON.parse(String(r.spec)) as Omit<RunRecord['spec'], 'tasks'>;
    const specs = (
      await this.pool.query('SELECT spec FROM run_tasks WHERE run_id = $1 ORDER BY position', [runId])
    ).rows.map((row: Row) => JSON.parse(String(row.spec)) as RunRecord['spec']['tasks'][number]);
    return { ...summary, spec: { ...head, tasks: specs } };
  }

  async getTasks(runId: string): Promise<TaskRecord[]> {
    return (
      (
        await this.pool.query(
          `SELECT run_id, task_id, position, name, type, status, attempts, started_at, finished_at, next_attempt_at,
      error, output, state, reason FROM run_tasks WHERE run_id = $1 ORDER BY position`,
          [runId],
        )
      ).rows as Row[]
    ).map(taskFromRow);
  }

  async getEvents(runId: string, afterSeq = 0): Promise<RunEvent[]> {
    return (
      (await this.pool.query('SELECT * FROM run_events WHERE run_id = $1 AND seq > $2 ORDER BY seq', [runId, afterSeq]))
        .rows as Row[]
    ).map(eventFromRow);
  }

  async listRuns(limit = 50): Promise<RunSummary[]> {
    return ((await this.pool.query(`${SUMMARY} ORDER BY r.id DESC LIMIT $1`, [limit])).rows as Row[]).map(
      summaryFromRow,
    );
  }

  async findRunsToResume(now: number): Promise<RunSummary[]> {
    return (
      (
        await this.pool.query(
          `${SUMMARY} WHERE r.status = 'running' AND (r.lease_owner IS NULL OR r.lease_expires_at IS NULL OR r.lease_expires_at < $1) ORDER BY r.id`,
          [now],
        )
      ).rows as Row[]
    ).map(summaryFromRow);
  }

  async close(): Promise<void> {
    if (this.owned) await this.pool.end();
  }
}
