/**
 * One delivery queue per workspace and conversation. Messages leave strictly in the order their
 * places were reserved (task-start order): a place is reserved synchronously, then filled with the
 * job once the task has saved its intent; the queue runs one job at a time and each job takes a
 * token from the queue's bucket before every call, so one channel's pace or 429 never touches
 * another channel's queue.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Bucket, type BucketRule, blockFor, fullBucket, takeToken } from '../../core/token-bucket.js';

/** Time, injectable so the pure parts stay testable; the real one uses timers. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, signal ? { signal } : undefined),
};

/** What a running job uses to pace its calls. */
export interface Pacer {
  /** Wait until the queue may make one more call, and take its token. */
  acquire(signal?: AbortSignal): Promise<void>;
  /** Slack said 429: block the whole queue for this many seconds. */
  retryAfter(seconds: number): void;
}

/** A reserved place in the queue. Exactly one of `run` or `cancel` must be called. */
export interface Slot {
  run<T>(job: (pacer: Pacer) => Promise<T>): Promise<T>;
  cancel(): void;
}

interface Entry {
  /** Order of arrival as the caller counts it (a task-start ticket); lower goes first. */
  ticket: number;
  started: boolean;
  job?: (pacer: Pacer) => Promise<unknown>;
  cancelled: boolean;
  settle?: { resolve(v: unknown): void; reject(e: unknown): void };
}

export class BucketPacer implements Pacer {
  private state: Bucket;
  constructor(
    private readonly policy: BucketRule,
    private readonly clock: Clock,
  ) {
    this.state = fullBucket(policy, clock.now());
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const { waitMs, bucket } = takeToken(this.state, this.policy, this.clock.now());
      this.state = bucket;
      if (waitMs === 0) return;
      await this.clock.sleep(waitMs, signal);
    }
  }

  retryAfter(seconds: number): void {
    this.state = blockFor(this.state, this.clock.now(), seconds * 1000);
  }
}

export class ChannelQueue {
  private readonly entries: Entry[] = [];
  private running = false;
  readonly pacer: Pacer;

  /** Paced by its own in-process bucket, or by `pacer` (the shared one of `shared-pacing.ts`). */
  constructor(policy: BucketRule, clock: Clock, pacer?: Pacer) {
    this.pacer = pacer ?? new BucketPacer(policy, clock);
  }

  /** Number of places reserved and not yet finished (for tests and the bench). */
  get length(): number {
    return this.entries.length;
  }

  private nextTicket = 0;

  /**
   * Reserve a place, synchronously. Without a ticket the place is last; with one it goes before
   * every waiting place with a higher ticket (a task that started earlier but took longer to
   * resolve its connection still leaves first), never before the job already running.
   */
  reserve(ticket?: number): Slot {
    const t = ticket ?? Math.max(this.nextTicket, ...this.entries.map((e) => e.ticket + 1));
    this.nextTicket = Math.max(this.nextTicket, t + 1);
    const entry: Entry = { ticket: t, started: false, cancelled: false };
    let at = this.entries.length;
    while (at > 0 && !this.entries[at - 1]!.started && this.entries[at - 1]!.ticket > t) at--;
    this.entries.splice(at, 0, entry);
    return {
      run: <T>(job: (pacer: Pacer) => Promise<T>) =>
        new Promise<T>((resolve, reject) => {
          entry.job = job;
          entry.settle = { resolve: resolve as (v: unknown) => void, reject };
          void this.pump();
        }),
      cancel: () => {
        entry.cancelled = true;
        void this.pump();
      },
    };
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        const head = this.entries[0];
        if (!head) return;
        if (head.cancelled) {
          this.entries.shift();
          continue;
        }
        // The head's task is still saving its intent: wait for it rather than let others pass.
        if (!head.job || !head.settle) return;
        head.started = true;
        try {
          head.settle.resolve(await head.job(this.pacer));
        } catch (err) {
          head.settle.reject(err);
        }
        this.entries.shift();
      }
    } finally {
      this.running = false;
    }
  }
}

/**
 * Queues by key (workspace + conversation), created on first use. Given `sharedPacer`, each queue
 * takes its tokens from the bucket that function makes for its pacing key (one row in the database
 * for every process), instead of a bucket of its own.
 */
export class QueueRegistry {
  private readonly queues = new Map<string, ChannelQueue>();
  constructor(
    private readonly policy: BucketRule,
    private readonly clock: Clock = realClock,
    private readonly sharedPacer?: (pacingKey: string, policy: BucketRule, clock: Clock) => Pacer,
  ) {}

  /** The queue for `key`; `pacingKey` (default `key`) names the shared bucket across processes. */
  get(key: string, pacingKey: string = key): ChannelQueue {
    let q = this.queues.get(key);
    if (!q) {
      q = new ChannelQueue(this.policy, this.clock, this.sharedPacer?.(pacingKey, this.policy, this.clock));
      this.queues.set(key, q);
    }
    return q;
  }
}
