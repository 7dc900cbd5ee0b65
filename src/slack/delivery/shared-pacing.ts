/**
 * Pacing shared across processes: the token bucket of a (workspace, conversation) lives in a
 * database row (`slack_pacing`, migration 200) that every worker on that database takes its tokens
 * from, in one short transaction per call. The bucket maths stay the one pure token bucket
 * (`src/core/token-bucket.ts`: `takeToken`, `blockFor`); the store only makes read-decide-write atomic and supplies the
 * time (the database clock on PostgreSQL). A 429's Retry-After blocks the row, so every worker waits
 * for that channel and no other.
 */
import { blockFor, fullBucket, takeToken, type Bucket, type BucketRule } from '../../core/token-bucket.js';
import type { Clock, Pacer } from './channel-queue.js';

/** Where the shared buckets live (SQLite or PostgreSQL). */
export interface PacingStore {
  /**
   * Atomically: read the key's bucket (absent: a fresh one), apply `decide` at the store's clock,
   * write what it returns back when it changed the bucket, and return its answer.
   */
  update<T>(key: string, decide: (bucket: Bucket | undefined, now: number) => { next?: Bucket; out: T }): Promise<T>;
}

/** Take one token from the shared bucket: 0 = go now (taken), else how long to wait before asking again. */
export function takeShared(store: PacingStore, key: string, policy: BucketRule): Promise<number> {
  return store.update(key, (bucket, now) => {
    const { waitMs, bucket: next } = takeToken(bucket, policy, now);
    // Only a taken token needs writing: a refill alone is recomputed the same way by the next reader.
    return waitMs === 0 ? { next, out: 0 } : { out: waitMs };
  });
}

/** Block the shared bucket for `seconds` (a 429's Retry-After). */
export function blockShared(store: PacingStore, key: string, policy: BucketRule, seconds: number): Promise<void> {
  return store.update(key, (bucket, now) => ({
    next: blockFor(bucket ?? fullBucket(policy, now), now, seconds * 1000),
    out: undefined,
  }));
}

/** A `Pacer` over a shared bucket row. */
export class SharedPacer implements Pacer {
  /** The last Retry-After write, awaited before the next take so the block is seen. */
  private blocking: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: PacingStore,
    private readonly key: string,
    private readonly policy: BucketRule,
    private readonly clock: Clock,
  ) {}

  async acquire(signal?: AbortSignal): Promise<void> {
    await this.blocking;
    for (;;) {
      const waitMs = await takeShared(this.store, this.key, this.policy);
      if (waitMs === 0) return;
      await this.clock.sleep(waitMs, signal);
    }
  }

  retryAfter(seconds: number): void {
    // Recorded for every worker; a failed write is not fatal here (the next take still paces).
    this.blocking = this.blocking
      .then(() => blockShared(this.store, this.key, this.policy, seconds))
      .catch(() => undefined);
  }
}
