/**
 * The server's triggers, composed: the library's trigger index, the Slack look-ups, the router of
 * Slack messages and the thread replies, with their background loops (decide receipts a dead process
 * left, every 10 s; post the outcomes of runs that ended, every second; drop history older than
 * RUNWIRE_TRIGGER_HISTORY_DAYS, default 30, every hour).
 */
import type { RunService } from '../../engine/run-service.js';
import type { OpenedConnections } from '../../slack/connections/open.js';
import type { Store } from '../../store/store.js';
import type { TriggerStore } from '../../triggers/store/trigger-store.js';
import type { LibraryStore } from '../store/library-store.js';
import type { Sql } from '../store/sql.js';
import { TriggerReplies } from './replies.js';
import { SlackLookups } from './slack-lookups.js';
import { SlackTriggerRouter } from './slack-router.js';
import { TriggerIndex } from './trigger-index.js';

export interface TriggerServiceDeps {
  triggers: TriggerStore;
  library: LibraryStore;
  sql: Sql;
  store: Store;
  service: RunService;
  connections: () => Promise<OpenedConnections>;
  /** The server's public URL, for links to runs (known once it listens). */
  publicUrl: () => string;
  log: (level: 'info' | 'warn' | 'error', msg: string, data?: Record<string, unknown>) => void;
}

export class TriggerService {
  readonly store: TriggerStore;
  readonly index: TriggerIndex;
  readonly lookups = new SlackLookups();
  readonly replies: TriggerReplies;
  readonly router: SlackTriggerRouter;
  private timers: NodeJS.Timeout[] = [];
  private busy = new Set<string>();

  constructor(private readonly d: TriggerServiceDeps) {
    this.store = d.triggers;
    this.index = new TriggerIndex(d.library, d.sql);
    this.replies = new TriggerReplies({
      triggers: d.triggers,
      store: d.store,
      lookups: this.lookups,
      connections: d.connections,
      runUrl: (id) => `${d.publicUrl().replace(/\/$/, '')}/runs/${encodeURIComponent(id)}`,
      log: d.log,
    });
    this.router = new SlackTriggerRouter({
      triggers: d.triggers,
      index: this.index,
      service: d.service,
      connections: d.connections,
      lookups: this.lookups,
      replies: this.replies,
      log: d.log,
    });
  }

  start(): void {
    this.every('sweep', 10_000, () => this.router.sweep());
    this.every('replies', 1_000, () => this.replies.poll());
    this.every('prune', 3_600_000, () => this.store.prune(new Date(Date.now() - this.historyDays() * 86_400_000)));
  }

  /** How long history is kept: RUNWIRE_TRIGGER_HISTORY_DAYS (default 30). */
  private historyDays(): number {
    const n = Number(process.env.RUNWIRE_TRIGGER_HISTORY_DAYS ?? 30);
    return Number.isFinite(n) && n > 0 ? n : 30;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.router.drain();
  }

  /** A loop that never overlaps itself and logs (never throws) its failures. */
  private every(name: string, ms: number, fn: () => Promise<unknown>): void {
    const t = setInterval(() => {
      if (this.busy.has(name)) return;
      this.busy.add(name);
      fn()
        .catch((err: unknown) => this.d.log('warn', `triggers: ${name} failed`, { err }))
        .finally(() => this.busy.delete(name));
    }, ms);
    t.unref();
    this.timers.push(t);
  }
}
