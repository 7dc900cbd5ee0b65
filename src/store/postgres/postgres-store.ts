/**
 * The PostgreSQL `Store` (node-postgres), same contract as the SQLite one, for many workers on many
 * hosts. Lease times come from the database clock (`now()`), never a host's; claims take due runs with
 * `FOR UPDATE SKIP LOCKED` and increment the run's fencing epoch; every holder write checks owner and
 * epoch. A `commit` is one transaction of a few statements whatever the batch size: the lease fence
 * (row lock), one `UPDATE … FROM jsonb_to_recordset` for all task rows, an optional run patch, one
 * multi-row event insert, and the park. Notices go through `NOTIFY` on a channel named after the schema.
 */
import pg from 'pg';
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
import { prepared } from './prepared.js';
import { CommitBatcher } from './commit-batcher.js';
import { openPostgresPool, type PostgresOpenOptions } from './pool.js';
import { searchPathSchemaOf } from './url.js';
import {
  actionFromRow,
  eventFromRow,
  json,
  leaseLost,
  num,
  runNotFound as notFound,
  SUMMARY_SELECT as SUMMARY,
  summaryFromRow,
  taskFromRow,
  workerFromRow,
  type Row,
} from '../rows.js';

/** The advisory lock key naming a lease owner's live session. */
const OWNER_KEY = (col: string) => `hashtextextended(${col}, 7413002)`;
/** True when the owner's session is still connected (its liveness lock cannot be taken). */
const OWNER_ALIVE = (col: string) =>
  `(CASE WHEN pg_try_advisory_lock(${OWNER_KEY(col)}) THEN NOT pg_advisory_unlock(${OWNER_KEY(col)}) ELSE true END)`;

/**
 * Holder writes of one process on their way at once before the next ones wait and go together: few
 * enough that a busy worker's writes group (fewer transactions and round trips), and enough that one
 * slow write does not hold the others up.
 */
const COMMITS_IN_FLIGHT = 2;

/** The database clock in epoch ms. */
const NOW_MS = '(extract(epoch from now()) * 1000)::bigint';

const TASK_COLUMNS = `task_id text, status text, attempts int, started_at text, finished_at text, next_attempt_at bigint,
  error text, output text, state text, reason text`;

/**
 * Create a run, its tasks and first events in one statement (one round trip, one transaction); the
 * notice is sent in it only when a channel is given (else after the commit, see `announce`). `runs`
 * first: the others join on it, and foreign keys are checked at the end of the statement.
 */
const CREATE_RUN = `WITH r AS (
  INSERT INTO runs (id, runbook, spec, mode, status, vars, created_at, started_at, finished_at, lease_owner, lease_expires_at, lease_epoch, wake_at, idempotency_key)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, CASE WHEN $15::bigint IS NULL THEN $11::bigint ELSE ${NOW_MS} + $15::bigint END,
    $12, CASE WHEN $5 = 'queued' THEN ${NOW_MS} ELSE $13::bigint END, $14)
  RETURNING id),
t AS (
  INSERT INTO run_tasks (run_id, task_id, position, name, type, spec, status, attempts, started_at, finished_at, next_attempt_at, error, output, state, reason)
  SELECT r.id, x.task_id, x.position, x.name, x.type, x.spec, x.status, x.attempts, x.started_at, x.finished_at, x.next_attempt_at, x.error, x.output, x.state, x.reason
  FROM r, jsonb_to_recordset($16::jsonb) AS x(${TASK_COLUMNS}, position int, name text, type text, spec text)),
e AS (
  INSERT INTO run_events (run_id, seq, at, actor, kind, task_id, message, data)
  SELECT r.id, ev.n, ev.v->>'at', ev.v->>'actor', ev.v->>'kind', ev.v->>'task_id', ev.v->>'message', ev.v->>'data'
  FROM r, jsonb_array_elements($17::jsonb) WITH ORDINALITY AS ev(v, n))
SELECT CASE WHEN $18::text IS NOT NULL THEN pg_notify($18::text, $19::text) END FROM r`;

/**
 * Runs with their tasks (specs included, in runbook order) and pending actions, one row per run. Task
 * JSON columns stay text inside the aggregate (the row mappers parse and check them); specs are embedded.
 */
