/**
 * The run loop for one run held under a lease (claimed by a worker). The run's tasks live in memory;
 * every change is queued (dirty task rows + events) and written by `flush` in one transaction per step:
 * - a step first persists every task it is about to start as `running` (before the side effect),
 * - then starts them all (they run concurrently),
 * - then waits for completions, collects all that arrived in the same tick, persists them (after the
 *   side effect), and makes their dependents ready by counting down unfinished predecessors.
 * A crash between two flushes leaves tasks `running` in the store, which recovery handles on resume.
 *
 * Timers (a `sleeping` task such as `wait`, a retry's backoff) due within `holdTimersMs` stay in
 * memory while the run is held; when nothing else is in flight and every timer is further away, the
 * run is parked: the last commit releases the lease and stores `wake_at` (the earliest timer), and any
 * worker continues it when due. Operator actions recorded by the run service are applied between steps
 * (`applyActions`); `drain` finishes what is in flight, parks short timers too, and parks the run.
 */
import { monotonicMs } from '../core/monotonic.js';
import { setImmediate as tick } from 'node:timers/promises';
import { RunwireError, toRunwireError } from '../core/errors.js';
import type { Runbook, TaskSpec } from '../core/runbook.js';
import {
  assertRunTransition,
  assertTransition,
  deriveRunStatus,
  isTaskDone,
  type TaskStatus,
} from '../core/state-machine.js';
import { backoffDelay, shouldRetry } from '../core/backoff.js';
import type { TemplateScope } from '../core/template.js';
import {
  renderTaskInput,
  type TaskContext,
  type TaskResult,
  type TaskTypeDefinition,
  type TaskTypeRegistry,
  type TaskView,
} from '../core/task-type.js';
import type {
  Lease,
  OperatorAction,
  RunEvent,
  RunPatch,
  RunRecord,
  RunStatus,
  Store,
  TaskRecord,
} from '../store/store.js';
import {
  actionProblem,
  badAction,
  indexDependencies,
  recoverRunning,
  rehearsalBehaviour,
  retryPolicy,
} from './decisions.js';
import { redactUrlCredentials } from '../core/redact.js';
import { actorLabel, decisionVerb } from './actors.js';

/** Longest a run of quick steps keeps the event loop before drive yields (ms). */
const YIELD_MS = 5;

export interface ExecutorDeps {
  store: Store;
  types: TaskTypeRegistry;
  /** The lease this executor writes under (owner and fencing epoch of the claim). */
  lease: Lease;
  now(): Date;
  /** In [0, 1): jitter for backoff. */
  random(): number;
  /** How long a lease lasts without renewal (ms); the worker's heartbeat renews it. */
  leaseMs: number;
  /** Timers due within this many ms stay in memory; later ones park the run (default 5 s). */
  holdTimersMs?: number;
  /** Called for each event once it is committed (live progress), with the run as this executor holds it. */
  onEvent?(event: RunEvent, run: RunRecord): void;
}

/** How a drive ended: the run parked (lease released) with its status and next wake-up. */
export interface DriveResult {
  status: RunStatus;
  /** When the run has work due again (epoch ms), or null: nothing until an operator acts, or it ended. */
  wakeAt: number | null;
}

/** A timer of the run: a sleeping task to call again, a waiting task to wake, a backoff to end. */
interface Timer {
  at: number;
  kind: 'continue' | 'wake' | 'retry';
  /** For `continue`: the job to run again (the task is still `running`). */
  job?: Job;
  handle?: NodeJS.Timeout;
}

/** Default for `holdTimersMs`: a timer this close is cheaper kept than parked and claimed again. */
export const HOLD_TIMERS_MS = 5000;

/** The reason recorded on a task skipped because the run is a rehearsal. */
export const REHEARSAL_SKIP_REASON = 'not run in rehearsal';

