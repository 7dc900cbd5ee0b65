/**
 * The run boards' rows (`run_boards`, migration 700) on the runtime's database, through the
 * one-statement `Sql` adapter: every change is one statement, so it is atomic on both backends.
 */
import type { Sql, SqlRow } from '../../server/store/sql.js';
import type { DeliveryState } from '../delivery/state.js';

export interface BoardRow {
  runId: string;
  /** The board message's delivery state ({} before the first intent). */
  state: DeliveryState | undefined;
  sent: boolean;
  claimOwner: string | null;
  claimUntil: number;
  renderedSeq: number;
  final: boolean;
  /** chat.update calls made for this board. */
  updates: number;
  /** A run started from Slack: its outcome is replied in the board's thread when it ends. */
  replyOnEnd: boolean;
  /** That reply's delivery state, once claimed. */
  reply: DeliveryState | undefined;
}

function rowOf(r: SqlRow): BoardRow {
  const raw = JSON.parse(String(r.state)) as Record<string, unknown>;
  return {
    runId: String(r.run_id),
    state: Object.keys(raw).length ? (raw as unknown as DeliveryState) : undefined,
    sent: Number(r.sent) === 1,
    claimOwner: r.claim_owner === null ? null : String(r.claim_owner),
    claimUntil: Number(r.claim_until),
    renderedSeq: Number(r.rendered_seq),
    final: Number(r.final) === 1,
    updates: Number(r.updates),
    replyOnEnd: Number(r.reply_on_end) === 1,
    reply:
      typeof r.reply === 'string' && r.reply !== '{}' ? (JSON.parse(r.reply) as unknown as DeliveryState) : undefined,
  };
}

export class BoardStore {
  constructor(private readonly sql: Sql) {}

  async get(runId: string): Promise<BoardRow | undefined> {
    const rows = await this.sql.all('SELECT * FROM run_boards WHERE run_id = ?', [runId]);
    return rows[0] ? rowOf(rows[0]) : undefined;
  }

  /**
   * Claim the right to post the board (until `until`): true for the first claimant, for this owner
   * again, or for anyone once an unsent board's claim ran out. A sent board is never claimed again.
   */
  async claimPost(runId: string, owner: string, now: number, until: number): Promise<boolean> {
    const n = await this.sql.run(
      `INSERT INTO run_boards (run_id, state, claim_owner, claim_until) VALUES (?, '{}', ?, ?)
       ON CONFLICT (run_id) DO UPDATE SET claim_owner = excluded.claim_owner, claim_until = excluded.claim_until
       WHERE run_boards.sent = 0 AND (run_boards.claim_until < ? OR run_boards.claim_owner = excluded.claim_owner)`,
      [runId, owner, until, now],
    );
    return n === 1;
  }

  /** The run was started from Slack: reply its outcome in the thread when it ends. */
  async replyOnEnd(runId: string): Promise<void> {
    await this.sql.run(
      `INSERT INTO run_boards (run_id, state, reply_on_end) VALUES (?, '{}', 1)
       ON CONFLICT (run_id) DO UPDATE SET reply_on_end = 1`,
      [runId],
    );
  }

  /** Claim the outcome reply (true once per run; a claim whose reply never went out is taken again by its owner). */
  async claimReply(runId: string): Promise<boolean> {
    return (
      (await this.sql.run(
        "UPDATE run_boards SET reply = '{}' WHERE run_id = ? AND reply_on_end = 1 AND reply IS NULL",
        [runId],
      )) === 1
    );
  }

  async saveReply(runId: string, state: DeliveryState): Promise<void> {
    await this.sql.run('UPDATE run_boards SET reply = ? WHERE run_id = ?', [JSON.stringify(state), runId]);
  }

  async saveState(runId: string, state: DeliveryState): Promise<void> {
    await this.sql.run('UPDATE run_boards SET state = ?, sent = ? WHERE run_id = ?', [
      JSON.stringify(state),
      state.state === 'sent' ? 1 : 0,
      runId,
    ]);
  }

  /**
   * Take the right to show events up to `seq` (true), unless a newer render (or the final one) was
   * taken already: an older render never replaces a newer one.
   */
  async takeRender(runId: string, seq: number, final: boolean): Promise<boolean> {
    const n = await this.sql.run(
      'UPDATE run_boards SET rendered_seq = ?, final = ?, updates = updates + 1 WHERE run_id = ? AND final = 0 AND rendered_seq < ?',
      [seq, final ? 1 : 0, runId, seq],
    );
    return n === 1;
  }
}
