/**
 * `PacingStore` on PostgreSQL: the bucket row is locked (`INSERT … ON CONFLICT DO UPDATE … RETURNING`
 * creates or locks it in one statement) for one short transaction, and "now" is the database's
 * clock, so workers on hosts whose clocks disagree still share one pace.
 */
import type pg from 'pg';
import type { Bucket } from '../../core/token-bucket.js';
import type { PacingStore } from './shared-pacing.js';
import { prepared } from '../../store/postgres/prepared.js';

const NOW_MS = '(extract(epoch from clock_timestamp()) * 1000)::bigint';

export class PostgresPacingStore implements PacingStore {
  constructor(private readonly pool: pg.Pool) {}

  async update<T>(
    key: string,
    decide: (bucket: Bucket | undefined, now: number) => { next?: Bucket; out: T },
  ): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      // A new row starts "empty at -infinity" (updated_at 0, blocked_until -1) and is told apart below.
      const r = (
        await c.query(
          prepared(
            `INSERT INTO slack_pacing AS p (key, tokens, updated_at, blocked_until) VALUES ($1, 0, 0, -1)
           ON CONFLICT (key) DO UPDATE SET key = p.key
           RETURNING p.tokens, p.updated_at, p.blocked_until, ${NOW_MS} AS now`,
            [key],
          ),
        )
      ).rows[0] as { tokens: number; updated_at: string; blocked_until: string; now: string };
      const fresh = Number(r.blocked_until) === -1;
      const bucket = fresh
        ? undefined
        : { tokens: Number(r.tokens), updatedAt: Number(r.updated_at), blockedUntil: Number(r.blocked_until) };
      const { next, out } = decide(bucket, Number(r.now));
      const write = next;
      if (write) {
        await c.query(
          prepared('UPDATE slack_pacing SET tokens = $2, updated_at = $3, blocked_until = $4 WHERE key = $1', [
            key,
            write.tokens,
            Math.round(write.updatedAt),
            Math.round(write.blockedUntil),
          ]),
        );
      }
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }
}