export class RunExecutor {
  private readonly specs = new Map<string, TaskSpec>();
  private readonly recs = new Map<string, TaskRecord>();
  private readonly dirty = new Set<TaskRecord>();
  private events: RunEvent[] = [];
  private runPatch: RunPatch | undefined;
  private readonly readyQueue: string[] = [];
  private readonly timers = new Map<string, Timer>();
  private readonly holdMs: number;
  private draining = false;
  private readonly applied = new Set<number>();
  /** Tasks re-run after a crash: their next start is `recovered` (see `TaskContext.start`). */
  private readonly recovered = new Set<string>();
  private appliedIds: number[] = [];
  private inflight = 0;
  /** When drive last gave the event loop a turn (`monotonicMs`). */
  private yieldedAt = monotonicMs();
  private wakeUp: (() => void) | undefined;
  private readonly abort = new AbortController();
  private failure: unknown;
  private readonly dependents: Map<string, string[]>;
  private readonly remaining: Map<string, number>;
  private readonly spec: Runbook;

  constructor(
    private readonly deps: ExecutorDeps,
    private readonly run: RunRecord,
    tasks: TaskRecord[],
  ) {
    this.spec = run.spec;
    this.holdMs = deps.holdTimersMs ?? HOLD_TIMERS_MS;
    for (const t of run.spec.tasks) this.specs.set(t.id, t);
    for (const r of tasks) this.recs.set(r.taskId, r);
    const idx = indexDependencies(run.spec.tasks, (id) => {
      const r = this.recs.get(id);
      return r !== undefined && isTaskDone(r.status);
    });
    this.dependents = idx.dependents;
    this.remaining = idx.remaining;
  }

  /** The tasks as they are now (in runbook order). */
  tasks(): TaskRecord[] {
    return [...this.recs.values()].sort((a, b) => a.position - b.position);
  }

  record(): RunRecord {
    return this.run;
  }

  private lastMs = NaN;
  private lastIso = '';

