/**
 * A worker: claims runs with work due, drives each with a `RunExecutor` (up to `concurrency` at once),
 * keeps their leases alive, applies operator actions recorded for them, stops a run that was
 * cancelled or taken over, and parks runs when only operators or far timers are left.
 *
 * - Wakes on store notices (PostgreSQL LISTEN/NOTIFY; this process's own writes on SQLite) and polls
 *   every `pollMs` as the fallback; a run it parked with a near wake-up gets a local timer too.
 * - Every poll it reads the runs it holds (`heldRuns`): a run gone from the answer, with another epoch
 *   or cancelled, is stopped; pending actions are applied. Every third of the lease the same call renews
 *   all its leases at once and refreshes its row in `workers` (its heartbeat).
 * - `drain` (SIGTERM): stop claiming, let in-flight tasks finish, park timers, release every lease.
 * - `settle(runId)` drives one given run until it ends or waits on an operator (the CLI's `run`,
 *   `resume`, `task …`), following it when another worker holds it.
 */
import { hostname } from 'node:os';
import { RunwireError } from '../core/errors.js';
import { isRunTerminal } from '../core/state-machine.js';
import type { TaskTypeRegistry } from '../core/task-type.js';
import type {
  ClaimResult,
  OperatorAction,
  RunEvent,
  RunRecord,
  Store,
  StoreNotice,
  WorkerRecord,
} from '../store/store.js';
import { RunExecutor, type DriveResult } from './executor.js';
import { isOwnerGone, newOwnerId } from './ids.js';
import type { RunOutcome } from './run-service.js';

/** A worker is listed as live while its last heartbeat (every third of its lease) is this recent. */
export const WORKER_ALIVE_MS = 30_000;

export interface WorkerOptions {
  store: Store;
  types: TaskTypeRegistry;
  /** Shown by `runwire workers list`; defaults to `worker-<pid>`. */
  name?: string;
  /** Runs driven at once (default 32). */
  concurrency?: number;
  /** Lease length in ms (default 30 s), renewed every third of it. */
  leaseMs?: number;
  /** Polling fallback in ms (default 1 s): due runs, cancels and actions are found at least this often. */
  pollMs?: number;
  /** Timers due within this many ms stay in the worker; later ones park the run (default 5 s). */
  holdTimersMs?: number;
  /** Register in the `workers` table with heartbeats (`runwire worker`; the CLI's own driver does not). */
  register?: boolean;
  now?: () => Date;
  random?: () => number;
  /** Every event this worker commits (live progress), with its run as the executor holds it (no store read). */
  onEvent?: (event: RunEvent, run: RunRecord) => void;
  /** Problems worth a line on stderr (a run that failed to drive). */
  log?: (line: string) => void;
}

/** What a drive may start from without reading it back: the run as created or as loaded at the claim. */
type Known = RunOutcome & { actions?: OperatorAction[] };

/** A drive's result with the run and tasks as the executor left them. */
type Driven = DriveResult & RunOutcome;

interface Active {
  ex: RunExecutor;
  epoch: number;
  done: Promise<DriveResult | 'lost'>;
}

export class Worker {
  /** This worker's lease owner id (`pid@host:nonce`). */
  readonly id = newOwnerId();
  readonly name: string;
  private readonly store: Store;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly now: () => Date;
  private readonly active = new Map<string, Active>();
  /** Every drive in progress, including one still reading its run before it is `active`. */
  private readonly driving = new Set<Promise<unknown>>();
  private readonly startedAt: string;
  private stopping = false;
  private looping: Promise<void> | undefined;
  private kickWaiter: (() => void) | undefined;
  private kicked = false;
  private backlog = false;
  private unsubscribe: (() => Promise<void>) | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private lastRenew = 0;
  private checking = false;
  /** Waiters of `settle` for a notice about their run. */
  private readonly runWaiters = new Map<string, Set<() => void>>();

  constructor(private readonly o: WorkerOptions) {
    this.store = o.store;
    this.name = o.name ?? `worker-${process.pid}`;
    this.concurrency = o.concurrency ?? 32;
    this.leaseMs = o.leaseMs ?? 30_000;
    this.pollMs = o.pollMs ?? 1000;
    this.now = o.now ?? (() => new Date());
    this.startedAt = this.now().toISOString();
  }

