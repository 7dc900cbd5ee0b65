/**
 * `TriggerStore` over the server's `Sql` (SQLite and PostgreSQL, the same single statements): the
 * dedupe is `INSERT … ON CONFLICT (dedupe_key) DO NOTHING RETURNING`, so whichever process inserts
 * first owns the event and every other one sees it taken.
 */
import {
  TRIGGER_OUTCOMES,
  type HistoryQuery,
  type NewTriggerHistoryEntry,
  type RecordResult,
  type TriggerEventKind,
  type TriggerHistoryEntry,
  type TriggerOutcome,
  type TriggerState,
  type TriggerStore,
} from '../../triggers/store/trigger-store.js';
import type { Sql, SqlRow } from './sql.js';

const COLS =
  'id, kind, runbook_id, trigger_id, connection, dedupe_key, received_at, scheduled_for, outcome, run_id, detail, payload, updated_at, reply_wanted, reply_started_at, reply_outcome_at, reply_started_ts, reply_outcome_ts';

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function entry(r: SqlRow): TriggerHistoryEntry {
  const outcome = String(r.outcome) as TriggerOutcome;
  return {
    id: Number(r.id),
    kind: String(r.kind) as TriggerEventKind,
    runbookId: str(r.runbook_id),
    triggerId: str(r.trigger_id),
    connection: str(r.connection),
    dedupeKey: str(r.dedupe_key),
    receivedAt: String(r.received_at),
    scheduledFor: str(r.scheduled_for),
    outcome: TRIGGER_OUTCOMES.includes(outcome) ? outcome : 'failed',
    runId: str(r.run_id),
    detail: str(r.detail),
    payload: r.payload === null || r.payload === undefined ? null : (JSON.parse(String(r.payload)) as unknown),
    updatedAt: String(r.updated_at),
    replyWanted: Number(r.reply_wanted) === 1,
    replyStartedAt: str(r.reply_started_at),
    replyOutcomeAt: str(r.reply_outcome_at),
    replyStartedTs: str(r.reply_started_ts),
    replyOutcomeTs: str(r.reply_outcome_ts),
  };
}

function state(r: SqlRow): TriggerState {
  return {
    runbookId: String(r.runbook_id),
    triggerId: String(r.trigger_id),
    enabled: Number(r.enabled) === 1,
    updatedBy: str(r.updated_by),
    updatedAt: str(r.updated_at),
  };
}