  /** The clock as ISO-8601; formatting once per millisecond matters when a step moves thousands of tasks. */
  private iso(): string {
    const ms = this.deps.now().getTime();
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.lastIso = new Date(ms).toISOString();
    }
    return this.lastIso;
  }

  /** Queue an event for the next flush. */
  event(kind: string, taskId: string | null, message: string, actor = 'engine', data?: Record<string, unknown>): void {
    this.events.push({
      runId: this.run.id,
      at: this.iso(),
      actor,
      kind,
      taskId,
      message: redactUrlCredentials(message),
      ...(data ? { data } : {}),
    });
  }

  /** Move a task to a new status (asserting the state machine) and queue it for the next flush. */
  transition(rec: TaskRecord, to: TaskStatus): void {
    assertTransition(rec.status, to, rec.taskId);
    rec.status = to;
    this.dirty.add(rec);
  }

  private setRunStatus(to: RunStatus): void {
    if (this.run.status === to) return;
    assertRunTransition(this.run.status, to, this.run.id);
    this.run.status = to;
    const finished = to === 'succeeded' || to === 'failed' || to === 'cancelled';
    this.run.finishedAt = finished ? this.iso() : null;
    this.runPatch = { ...this.runPatch, status: to, finishedAt: this.run.finishedAt };
  }

  /** The last flush, so the next waits for it: commits never overlap, events are stored and reported in order. */
  private flushed: Promise<void> = Promise.resolve();

  /**
   * Write every queued change (and the applied actions) in one transaction, then report its events;
   * with `park`, the same transaction releases the lease and stores the wake-up time. The drive loop
   * flushes, and so does a task saving its state; one flush runs at a time, in call order.
   */
  private flush(park?: { wakeAt: number | null }): Promise<void> {
    const next = this.flushed.then(() => this.flushNow(park));
    this.flushed = next.catch(() => undefined);
    return next;
  }

  private async flushNow(park?: { wakeAt: number | null }): Promise<void> {
    if (!park && this.dirty.size === 0 && this.events.length === 0 && !this.runPatch && !this.appliedIds.length) return;
    const tasks = [...this.dirty];
    const events = this.events;
    const run = this.runPatch;
    const applied = this.appliedIds;
    this.dirty.clear();
    this.events = [];
    this.runPatch = undefined;
    this.appliedIds = [];
    await this.deps.store.commit({
      ...this.deps.lease,
      tasks,
      events,
      ...(run ? { run } : {}),
      ...(applied.length ? { actionsApplied: applied } : {}),
      ...(park ? { park } : {}),
    });
    if (this.deps.onEvent) for (const e of events) this.deps.onEvent(e, this.run);
  }

  get(taskId: string): TaskRecord {
    const rec = this.recs.get(taskId);
    if (!rec) {
      throw new RunwireError('runwire.task.not_found', `Run ${this.run.id} has no task "${taskId}".`, {
        fix: `See the tasks with \`runwire runs show ${this.run.id}\`.`,
      });
    }
    return rec;
  }

  /**
   * Run until nothing more can happen in this worker: every task settled, or only operators or far
   * timers left, or the rest blocked behind a failure; then park the run (lease released) and return
   * its status and next wake-up. Throws `runwire.store.lease_lost` when the run was taken over or cancelled.
   */
  async drive(actions: readonly OperatorAction[] = []): Promise<DriveResult> {
    this.recover();
    if (this.run.status !== 'running') {
      this.setRunStatus('running');
      if (!this.run.startedAt) {
        this.run.startedAt = this.iso();
        this.runPatch = { ...this.runPatch, startedAt: this.run.startedAt };
      }
    }
    this.applyActions(actions);
    this.seedReady();
    try {
      for (;;) {
        const started = this.draining ? [] : this.startReady();
        // Nothing started, nothing in flight, nothing queued and no timer kept: the run parks, and the
        // park's commit carries what this step queued (one transaction less at the end of every run).
        const idle = started.length === 0 && this.inflight === 0 && (this.draining || this.readyQueue.length === 0);
        if (idle && !this.failure) {
          this.holdDueTimers();
          if (this.draining || !this.hasHeldTimer()) break;
        }
        await this.flush();
        for (const job of started) this.launch(job);
        if (this.failure) throw this.failure;
        // The last task in flight may have settled while the flush was written (its wake-up call found
        // no one waiting): with nothing left that could wake the loop, look again instead of waiting.
        if (this.inflight === 0 && (this.draining || this.readyQueue.length === 0) && !this.hasHeldTimer()) continue;
        if (this.readyQueue.length === 0 || this.draining)
          await new Promise<void>((resolve) => {
            this.wakeUp = resolve;
          });
        // Let every completion of this tick land, so one transaction holds them all. With nothing in
        // flight (a chain of quick tasks) nothing more can land, but yield every YIELD_MS all the same:
        // on SQLite the commits are synchronous, and without it a whole run is driven in one go of the
        // event loop, its live streams' writes (and the API's requests) waiting until the run parks.
        // Not after every step: a loop turn per step cost ~0.05-0.1 ms CPU on a 1,000-task chain.
        if (this.inflight > 0 || monotonicMs() - this.yieldedAt >= YIELD_MS) {
          await tick();
          this.yieldedAt = monotonicMs();
        }
        if (this.failure) throw this.failure;
      }
      return await this.park();
    } catch (err) {
      this.abort.abort(err);
      throw err;
    } finally {
      for (const t of this.timers.values()) clearTimeout(t.handle);
      this.timers.clear();
    }
  }

  /** Settle the run's status for now and park it with the earliest timer as its wake-up. */
  private async park(): Promise<DriveResult> {
    let wakeAt: number | null = null;
    for (const t of this.timers.values()) if (wakeAt === null || t.at < wakeAt) wakeAt = t.at;
    // Tasks queued and not started (a drain) are due at once.
    const status = deriveRunStatus([...this.recs.values()].map((r) => r.status));
    this.setRunStatus(status);
    if (this.readyQueue.length > 0) wakeAt = this.deps.now().getTime();
    if (wakeAt === null) this.event(`run.${status}`, null, `Run ${status}`);
    else
      this.event('run.parked', null, `Run parked until ${new Date(wakeAt).toISOString()}`, 'engine', {
        wake_at: wakeAt,
      });
    await this.flush({ wakeAt });
    return { status, wakeAt };
  }

  /**
   * Stop starting tasks, let what is in flight finish, turn timers kept in memory into parked ones,
   * and park the run (a worker shutting down).
   */
  drain(): void {
    if (this.draining) return;
    this.draining = true;
    for (const [id, t] of this.timers) {
      clearTimeout(t.handle);
      delete t.handle;
      if (t.kind === 'continue') this.sleep(this.get(id), t.at);
    }
    this.wakeUp?.();
  }

  /** Stop at once (the run was cancelled or taken over): in-flight tasks see their signal aborted. */
  stop(reason: unknown): void {
    this.fail(reason);
  }

  /**
   * Apply operator actions recorded by the run service (each once, by id); an action that no longer
   * fits the task is recorded as ignored. Their ids are deleted by the next commit.
   */
  applyActions(actions: readonly OperatorAction[]): void {
    let any = false;
    for (const a of actions) {
      if (this.applied.has(a.id)) continue;
      this.applied.add(a.id);
      this.appliedIds.push(a.id);
      any = true;
      try {
        this.applyAction(a);
      } catch (err) {
        const e = toRunwireError(err);
        this.event('action.ignored', a.taskId, `${a.kind} by ${a.actor} ignored: ${e.message}`, a.actor, {
          code: e.code,
        });
      }
    }
    if (any) this.wakeUp?.();
  }

  private applyAction(a: OperatorAction): void {
    const at = this.iso();
    if (a.kind === 'resume' || a.taskId === null) {
      this.event('run.resumed', null, 'Run resumed', a.actor);
      return;
    }
    const rec = this.get(a.taskId);
    const problem = actionProblem(a.kind, rec.status);
    if (problem) throw badAction(this.run.id, rec, a.kind, problem);
    this.clearTimer(rec.taskId);
    if (this.run.status !== 'running' && this.run.status !== 'queued') this.setRunStatus('running');
    const by = actorLabel(a.actor);
    if (a.kind === 'complete') {
      this.transition(rec, 'succeeded');
      rec.finishedAt = at;
      rec.nextAttemptAt = null;
      rec.output ??= {};
      this.event('task.succeeded', rec.taskId, `${rec.name}: ${decisionVerb('complete', a.actor)} by ${by}`, a.actor, {
        decided_by: a.actor,
      });
      this.release(rec);
    } else if (a.kind === 'fail') {
      this.transition(rec, 'failed');
      rec.finishedAt = at;
      rec.nextAttemptAt = null;
      rec.reason = `${decisionVerb('fail', a.actor)} by ${by}`;
      rec.error = {
        code: 'runwire.task.rejected',
        message: `${decisionVerb('fail', a.actor)} by ${by}`,
        fix: `Retry it with \`runwire task retry ${this.run.id} ${rec.taskId}\` (it asks again), or skip it.`,
        retryable: false,
      };
      this.event('task.failed', rec.taskId, `${rec.name}: ${rec.reason}`, a.actor, {
        code: 'runwire.task.rejected',
        decided_by: a.actor,
      });
    } else if (a.kind === 'skip') {
      this.transition(rec, 'skipped');
      rec.finishedAt = at;
      rec.nextAttemptAt = null;
      rec.reason = `skipped by ${a.actor}`;
      this.event('task.skipped', rec.taskId, `${rec.name}: skipped by ${a.actor}`, a.actor, {
        reason: rec.reason,
        decided_by: a.actor,
      });
      this.release(rec);
    } else {
      this.transition(rec, 'ready');
      // A retry by the operator starts a fresh round of the retry policy.
      rec.attempts = 0;
      rec.error = null;
      rec.reason = null;
      rec.finishedAt = null;
      rec.nextAttemptAt = null;
      this.event('task.ready', rec.taskId, `${rec.name}: retry requested by ${a.actor}`, a.actor);
      this.readyQueue.push(rec.taskId);
    }
  }

  private fail(err: unknown): void {
    this.failure ??= err;
    this.abort.abort(err);
    this.wakeUp?.();
  }

  /** Tasks left `running` by a crashed process: re-run idempotent ones, fail the others "interrupted". */
  private recover(): void {
    for (const rec of this.recs.values()) {
      if (rec.status !== 'running') continue;
      const type = this.deps.types.get(rec.type);
      if (type && recoverRunning(type.idempotent) === 'rerun') {
        this.recovered.add(rec.taskId);
        this.transition(rec, 'ready');
        rec.nextAttemptAt = null;
        this.event(
          'task.ready',
          rec.taskId,
          `${rec.name}: interrupted by a crash; re-running (the ${rec.type} type is idempotent)`,
        );
      } else {
        this.transition(rec, 'failed');
        rec.finishedAt = this.iso();
        rec.reason = 'interrupted';
        rec.error = {
          code: 'runwire.engine.interrupted',
          message: 'The task was running when the engine stopped; it is not safe to repeat automatically.',
          fix: `Check its effect, then \`runwire task retry ${this.run.id} ${rec.taskId}\` or \`runwire task skip ${this.run.id} ${rec.taskId}\`.`,
          retryable: false,
        };
        this.event('task.failed', rec.taskId, `${rec.name}: interrupted (not idempotent, not re-run)`, 'engine', {
          reason: 'interrupted',
        });
      }
    }
  }

  /** Queue every task that can start now; set timers for backoffs and sleeping tasks. */
  private seedReady(): void {
    const now = this.deps.now().getTime();
    for (const rec of this.tasks()) {
      if (rec.status === 'ready') {
        if (rec.nextAttemptAt !== null && rec.nextAttemptAt > now)
          this.setTimer(rec.taskId, rec.nextAttemptAt, 'retry');
        else if (!this.readyQueue.includes(rec.taskId)) this.readyQueue.push(rec.taskId);
      } else if (rec.status === 'waiting' && rec.nextAttemptAt !== null) {
        this.setTimer(rec.taskId, rec.nextAttemptAt, 'wake');
      } else if (rec.status === 'pending' && this.remaining.get(rec.taskId) === 0) {
        this.transition(rec, 'ready');
        this.readyQueue.push(rec.taskId);
      }
    }
  }

  /** Record a timer; it fires in memory when due within the hold window, else it waits for a park. */
  private setTimer(taskId: string, at: number, kind: Timer['kind'], job?: Job): void {
    this.clearTimer(taskId);
    const t: Timer = { at, kind, ...(job ? { job } : {}) };
    this.timers.set(taskId, t);
    if (!this.draining && at - this.deps.now().getTime() <= this.holdMs) this.arm(taskId, t);
  }

  private arm(taskId: string, t: Timer): void {
    t.handle = setTimeout(
      () => {
        this.timers.delete(taskId);
        if (t.kind === 'continue' && t.job) this.launch(t.job);
        else this.readyQueue.push(taskId);
        this.wakeUp?.();
      },
      Math.max(0, t.at - this.deps.now().getTime()),
    );
  }

  private clearTimer(taskId: string): void {
    const t = this.timers.get(taskId);
    if (!t) return;
    clearTimeout(t.handle);
    this.timers.delete(taskId);
  }

  /** Arm the timers that came within the hold window while other work ran. */
  private holdDueTimers(): void {
    if (this.draining) return;
    const now = this.deps.now().getTime();
    for (const [id, t] of this.timers) if (!t.handle && t.at - now <= this.holdMs) this.arm(id, t);
  }

  private hasHeldTimer(): boolean {
    for (const t of this.timers.values()) if (t.handle) return true;
    return false;
  }

  /** A sleeping task leaves memory: `waiting` with its wake-up time, so a park keeps it durably. */
  private sleep(rec: TaskRecord, at: number): void {
    this.transition(rec, 'waiting');
    rec.nextAttemptAt = at;
    this.event('task.sleeping', rec.taskId, `${rec.name}: sleeping until ${new Date(at).toISOString()}`, 'engine', {
      until: new Date(at).toISOString(),
    });
    this.setTimer(rec.taskId, at, 'wake');
  }

  /** Mark every queued ready task `running` (attempt counted) and return what to launch. */
  private startReady(): Job[] {
    const jobs: Job[] = [];
    const queue = this.readyQueue.splice(0);
    for (const id of queue) {
      const rec = this.get(id);
      // A sleeping task whose time came continues its attempt; a ready one starts a new attempt.
      const waking = rec.status === 'waiting' && rec.nextAttemptAt !== null;
      if (rec.status !== 'ready' && !waking) continue;
      const spec = this.specs.get(id);
      const type = this.deps.types.get(rec.type);
      this.transition(rec, 'running');
      if (!waking) rec.attempts += 1;
      rec.nextAttemptAt = null;
      rec.startedAt ??= this.iso();
      if (!spec || !type) {
        this.settleFailure(
          rec,
          new RunwireError('runwire.task.unknown_type', `Task type "${rec.type}" is not available in this Runwire.`),
          false,
        );
        continue;
      }
      let input: Record<string, unknown>;
      try {
        // In a rehearsal, an output of a task that was not run renders as a visible placeholder
        // (`[skipped: tasks.x.output.y]`), so its dependents still run or preview.
        input = renderTaskInput(type, spec.input, this.scope(spec), {
          skippedOutput: this.run.mode === 'rehearsal' ? 'placeholder' : 'throw',
        });
      } catch (err) {
        this.settleFailure(rec, toRunwireError(err), false);
        continue;
      }
      let skip = false;
      try {
        skip = this.run.mode === 'rehearsal' && rehearsalBehaviour(spec, type, input) === 'skip';
      } catch (err) {
        this.settleFailure(rec, toRunwireError(err), false);
        continue;
      }
      if (skip) {
        // A rehearsal skip is not an attempt: only the preview runs.
        rec.attempts -= 1;
        this.event('task.running', id, `${rec.name}: not run in rehearsal; preview`, 'engine', { preview: true });
      } else if (waking) {
        this.event('task.running', id, `${rec.name}: woke up (attempt ${rec.attempts})`, 'engine', {
          attempt: rec.attempts,
          woke: true,
        });
      } else {
        this.event('task.running', id, `${rec.name}: running (attempt ${rec.attempts})`, 'engine', {
          attempt: rec.attempts,
        });
      }
      const start = waking ? 'woke' : this.recovered.delete(id) ? 'recovered' : 'fresh';
      jobs.push({ rec, spec, type, input, skip, start });
    }
    return jobs;
  }

  private scope(spec: TaskSpec): TemplateScope {
    return {
      vars: this.run.vars,
      runbook: { name: this.spec.name },
      run: { id: this.run.id, mode: this.run.mode },
      task: { id: spec.id, name: this.recs.get(spec.id)?.name ?? spec.name },
      tasks: (id: string) => {
        const r = this.recs.get(id);
        return r ? { output: r.output ?? undefined, status: r.status } : undefined;
      },
    };
  }

  private launch(job: Job): void {
    this.inflight++;
    const ctx = this.context(job);
    // Started inside a promise, so a type that throws synchronously fails its task like one that
    // rejects; an output the store cannot hold fails the task too (see `checkedResult`): nothing a
    // task does or returns may reach the run loop as a throw.
    const work: Promise<TaskResult | 'skipped'> = Promise.resolve().then(() =>
      job.skip
        ? (job.type.preview ? job.type.preview(job.input as never, ctx) : Promise.resolve()).then(
            () => 'skipped' as const,
          )
        : Promise.resolve(job.type.run(job.input as never, ctx)).then(checkedResult),
    );
    work
      .then(
        (result) => this.settleSuccess(job.rec, result, job),
        (err: unknown) => {
          const e = toRunwireError(err);
          if (job.skip) {
            // A failed preview must not fail a rehearsal: the task was never going to run.
            this.event(
              'task.log',
              job.rec.taskId,
              `${job.rec.name}: preview failed: ${e.message}`,
              `task:${job.rec.taskId}`,
            );
            this.settleSuccess(job.rec, 'skipped');
          } else {
            this.settleFailure(job.rec, e, !this.abort.signal.aborted);
          }
        },
      )
      .finally(() => {
        this.inflight--;
        this.wakeUp?.();
      })
      .catch((err: unknown) => this.fail(err));
  }

  private settleSuccess(rec: TaskRecord, result: TaskResult | 'skipped', job?: Job): void {
    if (rec.status !== 'running') return; // cancelled meanwhile
    if (result === 'skipped') {
      this.transition(rec, 'skipped');
      rec.reason = REHEARSAL_SKIP_REASON;
      rec.finishedAt = this.iso();
      this.event('task.skipped', rec.taskId, `${rec.name}: skipped (${REHEARSAL_SKIP_REASON})`, 'engine', {
        reason: REHEARSAL_SKIP_REASON,
      });
      this.release(rec);
      return;
    }
    if (result.status === 'sleeping') {
      const at = result.until.getTime();
      // Kept in memory (the task stays `running`, nothing to write) when due soon; else it sleeps durably.
      if (job && !this.draining && at - this.deps.now().getTime() <= this.holdMs)
        this.setTimer(rec.taskId, at, 'continue', job);
      else this.sleep(rec, at);
      return;
    }
    rec.output = result.output ?? rec.output ?? {};
    rec.error = null;
    if (result.status === 'waiting') {
      this.transition(rec, 'waiting');
      const until = result.until?.getTime();
      this.event(
        'task.waiting',
        rec.taskId,
        `${rec.name}: waiting for an operator${until !== undefined ? ` until ${new Date(until).toISOString()}` : ''}`,
        `task:${rec.taskId}`,
        until !== undefined ? { until: new Date(until).toISOString() } : undefined,
      );
      // A deadline: the task wakes (same attempt) unless an operator decides first (which clears it).
      if (until !== undefined) {
        rec.nextAttemptAt = until;
        this.setTimer(rec.taskId, until, 'wake');
      }
      return;
    }
    if (result.status === 'skipped') {
      this.transition(rec, 'skipped');
      rec.reason = result.reason;
      rec.finishedAt = this.iso();
      this.event('task.skipped', rec.taskId, `${rec.name}: skipped (${result.reason})`, `task:${rec.taskId}`, {
        reason: result.reason,
      });
      this.release(rec);
      return;
    }
    this.transition(rec, 'succeeded');
    rec.finishedAt = this.iso();
    this.event('task.succeeded', rec.taskId, `${rec.name}: succeeded`, `task:${rec.taskId}`);
    this.release(rec);
  }

  private settleFailure(rec: TaskRecord, err: RunwireError, mayRetry: boolean): void {
    if (rec.status !== 'running') return;
    const { message, fix, ...rest } = err.toJSON();
    rec.error = { ...rest, message: redactUrlCredentials(message), ...(fix ? { fix: redactUrlCredentials(fix) } : {}) };
    const spec = this.specs.get(rec.taskId);
    const type = this.deps.types.get(rec.type);
    const policy = spec && type ? retryPolicy(spec, type) : { attempts: 1, backoffMs: 0 };
    if (mayRetry && shouldRetry(rec.attempts, policy, err.retryable)) {
      const delay = backoffDelay(rec.attempts, policy, this.deps.random());
      this.transition(rec, 'ready');
      rec.nextAttemptAt = this.deps.now().getTime() + delay;
      this.event(
        'task.retrying',
        rec.taskId,
        `${rec.name}: attempt ${rec.attempts} failed (${err.message}); retrying in ${delay} ms`,
        'engine',
        { code: err.code, delay_ms: delay },
      );
      this.setTimer(rec.taskId, rec.nextAttemptAt, 'retry');
      return;
    }
    this.transition(rec, 'failed');
    rec.finishedAt = this.iso();
    this.event('task.failed', rec.taskId, `${rec.name}: failed: ${err.message}`, 'engine', { code: err.code });
  }

  /** A task finished well: count it off its dependents, making those with nothing left ready. */
  release(rec: TaskRecord): void {
    for (const d of this.dependents.get(rec.taskId) ?? []) {
      const left = (this.remaining.get(d) ?? 0) - 1;
      this.remaining.set(d, left);
      const dep = this.recs.get(d);
      if (left === 0 && dep && dep.status === 'pending') {
        // No event of its own: it starts in this same step, so `ready` never reaches the store and the
        // `task.running` event records the change (a `ready` that lasts — a retry's backoff — is logged).
        this.transition(dep, 'ready');
        this.readyQueue.push(d);
      }
    }
  }

  private context(job: Job): TaskContext {
    const { rec } = job;
    const actor = `task:${rec.taskId}`;
    const log = (level: string) => (message: string, data?: Record<string, unknown>) =>
      this.event('task.log', rec.taskId, `${rec.name}: ${message}`, actor, { level, ...data });
    return {
      run: { id: this.run.id, mode: this.run.mode, runbook: this.spec.name },
      task: { id: rec.taskId, name: rec.name, type: rec.type },
      attempt: rec.attempts,
      start: job.start,
      idempotencyKey: `${this.run.id}:${rec.taskId}`,
      signal: this.abort.signal,
      log: { info: log('info'), warn: log('warn'), error: log('error') },
      now: () => this.deps.now(),
      get state() {
        return rec.state ?? undefined;
      },
      saveState: async (state, message) => {
        // Queued with everything else and flushed now: durable when this returns, and its event is
        // stored and printed in time order with the others (a separate write put it before earlier events).
        rec.state = state;
        this.dirty.add(rec);
        this.event('task.state', rec.taskId, `${rec.name}: ${message ?? 'state saved'}`, actor, { state });
        await this.flush();
      },
      lookupTask: (taskId: string): TaskView | undefined => {
        const r = this.recs.get(taskId);
        return r
          ? { id: r.taskId, type: r.type, status: r.status, output: r.output ?? undefined, state: r.state ?? undefined }
          : undefined;
      },
    };
  }
}

