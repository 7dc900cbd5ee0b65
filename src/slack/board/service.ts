/**
 * The live run board: for a runbook with `notify: { slack: { connection, channel } }`, one message
 * per run, kept up to date in place. Every process that drives runs (the server's workers, `runwire
 * worker`, the CLI) hands this service the events its executors commit; the service coalesces them
 * per run and renders the run as the store has it, at most once per `minIntervalMs` per board (3 s:
 * 20 a minute, within chat.update's Tier 3 of 50 a minute; the workspace client's Tier 3 limiter
 * also paces all boards of the process together), and once more when the run ends (the final state).
 *
 * Exactly one message per run across workers and restarts: the right to post is claimed in the
 * run's `run_boards` row (`BoardStore.claimPost`), the post goes through slack delivery (intent
 * saved first, metadata look-up before any re-post), and only the sent state's ts is ever updated.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { toRunwireError } from '../../core/errors.js';
import type { Runbook } from '../../core/runbook.js';
import type { TaskLogger } from '../../core/task-type.js';
import type { RunEvent, Store } from '../../store/store.js';
import type { ConnectionResolver, ResolvedConnection } from '../connections/types.js';
import type { DeliveryService } from '../delivery/service.js';
import type { DeliveryState } from '../delivery/state.js';
import { parseTarget } from '../targets.js';
import { renderBoard } from './render.js';
import type { BoardRow, BoardStore } from './store.js';

export const BOARD_TASK_ID = '__board';
/** At most one chat.update per board this often: 20 a minute, within Tier 3 (50 a minute). */
export const BOARD_MIN_INTERVAL_MS = 3000;

export interface BoardServiceOptions {
  store: Store;
  boards: BoardStore;
  connections: () => Promise<ConnectionResolver>;
  delivery: () => Promise<DeliveryService>;
  /** Claims are taken as this owner (the process's worker id). */
  owner: string;
  /** The run page's base URL (`<server>/runs/<id>`), when known. */
  publicUrl?: () => string | undefined;
  minIntervalMs?: number;
  /** Events landing within this many ms are shown by one update (default 250). */
  coalesceMs?: number;
  log?: (line: string) => void;
}

interface Live {
  timer?: NodeJS.Timeout;
  flushing?: Promise<void>;
  dirty: boolean;
  lastAt: number;
  /** Null: the run has no board. */
  notify?: { connection: string; channel: string } | null;
  ended: boolean;
}

const ENDED = new Set(['succeeded', 'failed', 'cancelled']);

export class BoardService {
  private readonly live = new Map<string, Live>();
  /** Runs known to have no board (their runbook has no notify.slack): no store reads for them. */
  private readonly noBoard = new Set<string>();
  private readonly interval: number;
  private readonly coalesce: number;
  private closed = false;
  private version = 0;

  constructor(private readonly o: BoardServiceOptions) {
    this.interval = o.minIntervalMs ?? BOARD_MIN_INTERVAL_MS;
    this.coalesce = o.coalesceMs ?? 250;
  }

  /**
   * An event an executor committed: the run's board (if it has one) is due an update. `spec`: the
   * run's runbook when the caller holds it; one without `notify.slack` has no board, known without
   * reading the run from the store (a worker driving hundreds of runs a second spares two reads a run).
   */
  onEvent(e: RunEvent, spec?: Runbook): void {
    if (this.closed || this.noBoard.has(e.runId)) return;
    if (spec && !spec.notify?.slack) {
      this.live.delete(e.runId);
      this.remember(e.runId);
      return;
    }
    let b = this.live.get(e.runId);
    if (!b) {
      b = { dirty: false, lastAt: 0, ended: false };
      this.live.set(e.runId, b);
    }
    if (b.notify === null) return;
    if (e.kind === 'run.succeeded' || e.kind === 'run.failed' || e.kind === 'run.cancelled') b.ended = true;
    this.schedule(e.runId, b);
  }

  private schedule(runId: string, b: Live): void {
    if (b.timer || b.flushing) {
      b.dirty = true;
      return;
    }
    const wait = Math.max(this.coalesce, b.lastAt + this.interval - Date.now());
    b.timer = setTimeout(() => this.flush(runId, b), wait);
    b.timer.unref?.();
  }

  private flush(runId: string, b: Live): void {
    b.timer = undefined;
    b.dirty = false;
    b.flushing = this.render(runId, b)
      .catch((err: unknown) => {
        this.o.log?.(`run board of ${runId}: ${toRunwireError(err).message}`);
      })
      .finally(() => {
        b.flushing = undefined;
        b.lastAt = Date.now();
        if (b.dirty && !this.closed) this.schedule(runId, b);
        else if (b.ended || b.notify === null) this.live.delete(runId);
      });
  }

  /** Show every pending change now (shutdown): the boards end as the store has the runs. */
  async close(): Promise<void> {
    this.closed = true;
    const pending: Promise<void>[] = [];
    for (const [runId, b] of this.live) {
      if (b.timer) {
        clearTimeout(b.timer);
        b.timer = undefined;
        b.dirty = false;
        pending.push(this.render(runId, b).catch(() => undefined));
      }
      if (b.flushing) pending.push(b.flushing);
    }
    await Promise.all(pending);
  }