  /** How many runs this worker drives now. */
  get held(): number {
    return this.active.size;
  }

  /** Listen for notices and keep leases alive; `claim: true` also claims due runs (`runwire worker`). */
  async start(o: { claim: boolean } = { claim: true }): Promise<void> {
    await this.store.announceOwner(this.id);
    this.unsubscribe = await this.store.subscribe((n) => this.onNotice(n));
    this.pollTimer = setInterval(() => {
      void this.check();
      this.kick();
    }, this.pollMs);
    // Only a claiming worker keeps the process alive by itself; the CLI's driver lives while it drives.
    if (!o.claim) this.pollTimer.unref();
    if (this.o.register) await this.heartbeat();
    if (o.claim) this.looping = this.loop();
  }

  private onNotice(n: StoreNotice): void {
    if (n.kind === 'changed') {
      // Another process wrote (SQLite): a run it enqueued, an action, a cancel. Look now, not at the poll.
      this.kick();
      void this.check();
      for (const set of [...this.runWaiters.values()]) for (const w of [...set]) w();
      return;
    }
    if (n.kind === 'due') this.kick();
    const a = this.active.get(n.runId);
    if (a && n.kind === 'cancelled') a.ex.stop(cancelled(n.runId));
    // A run's creation notice has no action to apply (the claim found it first: it is held already).
    else if (a && n.kind === 'due' && !n.created) void this.applyPending(n.runId, a);
    for (const w of this.runWaiters.get(n.runId) ?? []) w();
  }