/**
 * A task's result as the store will hold it: a well-formed result whose output serialises to JSON.
 * Serialising here (the store does it again when it commits) costs a little per task but keeps a
 * circular, too-deep or BigInt-holding output from throwing inside the engine's commit.
 */
export function checkedResult(result: TaskResult): TaskResult {
  if (result?.status === 'sleeping') {
    if (result.until instanceof Date && !Number.isNaN(result.until.getTime())) return result;
    throw new RunwireError('runwire.task.bad_output', 'The task type asked to sleep without a valid `until` date.');
  }
  if (result?.status === 'waiting' && result.until !== undefined && Number.isNaN(result.until.getTime?.())) {
    throw new RunwireError('runwire.task.bad_output', 'The task type asked to wait with an invalid `until` date.');
  }
  if (result?.status === 'skipped' && typeof result.reason !== 'string') {
    throw new RunwireError('runwire.task.bad_output', 'The task type skipped itself without a reason.');
  }
  if (!result || (result.status !== 'succeeded' && result.status !== 'waiting' && result.status !== 'skipped')) {
    throw new RunwireError('runwire.task.bad_output', `The task type returned no valid result (${String(result)}).`);
  }
  if (result.output !== undefined) {
    try {
      JSON.stringify(result.output);
    } catch (err) {
      throw new RunwireError(
        'runwire.task.bad_output',
        `The task's output cannot be stored as JSON (${(err as Error).message}).`,
        { cause: err },
      );
    }
  }
  return result;
}

interface Job {
  rec: TaskRecord;
  spec: TaskSpec;
  type: TaskTypeDefinition;
  input: Record<string, unknown>;
  skip: boolean;
  start: TaskContext['start'];
}