const LOAD_RUNS = `SELECT r.*,
  (SELECT json_agg(json_build_object('task_id', t.task_id, 'position', t.position, 'name', t.name, 'type', t.type,
    'spec', t.spec::json, 'status', t.status, 'attempts', t.attempts, 'started_at', t.started_at,
    'finished_at', t.finished_at, 'next_attempt_at', t.next_attempt_at, 'error', t.error, 'output', t.output,
    'state', t.state, 'reason', t.reason) ORDER BY t.position) FROM run_tasks t WHERE t.run_id = r.id) AS tasks_json,
  (SELECT json_agg(a ORDER BY a.id) FROM run_actions a WHERE a.run_id = r.id) AS actions_json
FROM runs r WHERE r.id = ANY($1::text[])`;

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

/** A holder write: `runwire_commit`'s arguments by name (a `runwire_commit_batch` element as is). */
interface HolderWrite {
  run: string;
  owner: string;
  epoch: number;
  renew_ms: number | null;
  tasks: ReturnType<typeof taskJson>[] | null;
  status: string | null;
  set_started: boolean;
  started_at: string | null;
  set_finished: boolean;
  finished_at: string | null;
  events: ReturnType<typeof eventJson>[] | null;
  applied: number[] | null;
  park: boolean;
  wake_at: number | null;
  /** Always null now (task state travels in `tasks`); kept because migration 3's function takes them. */
  state_task: string | null;
  state: string | null;
  channel: string | null;
}

export interface PostgresStoreOptions extends PostgresOpenOptions {
  /** NOTIFY an `events` notice on every commit that appends events (the API's live streams). */
  eventNotices?: boolean;
}

export class PostgresStore implements Store {
  readonly dialect = 'postgres' as const;
  /** LISTEN/NOTIFY channel: one per schema, so tests on fresh schemas do not hear each other. */
  private readonly channel: string;
  private listener: pg.Client | undefined;
  private liveness: pg.Client | undefined;
  private readonly listeners = new Set<(n: StoreNotice) => void>();
  /** Created runs whose `due` notice waits for the next announce (see `announce`). */
  private announcing: Array<{ runId: string; resolve: () => void }> = [];
  private announceInFlight = false;
  /** Creates on their way that send their notice in their own statement. */
  private creating = 0;
  /** Holder writes, grouped when several wait at once (see `CommitBatcher`). */
  private readonly commits = new CommitBatcher<HolderWrite>({
    maxInFlight: COMMITS_IN_FLIGHT,
    maxBatch: 64,
    one: (w) => this.writeOne(w),
    many: (ws) => this.writeMany(ws),
    key: (w) => w.run,
  });

  private constructor(
    private readonly pool: pg.Pool,
    private readonly owned: boolean,
    private readonly o: PostgresStoreOptions,
  ) {
    const schema = o.schema ?? searchPathSchemaOf(pool.options.connectionString ?? '');
    this.channel = `runwire${schema ? `_${schema}` : ''}`.slice(0, 63);
  }

  /** Connect, create the schema if asked, and apply pending migrations. */
  static async open(o: PostgresStoreOptions = {}): Promise<PostgresStore> {
    return new PostgresStore(await openPostgresPool(o), true, o);
  }

  /** Use a pool someone else owns (and closes), already migrated: the runtime's. */
  static over(pool: pg.Pool, o: Pick<PostgresStoreOptions, 'eventNotices'> = {}): PostgresStore {
    return new PostgresStore(pool, false, o);
  }