  private kick(): void {
    this.kicked = true;
    this.kickWaiter?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      this.kicked = false;
      const free = this.concurrency - this.active.size;
      if (free > 0) {
        try {
          const claimed = await this.store.claimRuns({
            owner: this.id,
            leaseMs: this.leaseMs,
            limit: free,
            ...(this.store.dialect === 'sqlite' ? { isStale: isOwnerGone } : {}),
          });
          this.backlog = claimed.length === free;
          // The whole batch is read in one go (one round trip on PostgreSQL); a run missing from the
          // answer (or a failed read) is read again by its own drive.
          const loaded =
            claimed.length > 0 ? await this.store.loadRuns(claimed.map((c) => c.runId)).catch(() => []) : [];
          const byId = new Map(loaded.map((l) => [l.run.id, l]));
          for (const c of claimed) {
            void this.runClaimed(c.runId, c.epoch, byId.get(c.runId)).then(
              (r) => {
                if (r !== 'lost') this.wakeLater(r.wakeAt);
                if (this.backlog) this.kick();
              },
              // Logged by `drive`; the lease expires and another claim retries it.
              () => undefined,
            );
          }
          if (this.backlog) continue;
        } catch (err) {
          if (this.stopping) break;
          this.o.log?.(`claim failed: ${(err as Error).message}`);
        }
      }
      if (this.stopping || this.kicked) continue;
      await new Promise<void>((resolve) => {
        this.kickWaiter = resolve;
      });
      this.kickWaiter = undefined;
    }
  }

  /** A run this worker parked wakes here on time, not at the next poll. */
  private wakeLater(wakeAt: number | null): void {
    if (wakeAt === null || this.stopping) return;
    const ms = wakeAt - this.now().getTime();
    if (ms > 24 * 3_600_000) return;
    setTimeout(() => this.kick(), Math.max(0, ms)).unref();
  }

  /**
   * Drive a run this worker holds under `epoch`, until it parks; 'lost' when it was taken over or
   * cancelled. `known`: the run and tasks as this process just created them (not read back).
   */
  private runClaimed(runId: string, epoch: number, known?: Known): Promise<Driven | 'lost'> {
    // `hold` may run before `drive` returns (a known run starts without awaiting anything); the entry's
    // `done` is filled in right after, before anything can look at it.
    const entry = { epoch } as Active;
    const done = this.drive(runId, epoch, known, (ex) => {
      entry.ex = ex;
      this.active.set(runId, entry);
    });
    entry.done = done;
    this.driving.add(done);
    void done.then(
      () => this.driving.delete(done),
      () => this.driving.delete(done),
    );
    return done;
  }

  private async drive(
    runId: string,
    epoch: number,
    known: Known | undefined,
    hold: (ex: RunExecutor) => void,
  ): Promise<Driven | 'lost'> {
    {
      const lease = { runId, owner: this.id, epoch };
      let ex: RunExecutor | undefined;
      let parked = false;
      try {
        const [run, tasks, actions] = known
          ? [known.run, known.tasks, known.actions ?? (await this.store.pendingActions(runId))]
          : await Promise.all([this.store.getRun(runId), this.store.getTasks(runId), this.store.pendingActions(runId)]);
        if (!run) return 'lost';
        if (isRunTerminal(run.status)) {
          await this.store.commit({ ...lease, tasks: [], events: [], park: { wakeAt: null } });
          parked = true;
          return { status: run.status, wakeAt: null, run, tasks };
        }
        ex = new RunExecutor(
          {
            store: this.store,
            types: this.o.types,
            lease,
            now: this.now,
            random: this.o.random ?? Math.random,
            leaseMs: this.leaseMs,
            ...(this.o.holdTimersMs !== undefined ? { holdTimersMs: this.o.holdTimersMs } : {}),
            ...(this.o.onEvent ? { onEvent: this.o.onEvent } : {}),
          },
          run,
          tasks,
        );
        hold(ex);
        if (this.stopping) ex.drain();
        const r = await ex.drive(actions);
        parked = true;
        return {
          ...r,
          run: { ...ex.record(), status: r.status, wakeAt: r.wakeAt, leaseOwner: null },
          tasks: ex.tasks(),
        };
      } catch (err) {
        if (err instanceof RunwireError && err.code === 'runwire.store.lease_lost') return 'lost';
        // A bug or a store failure: leave the lease to expire (no hot loop of retries), say what happened.
        this.o.log?.(`run ${runId}: ${(err as Error).message}`);
        throw err;
      } finally {
        if (this.active.get(runId)?.ex === ex) this.active.delete(runId);
        // Nothing of ours may stay held after a failure (a no-op when someone else holds it); a park
        // released the lease in its own commit.
        if (!parked) await this.store.releaseLease(runId, this.id).catch(() => undefined);
      }
    }
  }

  private async applyPending(runId: string, a: Active): Promise<void> {
    const actions = await this.store.pendingActions(runId).catch(() => []);
    if (actions.length > 0) a.ex.applyActions(actions);
  }

  /** The poll: stop runs lost or cancelled, apply pending actions, renew leases every third of the lease. */
  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const now = this.now().getTime();
      const renew = now - this.lastRenew >= this.leaseMs / 3;
      if (this.active.size > 0 || renew) {
        // Judge only runs held before the question was asked: one claimed meanwhile is not in the answer.
        const before = [...this.active];
        const held = await this.store.heldRuns(this.id, renew ? this.leaseMs : undefined);
        const byId = new Map(held.map((h) => [h.runId, h]));
        for (const [runId, a] of before) {
          if (this.active.get(runId) !== a) continue;
          const h = byId.get(runId);
          if (!h || h.epoch !== a.epoch) a.ex.stop(lost(runId));
          else if (h.status === 'cancelled') a.ex.stop(cancelled(runId));
          else if (h.pendingActions > 0) await this.applyPending(runId, a);
        }
      }
      if (renew) {
        this.lastRenew = now;
        if (this.o.register) await this.heartbeat();
      }
    } catch (err) {
      this.o.log?.(`heartbeat failed: ${(err as Error).message}`);
    } finally {
      this.checking = false;
    }
  }

  private async heartbeat(): Promise<void> {
    const w: WorkerRecord = {
      id: this.id,
      name: this.name,
      host: hostname(),
      pid: process.pid,
      startedAt: this.startedAt,
      heartbeatAt: this.now().toISOString(),
      runsHeld: this.active.size,
    };
    await this.store.heartbeatWorker(w);
  }

  /** Claim one given run now (whatever its wake-up time): the CLI's `resume`. */
  claim(runId: string): Promise<ClaimResult> {
    // A holder that is gone is taken over at once (SQLite: its pid; PostgreSQL: its database session).
    return this.store.claimRun(runId, { owner: this.id, leaseMs: this.leaseMs, isStale: isOwnerGone });
  }

  /**
   * Drive one run until it settles: it ended, or nothing is due until an operator acts and nobody
   * holds it. `epoch`: this worker holds it already (created claimed, or `claim`ed). When another live
   * worker holds it, wait for that one (following the run) and take over whatever becomes due and free.
   * Returns early (not settled) when the worker drains.
   */
  async settle(runId: string, o: { epoch?: number; known?: RunOutcome } = {}): Promise<RunOutcome> {
    let epoch = o.epoch;
    let known = o.known;
    for (;;) {
      if (epoch !== undefined) {
        const r = await this.runClaimed(runId, epoch, known);
        epoch = undefined;
        known = undefined;
        // Settled as this worker left it, and no action recorded meanwhile: answer from memory (a
        // 10,000-task run is not read back).
        if (r !== 'lost' && r.wakeAt === null && (await this.store.pendingActions(runId)).length === 0)
          return { run: r.run, tasks: r.tasks };
      }
      const run = await this.getRun(runId);
      if (this.stopping || isSettled(run)) return this.outcome(run);
      const now = await this.store.now();
      if (run.wakeAt !== null && run.wakeAt <= now) {
        // Free, expired, ours, or its holder is gone: take it; held by a live worker: follow it.
        const claim = await this.claim(runId);
        if (claim.ok) {
          epoch = claim.epoch;
          continue;
        }
      }
      await this.waitFor(runId, run.wakeAt === null || run.wakeAt <= now ? this.pollMs : run.wakeAt - now);
    }
  }

  private async getRun(runId: string): Promise<RunRecord> {
    const run = await this.store.getRun(runId);
    if (!run) throw new RunwireError('runwire.run.not_found', `No run "${runId}".`);
    return run;
  }

  private async outcome(run: RunRecord): Promise<RunOutcome> {
    return { run, tasks: await this.store.getTasks(run.id) };
  }

  /** Sleep until a notice about the run, its wake-up time, or the next poll, whichever is first. */
  private waitFor(runId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const set = this.runWaiters.get(runId) ?? new Set();
      this.runWaiters.set(runId, set);
      const done = (): void => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.runWaiters.delete(runId);
        resolve();
      };
      const timer = setTimeout(done, Math.min(ms, this.pollMs));
      set.add(done);
    });
  }

  /**
   * Stop claiming, let every run's in-flight tasks finish (up to `timeoutMs`), park them and release
   * their leases, and leave the workers table. True when everything was released in time.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    this.stopping = true;
    this.kick();
    for (const w of [...this.runWaiters.values()].flatMap((set) => [...set])) w();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const all = (async (): Promise<true> => {
      await this.looping;
      // Runs claimed by a claim in flight when the drain began drain as soon as they start.
      // A drive still reading its run when the drain began is not `active` yet: it sees `stopping`
      // when it holds and parks at once; wait for it too, so nothing writes after the store closes.
      while (this.driving.size > 0) {
        for (const a of this.active.values()) a.ex.drain();
        await Promise.allSettled([...this.driving]);
      }
      return true;
    })();
    const clean = await Promise.race([all, timeout]);
    clearTimeout(timer);
    await this.close();
    return clean && this.active.size === 0;
  }

  /** Stop timers and listening (after `drain`, or when the process ends anyway). */
  async close(): Promise<void> {
    this.stopping = true;
    this.kick();
    clearInterval(this.pollTimer);
    if (this.unsubscribe) await this.unsubscribe().catch(() => undefined);
    this.unsubscribe = undefined;
    if (this.o.register) await this.store.removeWorker(this.id).catch(() => undefined);
  }
}

/** Settled for a driver: ended, or nothing due and nobody holding it (an operator must act). */
function isSettled(run: RunRecord): boolean {
  return isRunTerminal(run.status) || (run.wakeAt === null && run.leaseOwner === null);
}

function lost(runId: string): RunwireError {
  return new RunwireError('runwire.store.lease_lost', `Run ${runId} was taken over by another worker.`);
}

function cancelled(runId: string): RunwireError {
  return new RunwireError('runwire.store.lease_lost', `Run ${runId} was cancelled.`);
}