export class SqlTriggerStore implements TriggerStore {
  constructor(
    private readonly sql: Sql,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(e: NewTriggerHistoryEntry): Promise<RecordResult> {
    const at = this.now().toISOString();
    const rows = await this.sql.all(
      `INSERT INTO trigger_history (kind, runbook_id, trigger_id, connection, dedupe_key, received_at, scheduled_for,
         outcome, run_id, detail, payload, updated_at, reply_wanted)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (dedupe_key) DO NOTHING RETURNING ${COLS}`,
      [
        e.kind,
        e.runbookId ?? null,
        e.triggerId ?? null,
        e.connection ?? null,
        e.dedupeKey ?? null,
        at,
        e.scheduledFor ?? null,
        e.outcome,
        e.runId ?? null,
        e.detail ?? null,
        e.payload === undefined || e.payload === null ? null : JSON.stringify(e.payload),
        at,
        e.replyWanted ? 1 : 0,
      ],
    );
    if (rows[0]) return { inserted: true, entry: entry(rows[0]) };
    const existing = e.dedupeKey ? await this.byDedupeKey(e.dedupeKey) : undefined;
    // Only a dedupe conflict writes nothing; the row it met is there (entries are never deleted).
    if (!existing) throw new Error(`trigger history: insert of ${e.dedupeKey ?? 'an entry'} wrote nothing`);
    return { inserted: false, existing };
  }

  async settle(
    id: number,
    u: { outcome: TriggerOutcome; runId?: string | null; detail?: string | null },
    from?: TriggerOutcome,
  ): Promise<boolean> {
    const params: unknown[] = [u.outcome, u.runId ?? null, u.detail ?? null, this.now().toISOString(), id];
    const guard = from === undefined ? '' : ' AND outcome = ?';
    if (from !== undefined) params.push(from);
    const n = await this.sql.run(
      `UPDATE trigger_history SET outcome = ?, run_id = COALESCE(?, run_id), detail = COALESCE(?, detail), updated_at = ?
       WHERE id = ?${guard}`,
      params,
    );
    return n > 0;
  }

  async get(id: number): Promise<TriggerHistoryEntry | undefined> {
    const [r] = await this.sql.all(`SELECT ${COLS} FROM trigger_history WHERE id = ?`, [id]);
    return r ? entry(r) : undefined;
  }

  async byDedupeKey(key: string): Promise<TriggerHistoryEntry | undefined> {
    const [r] = await this.sql.all(`SELECT ${COLS} FROM trigger_history WHERE dedupe_key = ?`, [key]);
    return r ? entry(r) : undefined;
  }

  async history(q: HistoryQuery = {}): Promise<TriggerHistoryEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, v: unknown) => {
      where.push(clause);
      params.push(v);
    };
    if (q.runbookId !== undefined) add('runbook_id = ?', q.runbookId);
    if (q.triggerId !== undefined) add('trigger_id = ?', q.triggerId);
    if (q.kind !== undefined) add('kind = ?', q.kind);
    if (q.beforeId !== undefined) add('id < ?', q.beforeId);
    params.push(Math.min(Math.max(q.limit ?? 50, 1), 500));
    const rows = await this.sql.all(
      `SELECT ${COLS} FROM trigger_history${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
      params,
    );
    return rows.map(entry);
  }

  async unsettled(kind: TriggerEventKind, before: Date, limit = 100): Promise<TriggerHistoryEntry[]> {
    const rows = await this.sql.all(
      `SELECT ${COLS} FROM trigger_history WHERE outcome = 'received' AND kind = ? AND received_at < ? ORDER BY id LIMIT ?`,
      [kind, before.toISOString(), limit],
    );
    return rows.map(entry);
  }

  async latestScheduledFor(runbookId: string, triggerId: string): Promise<string | undefined> {
    const [r] = await this.sql.all(
      `SELECT MAX(scheduled_for) AS latest FROM trigger_history
       WHERE kind = 'schedule' AND runbook_id = ? AND trigger_id = ?`,
      [runbookId, triggerId],
    );
    return str(r?.latest) ?? undefined;
  }

  async claimReply(id: number, which: 'started' | 'outcome'): Promise<boolean> {
    const col = which === 'started' ? 'reply_started_at' : 'reply_outcome_at';
    const n = await this.sql.run(
      `UPDATE trigger_history SET ${col} = ? WHERE id = ? AND reply_wanted = 1 AND ${col} IS NULL`,
      [this.now().toISOString(), id],
    );
    return n === 1;
  }

  async awaitingOutcomeReply(limit = 100): Promise<TriggerHistoryEntry[]> {
    const rows = await this.sql.all(
      `SELECT ${COLS} FROM trigger_history
       WHERE reply_wanted = 1 AND reply_outcome_at IS NULL AND outcome = 'started' ORDER BY id LIMIT ?`,
      [limit],
    );
    return rows.map(entry);
  }

  async replyPosted(id: number, which: 'started' | 'outcome', ts: string): Promise<void> {
    const col = which === 'started' ? 'reply_started_ts' : 'reply_outcome_ts';
    await this.sql.run(`UPDATE trigger_history SET ${col} = ? WHERE id = ?`, [ts, id]);
  }

  async staleReplies(before: Date, limit = 50): Promise<TriggerHistoryEntry[]> {
    const at = before.toISOString();
    const rows = await this.sql.all(
      `SELECT ${COLS} FROM trigger_history WHERE reply_wanted = 1 AND (
         (reply_started_at IS NOT NULL AND reply_started_ts IS NULL AND reply_started_at < ?) OR
         (reply_outcome_at IS NOT NULL AND reply_outcome_ts IS NULL AND reply_outcome_at < ?)) ORDER BY id LIMIT ?`,
      [at, at, limit],
    );
    return rows.map(entry);
  }

  async reclaimReply(id: number, which: 'started' | 'outcome', claimedAt: string): Promise<boolean> {
    const col = which === 'started' ? 'reply_started_at' : 'reply_outcome_at';
    const n = await this.sql.run(`UPDATE trigger_history SET ${col} = ? WHERE id = ? AND ${col} = ?`, [
      this.now().toISOString(),
      id,
      claimedAt,
    ]);
    return n === 1;
  }

  async prune(before: Date): Promise<number> {
    return this.sql.run("DELETE FROM trigger_history WHERE received_at < ? AND outcome <> 'received'", [
      before.toISOString(),
    ]);
  }

  async isEnabled(runbookId: string, triggerId: string): Promise<boolean> {
    const [r] = await this.sql.all('SELECT enabled FROM trigger_state WHERE runbook_id = ? AND trigger_id = ?', [
      runbookId,
      triggerId,
    ]);
    return r === undefined || Number(r.enabled) === 1;
  }

  async states(): Promise<TriggerState[]> {
    const rows = await this.sql.all(
      'SELECT runbook_id, trigger_id, enabled, updated_by, updated_at FROM trigger_state ORDER BY runbook_id, trigger_id',
    );
    return rows.map(state);
  }

  async setEnabled(runbookId: string, triggerId: string, enabled: boolean, by: string): Promise<TriggerState> {
    const at = this.now().toISOString();
    await this.sql.run(
      `INSERT INTO trigger_state (runbook_id, trigger_id, enabled, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (runbook_id, trigger_id) DO UPDATE SET enabled = excluded.enabled, updated_by = excluded.updated_by,
         updated_at = excluded.updated_at`,
      [runbookId, triggerId, enabled ? 1 : 0, by, at],
    );
    return { runbookId, triggerId, enabled, updatedBy: by, updatedAt: at };
  }
}