  /** A run started from Slack ended: say how in the board's thread, once (slack delivery, exactly once). */
  private async replyOutcome(
    runId: string,
    row: BoardRow,
    summary: string,
    conn: ResolvedConnection,
    delivery: DeliveryService,
  ): Promise<void> {
    if (!row.state?.channel || !row.state.ts) return;
    if (!(await this.o.boards.claimReply(runId))) return;
    await delivery.deliver(
      {
        connection: conn,
        asUser: false,
        text: `Run ${runId} ended: ${summary}`,
        thread: { channel: row.state.channel, ts: row.state.ts, broadcast: false },
        run: { id: runId, taskId: `${BOARD_TASK_ID}_outcome` },
      },
      {
        state: undefined,
        save: (s) => this.o.boards.saveReply(runId, s),
        log: { info: () => undefined, warn: (m) => this.o.log?.(m), error: (m) => this.o.log?.(m) },
        signal: AbortSignal.timeout(120_000),
        now: () => new Date(),
      },
    );
  }

  /** A run without a board (bounded: forgotten in bulk past 10,000). */
  private remember(runId: string): void {
    if (this.noBoard.size >= 10_000) this.noBoard.clear();
    this.noBoard.add(runId);
  }

  private async render(runId: string, b: Live): Promise<void> {
    const run = await this.o.store.getRun(runId);
    const notify = run?.spec.notify?.slack;
    if (!run || !notify) {
      b.notify = null;
      this.remember(runId);
      return;
    }
    b.notify = { connection: notify.connection ?? 'default', channel: notify.channel };
    const tasks = await this.o.store.getTasks(runId);
    const events = await this.o.store.getEvents(runId);
    const decisions = events
      .filter((e) => e.taskId && typeof e.data?.decided_by === 'string')
      .map((e) => ({ taskId: e.taskId!, line: e.message.slice(e.message.indexOf(': ') + 2) }));
    const base = this.o.publicUrl?.();
    const view = renderBoard({
      runId,
      runbook: run.runbook,
      mode: run.mode,
      status: run.status,
      tasks: tasks.map((t) => ({ id: t.taskId, name: t.name, status: t.status, reason: t.reason, error: t.error })),
      decisions,
      ...(base ? { runUrl: `${base.replace(/\/+$/, '')}/runs/${encodeURIComponent(runId)}` } : {}),
    });
    const final = ENDED.has(run.status);
    if (final) b.ended = true;
    // A version that only grows: an older render never replaces a newer one, in any process.
    this.version = Math.max(this.version + 1, Date.now());
    const version = this.version;
    const conn = await (await this.o.connections()).resolve(b.notify.connection);
    const delivery = await this.o.delivery();
    const row = await this.o.boards.get(runId);
    if (!row?.sent) {
      const now = Date.now();
      if (!(await this.o.boards.claimPost(runId, this.o.owner, now, now + 60_000))) {
        // Another process is posting it: show this change once its message is there.
        b.dirty = true;
        return;
      }
      const target = parseTarget(b.notify.channel);
      if (!target.ok) throw new Error(`notify.slack.channel: ${target.message}`);
      const quiet: TaskLogger = { info: () => undefined, warn: (m) => this.o.log?.(m), error: (m) => this.o.log?.(m) };
      let state: DeliveryState | undefined = row?.state;
      await delivery.deliver(
        {
          connection: conn,
          asUser: false,
          target: target.target,
          text: view.text,
          blocks: view.blocks,
          run: { id: runId, taskId: BOARD_TASK_ID },
        },
        {
          state,
          save: async (s) => {
            state = s;
            await this.o.boards.saveState(runId, s);
          },
          log: quiet,
          signal: AbortSignal.timeout(120_000),
          now: () => new Date(),
        },
      );
      await this.o.boards.takeRender(runId, version, final);
      const sent = await this.o.boards.get(runId);
      if (final && sent?.sent && sent.replyOnEnd) await this.replyOutcome(runId, sent, view.text, conn, delivery);
      return;
    }
    if (!(await this.o.boards.takeRender(runId, version, final))) return;
    const ws = delivery.workspaceFor(conn, false);
    if (final && row.replyOnEnd) await this.replyOutcome(runId, row, view.text, conn, delivery);
    const args = { channel: row.state?.channel, ts: row.state?.ts, text: view.text, blocks: view.blocks };
    for (let attempt = 1; attempt <= 5; attempt++) {
      const out = await ws.call('chat.update', args);
      if (out.kind === 'ok') return;
      if (out.kind === 'rate_limited') {
        await sleep(out.retryAfterSec * 1000);
        continue;
      }
      if (out.kind === 'refused') {
        this.o.log?.(`run board of ${runId}: chat.update refused (${out.error})`);
        return;
      }
      await sleep(500 * attempt);
    }
  }
}
