/**
 * Fan-out of run events to live streams. One reader per watched run fetches the events after the
 * lowest seq its subscribers have and hands each subscriber the ones it has not seen, in seq order.
 * Readers wake on the store's notices: `events` for this process's commits (and, through NOTIFY, any
 * process's on PostgreSQL) read that run at once; `changed` (SQLite: another connection committed, seen
 * by the store's `PRAGMA data_version` check every 25 ms) reads every watched run, so an event written
 * by another process reaches a stream within ~25 ms plus one read. A poll (`pollMs`, default 50 ms)
 * stays: while a worker drives a run, the notice-driven reads were measured to lag (bench/README.md,
 * SSE helper 2026-12-02: a 1 s poll tripled the PostgreSQL fan-out's p50). The all-runs feed reads the
 * newest runs on the same wake-ups.
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

/** Where a reconnecting feed left off: the last event it got (`Last-Event-ID: <run id>/<seq>`). */
export interface FeedResume {
  runId: string;
  seq: number;
}

/**
 * How far before the last event a resumed feed looks again: events of other runs committed a little
 * after their time (or stamped by a worker whose clock is a little behind) are not missed. An event
 * of another run in that window may come twice; each carries `run_id` and `seq` to tell.
 */
export const RESUME_GRACE_MS = 5_000;

/** A feed subscriber with what it has been given per run, and the events held while it replays. */
interface FeedEntry {
  sub: FeedSubscriber;
  seen: Map<string, number>;
  held: RunEvent[] | undefined;
}

interface Watched {
  subs: Set<RunSubscriber>;
  reading: boolean;
  again: boolean;
}

export interface HubOptions {
  store: Store;
  /** Poll interval in ms besides the notices (default 50). */
  pollMs?: number;
  /** How many of the newest runs the all-runs feed looks at each poll (default 100). */
  feedRuns?: number;
  onError?: (err: unknown) => void;
}

export class EventHub {
  private readonly store: Store;
  private readonly runs = new Map<string, Watched>();
  private readonly feed = new Set<FeedEntry>();
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

  /**
   * Every run's events from `sub.since` on; with `resume`, first the events after that one (and those
   * of other runs from `RESUME_GRACE_MS` before it), live ones held meanwhile so none is lost or reordered.
   */
  watchAll(sub: FeedSubscriber, resume?: FeedResume): () => void {
    const entry: FeedEntry = { sub, seen: new Map(), held: resume ? [] : undefined };
    this.feed.add(entry);
    if (resume) void this.replay(entry, resume);
    return () => {
      this.feed.delete(entry);
    };
  }

  private async replay(entry: FeedEntry, from: FeedResume): Promise<void> {
    try {
      const last = (await this.store.getEvents(from.runId, Math.max(0, from.seq - 1))).find((e) => e.seq === from.seq);
      if (last) {
        entry.sub.since = new Date(Date.parse(last.at) - RESUME_GRACE_MS).toISOString();
        entry.seen.set(from.runId, from.seq);
        for (const run of await this.store.listRuns(this.o.feedRuns ?? 100)) {
          if (this.closed || !this.feed.has(entry)) return;
          this.give(entry, await this.store.getEvents(run.id, entry.seen.get(run.id) ?? 0), true);
        }
      }
    } catch (err) {
      this.o.onError?.(err);
    } finally {
      const held = entry.held ?? [];
      entry.held = undefined;
      this.give(entry, held);
    }
  }

  /** Hand a subscriber the events it has not had (per run, by seq) from its `since` on. */
  private give(entry: FeedEntry, events: RunEvent[], replaying = false): void {
    if (entry.held && !replaying) {
      entry.held.push(...events);
      return;
    }
    const mine = events.filter((e) => {
      if (e.at < entry.sub.since || (e.seq ?? 0) <= (entry.seen.get(e.runId) ?? 0)) return false;
      entry.seen.set(e.runId, e.seq ?? 0);
      return true;
    });
    if (mine.length > 0) entry.sub.onEvents(mine);
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
    // Another process committed (SQLite), what is not known: read every watched run and the feed.
    if (n.kind === 'changed') {
      this.tick();
      return;
    }
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
      const since = [...this.feed].reduce((m, f) => (f.sub.since < m ? f.sub.since : m), '\uffff');
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
        for (const entry of this.feed) this.give(entry, events);
      }
    } catch (err) {
      this.o.onError?.(err);
    } finally {
      this.feedReading = false;
    }
  }
}