  /** Queue a NOTIFY inside the transaction `c` (delivered when it commits). */
  private async notify(c: pg.PoolClient | pg.Pool, n: StoreNotice): Promise<void> {
    await c.query(prepared('SELECT pg_notify($1, $2)', [this.channel, JSON.stringify(n)]));
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
      prepared(
        `INSERT INTO run_events (run_id, seq, at, actor, kind, task_id, message, data)
      SELECT $1, (SELECT coalesce(max(seq), 0) FROM run_events WHERE run_id = $1) + e.n, e.v->>'at', e.v->>'actor', e.v->>'kind', e.v->>'task_id', e.v->>'message', e.v->>'data'
      FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e(v, n) ORDER BY e.n`,
        [runId, JSON.stringify(events.map(eventJson))],
      ),
    );
  }

  async createRun(
    run: RunRecord,
    tasks: TaskRecord[],
    events: RunEvent[],
    o: CreateRunOptions = {},
  ): Promise<{ runId: string; created: boolean }> {
    const idempotencyKey = o.idempotencyKey;
    const { tasks: specs, ...head } = run.spec;
    const byKey = async (): Promise<string | undefined> => {
      if (idempotencyKey === undefined) return undefined;
      const r = await this.pool.query(prepared('SELECT id FROM runs WHERE idempotency_key = $1', [idempotencyKey]));
      return r.rows[0] ? String((r.rows[0] as Row).id) : undefined;
    };
    try {
      await this.createRunTx(run, head, specs, tasks, events, o);
    } catch (err) {
      // A key used before (a repeat, or two creates with one key at once): the unique index lets one
      // run in; the others return it. Asking after the insert, not before, keeps a first create with a
      // key at one round trip; only a repeat pays for the second.
      const raced = (err as { code?: string }).code === '23505' ? await byKey() : undefined;
      if (raced !== undefined) return { runId: raced, created: false };
      throw err;
    }
    return { runId: run.id, created: true };
  }

  private async createRunTx(
    run: RunRecord,
    head: Omit<RunRecord['spec'], 'tasks'>,
    specs: RunRecord['spec']['tasks'],
    tasks: TaskRecord[],
    events: RunEvent[],
    o: CreateRunOptions,
  ): Promise<void> {
    // One statement, so one round trip and its own transaction. A queued run is due at once by the
    // database clock (not the creating host's). Only a run nobody holds is announced: a run created
    // claimed (the CLI's `run`) is driven by its creator, so waking every worker for it is wasted.
    const announce = run.wakeAt !== null && run.leaseOwner === null;
    // Alone, the notice goes in the create's own statement (one round trip); with other creates or
    // notices of this process on their way, after the commit, grouped (see `announce`).
    const inline = announce && this.creating === 0 && !this.announceInFlight && this.announcing.length === 0;
    if (inline) this.creating++;
    try {
      await this.insertRun(run, head, specs, tasks, events, o, inline);
    } finally {
      if (inline) this.creating--;
    }
    if (announce && !inline) await this.announce(run.id);
  }

  private async insertRun(
    run: RunRecord,
    head: Omit<RunRecord['spec'], 'tasks'>,
    specs: RunRecord['spec']['tasks'],
    tasks: TaskRecord[],
    events: RunEvent[],
    o: CreateRunOptions,
    notify: boolean,
  ): Promise<void> {
    await this.pool.query({
      name: 'runwire_create_run',
      text: CREATE_RUN,
      values: [
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
        run.leaseEpoch,
        run.wakeAt,
        o.idempotencyKey ?? null,
        run.leaseOwner !== null && o.leaseMs !== undefined ? o.leaseMs : null,
        JSON.stringify(
          tasks.map((t) => ({
            ...taskJson(t),
            position: t.position,
            name: t.name,
            type: t.type,
            spec: JSON.stringify(specs[t.position] ?? null),
          })),
        ),
        JSON.stringify(events.map(eventJson)),
        notify ? this.channel : null,
        JSON.stringify({ kind: 'due', runId: run.id, created: true }),
      ],
    });
  }

  /**
   * Tell the workers that a created run is due, after its commit. A NOTIFY serialises the commits
   * that send one (PostgreSQL takes one lock for every notifying commit, held through its WAL flush):
   * inside every create it capped a process's concurrent enqueues at one commit at a time (200–400 a
   * second at load 10 against 1,000+ without). So concurrent creates commit on their own and their
   * notices go in one statement per round: while one is on its way, the creates committed meanwhile
   * wait for the next (each notice as before, one per run). Resolves once sent; a failure is not the
   * create's (the run exists and the workers' poll finds it within a second), so it resolves then too.
   */
  private announce(runId: string): Promise<void> {
    return new Promise<void>((resolve) => {
      this.announcing.push({ runId, resolve });
      this.pumpAnnounce();
    });
  }

  private pumpAnnounce(): void {
    if (this.announceInFlight || this.announcing.length === 0) return;
    const batch = this.announcing.splice(0);
    this.announceInFlight = true;
    const payloads = batch.map((b) => JSON.stringify({ kind: 'due', runId: b.runId, created: true }));
    void this.pool
      .query({
        name: 'runwire_announce',
        text: 'SELECT count(pg_notify($1, x)) FROM unnest($2::text[]) AS x',
        values: [this.channel, payloads],
      })
      .catch(() => undefined)
      .finally(() => {
        this.announceInFlight = false;
        for (const b of batch) b.resolve();
        this.pumpAnnounce();
      });
  }

  async claimRun(runId: string, o: ClaimOptions): Promise<ClaimResult> {
    // One statement: free, expired (database clock) or our own lease is taken and the epoch incremented.
    // No pid shortcut here: another container may share this host name.
    const r = await this.pool.query(
      prepared(
        `WITH cur AS (SELECT id, lease_owner, lease_expires_at FROM runs WHERE id = $1 FOR UPDATE),
      took AS (
        UPDATE runs r SET lease_owner = $2, lease_expires_at = ${NOW_MS} + $3, lease_epoch = r.lease_epoch + 1 FROM cur
        WHERE r.id = cur.id AND (cur.lease_owner IS NULL OR cur.lease_owner = $2 OR cur.lease_expires_at IS NULL OR cur.lease_expires_at < ${NOW_MS}
          OR ($4 AND NOT ${OWNER_ALIVE('cur.lease_owner')}))
        RETURNING r.lease_epoch)
      SELECT cur.lease_owner, cur.lease_expires_at, (SELECT lease_epoch FROM took) AS epoch FROM cur`,
        [runId, o.owner, o.leaseMs, o.isStale !== undefined],
      ),
    );
    const row = r.rows[0] as Row | undefined;
    if (!row) throw notFound(runId);
    if (row.epoch !== null && row.epoch !== undefined) return { ok: true, epoch: Number(row.epoch) };
    return { ok: false, holder: String(row.lease_owner), expiresAt: num(row.lease_expires_at) };
  }

  async claimRuns(o: ClaimOptions & { limit: number }): Promise<ClaimedRun[]> {
    if (o.limit <= 0) return [];
    const r = await this.pool.query(
      prepared(
        `WITH due AS (
        SELECT id FROM runs WHERE wake_at <= ${NOW_MS}
          AND (lease_owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at < ${NOW_MS})
        ORDER BY wake_at LIMIT $1 FOR UPDATE SKIP LOCKED)
      UPDATE runs r SET lease_owner = $2, lease_expires_at = ${NOW_MS} + $3, lease_epoch = r.lease_epoch + 1
      FROM due WHERE r.id = due.id RETURNING r.id, r.lease_epoch`,
        [o.limit, o.owner, o.leaseMs],
      ),
    );
    return (r.rows as Row[]).map((x) => ({ runId: String(x.id), epoch: Number(x.lease_epoch) }));
  }

  async heldRuns(owner: string, renewLeaseMs?: number): Promise<HeldRun[]> {
    const r =
      renewLeaseMs === undefined
        ? await this.pool.query(
            prepared(
              `SELECT r.id, r.lease_epoch, r.status, (SELECT count(*) FROM run_actions a WHERE a.run_id = r.id) AS actions
            FROM runs r WHERE r.lease_owner = $1 ORDER BY r.id`,
              [owner],
            ),
          )
        : // Rows locked in id order, as batched commits lock them: the two never wait on each other in a cycle.
          await this.pool.query(
            prepared(
              `WITH mine AS (SELECT id FROM runs WHERE lease_owner = $1 ORDER BY id FOR UPDATE)
            UPDATE runs r SET lease_expires_at = ${NOW_MS} + $2 FROM mine WHERE r.id = mine.id AND r.lease_owner = $1
            RETURNING r.id, r.lease_epoch, r.status, (SELECT count(*) FROM run_actions a WHERE a.run_id = r.id) AS actions`,
              [owner, renewLeaseMs],
            ),
          );
    return (r.rows as Row[])
      .map((x) => ({
        runId: String(x.id),
        epoch: Number(x.lease_epoch),
        status: String(x.status) as HeldRun['status'],
        pendingActions: Number(x.actions),
      }))
      .sort((a, b) => (a.runId < b.runId ? -1 : 1));
  }

  async releaseLease(runId: string, owner: string): Promise<void> {
    await this.pool.query(
      prepared('UPDATE runs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = $1 AND lease_owner = $2', [
        runId,
        owner,
      ]),
    );
  }

  async commit(b: CommitBatch): Promise<void> {
    const p = b.run;
    await this.write({
      run: b.runId,
      owner: b.owner,
      epoch: b.epoch,
      renew_ms: b.renewLeaseMs ?? null,
      tasks: b.tasks.length > 0 ? b.tasks.map(taskJson) : null,
      status: p?.status ?? null,
      set_started: p?.startedAt !== undefined,
      started_at: p?.startedAt ?? null,
      set_finished: p?.finishedAt !== undefined,
      finished_at: p?.finishedAt ?? null,
      events: b.events.length > 0 ? b.events.map(eventJson) : null,
      applied: b.actionsApplied && b.actionsApplied.length > 0 ? b.actionsApplied : null,
      park: b.park !== undefined,
      wake_at: b.park?.wakeAt ?? null,
      state_task: null,
      state: null,
      channel: this.o.eventNotices && b.events.length > 0 ? this.channel : null,
    });
  }

  /**
   * One holder write: `runwire_commit` (migration 3) fences, writes and parks in one round trip; when
   * other writes of this process are on their way already, it goes with those that wait beside it in
   * one `runwire_commit_batch` (migration 4: one transaction, each write fenced on its own).
   */
  private async write(w: HolderWrite): Promise<void> {
    if (!(await this.commits.write(w))) throw leaseLost(w.run);
  }

  private async writeOne(w: HolderWrite): Promise<boolean> {
    const r = await this.pool.query({
      name: 'runwire_commit',
      text: 'SELECT runwire_commit($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) AS ok',
      values: [
        w.run,
        w.owner,
        w.epoch,
        w.renew_ms,
        w.tasks ? JSON.stringify(w.tasks) : null,
        w.status,
        w.set_started,
        w.started_at,
        w.set_finished,
        w.finished_at,
        w.events ? JSON.stringify(w.events) : null,
        w.applied,
        w.park,
        w.wake_at,
        w.state_task,
        w.state,
        w.channel,
      ],
    });
    return (r.rows[0] as Row | undefined)?.ok === true;
  }

  private async writeMany(ws: HolderWrite[]): Promise<boolean[]> {
    const r = await this.pool.query({
      name: 'runwire_commit_batch',
      text: 'SELECT runwire_commit_batch($1::jsonb) AS ok',
      values: [JSON.stringify(ws)],
    });
    const ok = (r.rows[0] as Row | undefined)?.ok;
    return Array.isArray(ok) ? ok.map((x) => x === true) : [];
  }

  async recordAction(a: Omit<OperatorAction, 'id'>): Promise<OperatorAction> {
    return this.tx(async (c) => {
      // The row lock first: a holder's commit that parks the run then sees this action and keeps it due.
      const r = await c.query(
        prepared(`UPDATE runs SET wake_at = LEAST(coalesce(wake_at, ${NOW_MS}), ${NOW_MS}) WHERE id = $1`, [a.runId]),
      );
      if (r.rowCount !== 1) throw notFound(a.runId);
      const ins = await c.query(
        prepared(
          'INSERT INTO run_actions (run_id, kind, task_id, actor, at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
          [a.runId, a.kind, a.taskId, a.actor, a.at],
        ),
      );
      await this.notify(c, { kind: 'due', runId: a.runId });
      return { id: Number((ins.rows[0] as Row).id), ...a };
    });
  }

  async recordDecision(a: Omit<OperatorAction, 'id'>, allowed: readonly TaskStatus[]): Promise<DecisionResult> {
    const out = await this.tx(async (c): Promise<DecisionResult> => {
      // The run's row lock first, as a holder's commit takes it: the statements below (READ COMMITTED,
      // a snapshot each) see that commit's task status and applied actions whole, or neither.
      const r = await c.query(
        prepared(`UPDATE runs SET wake_at = LEAST(coalesce(wake_at, ${NOW_MS}), ${NOW_MS}) WHERE id = $1`, [a.runId]),
      );
      if (r.rowCount !== 1) throw notFound(a.runId);
      const t = await c.query(
        prepared('SELECT status FROM run_tasks WHERE run_id = $1 AND task_id = $2', [a.runId, a.taskId]),
      );
      const status = t.rows[0] ? (String((t.rows[0] as Row).status) as TaskStatus) : undefined;
      const p = await c.query(
        prepared(
          'SELECT * FROM run_actions WHERE run_id = $1 AND task_id = $2 AND kind = ANY($3) ORDER BY id LIMIT 1',
          [a.runId, a.taskId, DECISIVE_ACTIONS],
        ),
      );
      const pending = p.rows[0] ? actionFromRow(p.rows[0] as Row) : undefined;
      if (!status || !allowed.includes(status) || pending) {
        // Nothing recorded: give back the wake-up this transaction took (ROLLBACK).
        throw new Refused({ ok: false, status, ...(pending ? { pending } : {}) });
      }
      const ins = await c.query(
        prepared(
          'INSERT INTO run_actions (run_id, kind, task_id, actor, at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
          [a.runId, a.kind, a.taskId, a.actor, a.at],
        ),
      );
      await this.notify(c, { kind: 'due', runId: a.runId });
      return { ok: true, action: { id: Number((ins.rows[0] as Row).id), ...a } };
    }).catch((err: unknown) => {
      if (err instanceof Refused) return err.result;
      throw err;
    });
    return out;
  }

  async pendingActions(runId: string): Promise<OperatorAction[]> {
    const r = await this.pool.query(prepared('SELECT * FROM run_actions WHERE run_id = $1 ORDER BY id', [runId]));
    return (r.rows as Row[]).map(actionFromRow);
  }

  async cancelRun(runId: string, at: string, event: RunEvent): Promise<boolean> {
    return this.tx(async (c) => {
      const r = await c.query(
        prepared(
          "UPDATE runs SET status = 'cancelled', finished_at = $1, wake_at = NULL WHERE id = $2 AND status NOT IN ('succeeded', 'cancelled')",
          [at, runId],
        ),
      );
      if (r.rowCount !== 1) return false;
      await c.query(
        prepared(
          `UPDATE run_tasks SET status = 'cancelled', finished_at = $1, reason = 'run cancelled'
        WHERE run_id = $2 AND status IN ('pending', 'ready', 'running', 'waiting')`,
          [at, runId],
        ),
      );
      await this.insertEvents(c, runId, [event]);
      await this.notify(c, { kind: 'cancelled', runId });
      return true;
    });
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const r = (await this.pool.query(prepared('SELECT * FROM runs WHERE id = $1', [runId]))).rows[0] as Row | undefined;
    if (!r) return undefined;
    const { taskCount: _ignored, ...summary } = summaryFromRow(r);
    const head = JSON.parse(String(r.spec)) as Omit<RunRecord['spec'], 'tasks'>;
    const specs = (
      await this.pool.query(prepared('SELECT spec FROM run_tasks WHERE run_id = $1 ORDER BY position', [runId]))
    ).rows.map((row: Row) => JSON.parse(String(row.spec)) as RunRecord['spec']['tasks'][number]);
    return { ...summary, spec: { ...head, tasks: specs } };
  }

  async loadRuns(runIds: readonly string[]): Promise<LoadedRun[]> {
    if (runIds.length === 0) return [];
    const r = await this.pool.query({ name: 'runwire_load_runs', text: LOAD_RUNS, values: [runIds] });
    return (r.rows as Row[]).map((row) => {
      const { taskCount: _ignored, ...summary } = summaryFromRow(row);
      const tasks = ((row.tasks_json ?? []) as Row[]).map((t) => taskFromRow({ ...t, run_id: row.id }));
      const head = JSON.parse(String(row.spec)) as Omit<RunRecord['spec'], 'tasks'>;
      const specs = ((row.tasks_json ?? []) as Row[]).map((t) => t.spec as RunRecord['spec']['tasks'][number]);
      return {
        run: { ...summary, spec: { ...head, tasks: specs } },
        tasks,
        actions: ((row.actions_json ?? []) as Row[]).map(actionFromRow),
      };
    });
  }

  async getTasks(runId: string): Promise<TaskRecord[]> {
    return (
      (
        await this.pool.query(
          prepared(
            `SELECT run_id, task_id, position, name, type, status, attempts, started_at, finished_at, next_attempt_at,
      error, output, state, reason FROM run_tasks WHERE run_id = $1 ORDER BY position`,
            [runId],
          ),
        )
      ).rows as Row[]
    ).map(taskFromRow);
  }

  async getEvents(runId: string, afterSeq = 0): Promise<RunEvent[]> {
    return (
      (
        await this.pool.query(
          prepared('SELECT * FROM run_events WHERE run_id = $1 AND seq > $2 ORDER BY seq', [runId, afterSeq]),
        )
      ).rows as Row[]
    ).map(eventFromRow);
  }

  async listRuns(query: number | ListRunsQuery = {}): Promise<RunSummary[]> {
    const q = typeof query === 'number' ? { limit: query } : query;
    const where: string[] = [];
    const params: unknown[] = [];
    for (const [col, v] of [
      ['r.runbook', q.runbook],
      ['r.status', q.status],
      ['r.mode', q.mode],
      ['r.id <', q.before],
    ] as const) {
      if (v === undefined) continue;
      params.push(v);
      where.push(col.endsWith('<') ? `${col} $${params.length}` : `${col} = $${params.length}`);
    }
    params.push(q.limit ?? 50);
    const sql = `${SUMMARY}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY r.id DESC LIMIT $${params.length}`;
    return ((await this.pool.query(prepared(sql, params))).rows as Row[]).map(summaryFromRow);
  }

  async findRunsToResume(now: number): Promise<RunSummary[]> {
    return (
      (
        await this.pool.query(
          prepared(
            `${SUMMARY} WHERE r.status = 'running' AND (r.lease_owner IS NULL OR r.lease_expires_at IS NULL OR r.lease_expires_at < $1) ORDER BY r.id`,
            [now],
          ),
        )
      ).rows as Row[]
    ).map(summaryFromRow);
  }

  async heartbeatWorker(w: WorkerRecord): Promise<void> {
    await this.pool.query(
      prepared(
        `INSERT INTO workers (id, name, host, pid, started_at, heartbeat_at, heartbeat_ms, runs_held) VALUES ($1, $2, $3, $4, $5, $6, ${NOW_MS}, $7)
      ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, heartbeat_ms = excluded.heartbeat_ms, runs_held = excluded.runs_held`,
        [w.id, w.name, w.host, w.pid, w.startedAt, w.heartbeatAt, w.runsHeld],
      ),
    );
  }

  async removeWorker(id: string): Promise<void> {
    await this.pool.query(prepared('DELETE FROM workers WHERE id = $1', [id]));
  }

  async listWorkers(aliveWithinMs: number): Promise<WorkerRecord[]> {
    const r = await this.pool.query(
      prepared(`SELECT * FROM workers WHERE heartbeat_ms >= ${NOW_MS} - $1 ORDER BY started_at, id`, [aliveWithinMs]),
    );
    return (r.rows as Row[]).map(workerFromRow);
  }

  async subscribe(listener: (n: StoreNotice) => void): Promise<() => Promise<void>> {
    this.listeners.add(listener);
    if (!this.listener) {
      // One dedicated connection per store for LISTEN; if it drops, pollers still find the work.
      const client = new pg.Client(this.pool.options);
      this.listener = client;
      client.on('error', () => {
        if (this.listener === client) this.listener = undefined;
      });
      client.on('notification', (msg) => {
        if (msg.channel !== this.channel || !msg.payload) return;
        let n: StoreNotice;
        try {
          n = JSON.parse(msg.payload) as StoreNotice;
        } catch {
          return;
        }
        for (const l of this.listeners) l(n);
      });
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
    }
    return async () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.listener) {
        const c = this.listener;
        this.listener = undefined;
        await c.end().catch(() => undefined);
      }
    };
  }

  async announceOwner(owner: string): Promise<void> {
    if (this.liveness) return;
    const client = new pg.Client(this.pool.options);
    client.on('error', () => undefined);
    await client.connect();
    await client.query(prepared(`SELECT pg_advisory_lock(${OWNER_KEY('$1::text')})`, [owner]));
    this.liveness = client;
  }

  async now(): Promise<number> {
    return Number((await this.pool.query(`SELECT ${NOW_MS} AS now`)).rows[0].now);
  }

  async close(): Promise<void> {
    if (this.liveness) {
      const c = this.liveness;
      this.liveness = undefined;
      await c.end().catch(() => undefined);
    }
    if (this.listener) {
      const c = this.listener;
      this.listener = undefined;
      await c.end().catch(() => undefined);
    }
    if (this.owned) await this.pool.end();
  }
}

/** A decision refused inside a transaction: thrown to roll it back, caught to answer. */
class Refused extends Error {
  constructor(readonly result: DecisionResult) {
    super('decision refused');
  }
}
