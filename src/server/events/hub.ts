/**
 * Fan-out of run events to live streams. One reader per watched run fetches the events after the
 * lowest seq its subscribers have and hands each subscriber the ones it has not seen, in seq order.
 * Readers wake on the store's notices (this process's commits; NOTIFY from any process on PostgreSQL)
 * and on a poll (`pollMs`, default 50 ms) that catches other processes' commits on SQLite, so an event
 * reaches a stream within about 100 ms wherever it was written. The all-runs feed polls the newest
 * runs for new events the same way.
 */
import type { RunEvent, Store, StoreNotice } from '../../store/store.js';
import { isFinished } from './event-json.js';

export interface RunSubscriber {
  /** Events after this seq are delivered. */
  after: number;
  onEvents(events: RunEvent[]): void;
  /** The run finished (called once, after its last events). */
  onEnd(status: string): void;
}

export interface FeedSubscriber {
  /** Only events at or after this time (ISO) — the feed starts "now". */
  since: string;
  onEvents(events: RunEvent[]): void;
}

interface Watched {
  subs: Set<RunSubscriber>;
  reading: boolean;
  again: boolean;
}

export interface HubOptions {
  store: Store;
  /** Poll interval in ms for commits this process is not told of (default 50). */
  pollMs?: number;
  /** How many of the newest runs the all-runs feed looks at each poll (default 100). */
  feedRuns?: number;
  onError?: (err: unknown) => void;
}

export class EventHub {
  private readonly store: Store;
  private readonly runs = new Map<string, Watched>();
  private readonly feed = new Set<FeedSubscriber>();
  /** The feed's last delivered seq per run, and runs seen finished and fully read. */
  private readonly feedSeq = new Map<string, number>();
  private readonly feedDone = new Set<string>();
  private feedReading = false;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => Promise<void>) | undefined;
  private closed = false;

  constructor(private readonly o: HubOptions) {
    this.store = o.store;
  }

  async start(): Promise<void> {
    this.unsubscribe = await this.store.subscribe((n) => this.onNotice(n));
    this.timer = setInterval(() => this.tick(), this.o.pollMs ?? 50);
    this.timer.unref();
  }

  /** Watch one run; the subscriber gets what exists after `after` at once, then live events. */
  watchRun(runId: string, sub: RunSubscriber): () => void {
    let w = this.runs.get(runId);
    if (!w) {
      w = { subs: new Set(), reading: false, again: false };
      this.runs.set(runId, w);
    }
    w.subs.add(sub);
    void this.read(runId);
    return () => {
      const cur = this.runs.get(runId);
      cur?.subs.delete(sub);
      if (cur && cur.subs.size === 0) this.runs.delete(runId);
    };
  }

  watchAll(sub: FeedSubscriber): () => void {
    this.feed.add(sub);
    return () => this.feed.delete(sub);
  }

  /** How many streams are open. */
  get subscribers(): number {
    let n = this.feed.size;
    for (const w of this.runs.values()) n += w.subs.size;
    return n;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.unsubscribe?.();
    this.runs.clear();
    this.feed.clear();
  }

  private onNotice(n: StoreNotice): void {
    if (this.runs.has(n.runId)) void this.read(n.runId);
    if (this.feed.size > 0) void this.readFeed([n.runId]);
  }

  private tick(): void {
    for (const id of this.runs.keys()) void this.read(id);
    if (this.feed.size > 0) void this.readFeed();
  }

  /** Read a run's new events and hand them out; one read at a time per run, re-run if woken meanwhile. */
  private async read(runId: string): Promise<void> {
    const w = this.runs.get(runId);
    if (!w || this.closed) return;
    if (w.reading) {
      w.again = true;
      return;
    }
    w.reading = true;
    try {
      do {
        w.again = false;
        if (w.subs.size === 0) return;
        const after = Math.min(...[...w.subs].map((s) => s.after));
        // The run first: when it is finished, every event it will have is already committed.
        const run = await this.store.getRun(runId);
        const events = await this.store.getEvents(runId, after);
        for (const sub of [...w.subs]) {
          const fresh = events.filter((e) => (e.seq ?? 0) > sub.after);
          if (fresh.length > 0) {
            sub.after = fresh[fresh.length - 1]!.seq ?? sub.after;
            sub.onEvents(fresh);
          }
          if (run && isFinished(run.status)) {
            w.subs.delete(sub);
            sub.onEnd(run.status);
          }
        }
        if (!run) {
          for (const sub of [...w.subs]) sub.onEnd('unknown');
          w.subs.clear();
        }
        if (w.subs.size === 0) this.runs.delete(runId);
      } while (w.again && !this.closed);
    } catch (err) {
      this.o.onError?.(err);
    } finally {
      w.reading = false;
    }
  }

  private async readFeed(only?: string[]): Promise<void> {
    if (this.feedReading || this.closed) return;
    this.feedReading = true;
    try {
      const ids =
        only ??
        (await this.store.listRuns(this.o.feedRuns ?? 100))
          .filter((r) => !(this.feedDone.has(r.id) && isFinished(r.status)))
          .map((r) => r.id);
      const since = [...this.feed].reduce((m, s) => (s.since < m ? s.since : m), '\uffff');
      for (const id of ids) {
        const known = this.feedSeq.get(id);
        const run = await this.store.getRun(id);
        const all = await this.store.getEvents(id, known ?? 0);
        if (all.length > 0) this.feedSeq.set(id, all[all.length - 1]!.seq ?? 0);
        else if (known === undefined) this.feedSeq.set(id, 0);
        // A run seen for the first time: only what happened since the oldest feed opened.
        const events = known === undefined ? all.filter((e) => e.at >= since) : all;
        if (run && isFinished(run.status)) this.feedDone.add(id);
        else this.feedDone.delete(id);
        if (events.length === 0) continue;
        for (const sub of this.feed) {
          const mine = events.filter((e) => e.at >= sub.since);
          if (mine.length > 0) sub.onEvents(mine);
        }
      }
    } catch (err) {
      this.o.onError?.(err);
    } finally {
      this.feedReading = false;
    }
  }
}
