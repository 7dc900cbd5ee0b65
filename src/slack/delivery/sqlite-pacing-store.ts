/** `PacingStore` on SQLite: one synchronous write transaction per update, so processes on one host share buckets. */
import type Database from 'better-sqlite3';
import type { Bucket } from '../../core/token-bucket.js';
import type { PacingStore } from './shared-pacing.js';

interface Row {
  tokens: number;
  updated_at: number;
  blocked_until: number;
}

export class SqlitePacingStore implements PacingStore {
  private readonly get;
  private readonly put;
  private readonly tx;

  constructor(db: Database.Database, now: () => number = Date.now) {
    this.get = db.prepare('SELECT tokens, updated_at, blocked_until FROM slack_pacing WHERE key = ?');
    this.put = db.prepare(`INSERT INTO slack_pacing (key, tokens, updated_at, blocked_until) VALUES (?, ?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at, blocked_until = excluded.blocked_until`);
    this.tx = db.transaction(
      (key: string, decide: (b: Bucket | undefined, now: number) => { next?: Bucket; out: unknown }) => {
        const r = this.get.get(key) as Row | undefined;
        const bucket = r ? { tokens: r.tokens, updatedAt: r.updated_at, blockedUntil: r.blocked_until } : undefined;
        const { next, out } = decide(bucket, now());
        if (next) this.put.run(key, next.tokens, Math.round(next.updatedAt), Math.round(next.blockedUntil));
        return out;
      },
    );
  }

  async update<T>(
    key: string,
    decide: (bucket: Bucket | undefined, now: number) => { next?: Bucket; out: T },
  ): Promise<T> {
    // BEGIN IMMEDIATE: the write lock first, so two processes cannot both read the same tokens.
    return this.tx.immediate(key, decide) as T;
  }
}
