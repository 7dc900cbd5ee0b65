/**
 * The scheduler's claims and cursors (`schedule_fires`, `schedule_cursors`, migration 610) over the
 * server's one-statement `Sql`. Every write is a single statement whose effect does not depend on
 * the order processes run it: a claim is `INSERT … ON CONFLICT DO NOTHING RETURNING` (the first
 * inserter owns it), a cursor only moves forward, `started` only moves a row out of `claimed`.
 */
import type { Cursor, FireClaim, FireStore } from '../../triggers/scheduler/contracts.js';
import { triggerKey } from '../../triggers/scheduler/contracts.js';
import type { Sql, SqlRow } from './sql.js';

/** Rows per multi-row insert (8 parameters each, well inside both backends' limits). */
const CHUNK = 200;

function claimOf(r: SqlRow): FireClaim {
  return {
    runbookId: String(r.runbook_id),
    triggerId: String(r.trigger_id),
    scheduledFor: Number(r.scheduled_for),
    version: Number(r.runbook_version),
    outcome: String(r.outcome) as FireClaim['outcome'],
    detail: r.detail === null || r.detail === undefined ? null : String(r.detail),
  };
}

const FIRE_COLS = 'runbook_id, trigger_id, scheduled_for, runbook_version, outcome, detail';

export class ScheduleStore implements FireStore {
  constructor(private readonly sql: Sql) {}

  async cursors(): Promise<Map<string, Cursor>> {
    const rows = await this.sql.all('SELECT runbook_id, trigger_id, pattern, last_ms FROM schedule_cursors');
    return new Map(
      rows.map((r) => [
        triggerKey(String(r.runbook_id), String(r.trigger_id)),
        { pattern: String(r.pattern), lastMs: Number(r.last_ms) },
      ]),
    );
  }

  async resetCursors(
    resets: Array<{ runbookId: string; triggerId: string; pattern: string }>,
    lastMs: number,
  ): Promise<void> {
    for (let i = 0; i < resets.length; i += CHUNK) {
      const part = resets.slice(i, i + CHUNK);
      await this.sql.run(
        `INSERT INTO schedule_cursors (runbook_id, trigger_id, pattern, last_ms)
         VALUES ${part.map(() => '(?, ?, ?, ?)').join(', ')}
         ON CONFLICT (runbook_id, trigger_id) DO UPDATE SET pattern = excluded.pattern, last_ms = excluded.last_ms
         WHERE schedule_cursors.pattern <> excluded.pattern`,
        part.flatMap((r) => [r.runbookId, r.triggerId, r.pattern, lastMs]),
      );
    }
  }

  async advanceCursors(moves: Array<{ runbookId: string; triggerId: string; lastMs: number }>): Promise<void> {
    // One statement per distinct target (200 schedules due at once share one).
    const byLast = new Map<number, Array<[string, string]>>();
    for (const m of moves) byLast.set(m.lastMs, [...(byLast.get(m.lastMs) ?? []), [m.runbookId, m.triggerId]]);
    for (const [lastMs, keys] of byLast) {
      for (let i = 0; i < keys.length; i += CHUNK) {
        const part = keys.slice(i, i + CHUNK);
        await this.sql.run(
          `UPDATE schedule_cursors SET last_ms = ? WHERE last_ms < ?
           AND (runbook_id, trigger_id) IN (VALUES ${part.map(() => '(?, ?)').join(', ')})`,
          [lastMs, lastMs, ...part.flat()],
        );
      }
    }
  }

  async dropCursor(runbookId: string, triggerId: string): Promise<void> {
    await this.sql.run('DELETE FROM schedule_cursors WHERE runbook_id = ? AND trigger_id = ?', [runbookId, triggerId]);
  }

  async claim(claims: FireClaim[], owner: string, nowMs: number): Promise<FireClaim[]> {
    const won: FireClaim[] = [];
    for (let i = 0; i < claims.length; i += CHUNK) {
      const part = claims.slice(i, i + CHUNK);
      const values = part.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
      const params = part.flatMap((c) => [
        c.runbookId,
        c.triggerId,
        c.scheduledFor,
        c.version,
        owner,
        nowMs,
        c.outcome,
        c.detail,
      ]);
      const rows = await this.sql.all(
        `INSERT INTO schedule_fires (runbook_id, trigger_id, scheduled_for, runbook_version, claimed_by, claimed_at, outcome, detail)
         VALUES ${values} ON CONFLICT (runbook_id, trigger_id, scheduled_for) DO NOTHING RETURNING ${FIRE_COLS}`,
        params,
      );
      won.push(...rows.map(claimOf));
    }
    return won;
  }

  async started(
    fires: Array<{ claim: FireClaim; runId: string }>,
  ): Promise<Array<{ claim: FireClaim; runId: string }>> {
    const moved: Array<{ claim: FireClaim; runId: string }> = [];
    for (let i = 0; i < fires.length; i += CHUNK) {
      const part = fires.slice(i, i + CHUNK);
      const rows = await this.sql.all(
        `WITH v (rb, tr, at, run) AS (VALUES ${part.map(() => '(?, ?, CAST(? AS BIGINT), ?)').join(', ')})
         UPDATE schedule_fires SET outcome = 'started', run_id = v.run FROM v
         WHERE runbook_id = v.rb AND trigger_id = v.tr AND scheduled_for = v.at AND outcome = 'claimed'
         RETURNING runbook_id, trigger_id, scheduled_for`,
        part.flatMap((f) => [f.claim.runbookId, f.claim.triggerId, f.claim.scheduledFor, f.runId]),
      );
      const won = new Set(rows.map((r) => `${r.runbook_id}\n${r.trigger_id}\n${Number(r.scheduled_for)}`));
      for (const f of part) {
        if (won.has(`${f.claim.runbookId}\n${f.claim.triggerId}\n${f.claim.scheduledFor}`)) moved.push(f);
      }
    }
    return moved;
  }

  async unfinished(beforeMs: number, limit: number): Promise<FireClaim[]> {
    const rows = await this.sql.all(
      `SELECT ${FIRE_COLS} FROM schedule_fires WHERE outcome = 'claimed' AND claimed_at < ?
       ORDER BY claimed_at LIMIT ?`,
      [beforeMs, limit],
    );
    return rows.map(claimOf);
  }

  /** The fires of one trigger, newest first (tests, `runwire triggers history`). */
  async fires(runbookId: string, triggerId: string, limit = 100): Promise<Array<FireClaim & { runId: string | null }>> {
    const rows = await this.sql.all(
      `SELECT ${FIRE_COLS}, run_id FROM schedule_fires WHERE runbook_id = ? AND trigger_id = ?
       ORDER BY scheduled_for DESC LIMIT ?`,
      [runbookId, triggerId, limit],
    );
    return rows.map((r) => ({
      ...claimOf(r),
      runId: r.run_id === null || r.run_id === undefined ? null : String(r.run_id),
    }));
  }
}
