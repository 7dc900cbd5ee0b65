/**
 * The engine's entry points: start a run, resume one, and the operator's task actions
 * (complete, skip, retry) and cancel. Each takes the run's lease, loads it once, applies the action
 * and drives the run in-process until it finishes or waits again.
 */
import { RunwireError } from '../core/errors.js';
import { renderTemplate } from '../core/template.js';
import type { Runbook } from '../core/runbook.js';
import type { RunMode, TaskTypeRegistry } from '../core/task-type.js';
import type { RunEvent, RunRecord, RunStatus, Store, TaskRecord } from '../store/store.js';
import { RunExecutor } from './executor.js';
import { isOwnerGone, newOwnerId, newRunId } from './ids.js';

export interface EngineOptions {
  store: Store;
  types: TaskTypeRegistry;
  /** Injected clock; defaults to the system clock. */
  now?: () => Date;
  random?: () => number;
  /** Lease duration in ms (renewed by every commit and every third of it while idle). */
  leaseMs?: number;
  onEvent?: (event: RunEvent) => void;
}

/** A run as it stands after an engine call. */
export interface RunOutcome {
  run: RunRecord;
  tasks: TaskRecord[];
}

export interface StartOptions {
  mode: RunMode;
  /** Runbook vars merged with `--var` overrides. */
  vars: Record<string, string>;
  /** Who started it, e.g. `cli:alice`. */
  actor: string;
  /** Extra events to record as the run starts (pre-flight warnings). */
  events?: Array<Pick<RunEvent, 'kind' | 'taskId' | 'message' | 'data'>>;
  /** Called with the new run id before the run is driven (e.g. to print it). */
  onCreated?: (runId: string) => void;
}

export type TaskAction = 'complete' | 'skip' | 'retry';

export class Engine {
  private readonly store: Store;
  private readonly owner = newOwnerId();
  private readonly now: () => Date;
  private readonly leaseMs: number;

  constructor(private readonly opts: EngineOptions) {
    this.store = opts.store;
    this.now = opts.now ?? (() => new Date());
    this.leaseMs = opts.leaseMs ?? 30_000;
  }

  /** Create a run of a parsed runbook and drive it. */
  async start(runbook: Runbook, o: StartOptions): Promise<RunOutcome> {
    const now = this.now();
    const at = now.toISOString();
    const id = newRunId(now);
    const run: RunRecord = {
      id,
      runbook: runbook.name,
      spec: runbook,
      mode: o.mode,
      status: 'running',
      vars: o.vars,
      createdAt: at,
      startedAt: at,
      finishedAt: null,
      leaseOwner: this.owner,
      leaseExpiresAt: now.getTime() + this.leaseMs,
    };
    // Task names may hold templates (`Deploy {{vars.release}}`); outputs of other tasks stay as written.
    const scope = { vars: o.vars, runbook: { name: runbook.name }, run: { id, mode: o.mode } };
    const tasks: TaskRecord[] = runbook.tasks.map((t, position) => ({
      runId: id,
      taskId: t.id,
      position,
      name: renderTemplate(t.name, { ...scope, task: { id: t.id, name: t.id } }, { partial: true }),
      type: t.type,
      status: 'pending',
      attempts: 0,
      startedAt: null,
      finishedAt: null,
      nextAttemptAt: null,
      error: null,
      output: null,
      state: null,
      reason: null,
    }));
    const events: RunEvent[] = [
      {
        runId: id,
        at,
        actor: o.actor,
        kind: 'run.created',
        taskId: null,
        message: `${o.mode === 'rehearsal' ? 'Rehearsal' : 'Live run'} of "${runbook.name}" started`,
        data: { mode: o.mode, vars: o.vars },
      },
      ...(o.events ?? []).map((e) => ({ runId: id, at, actor: 'engine', ...e })),
    ];
    await this.store.createRun(run, tasks, events);
    o.onCreated?.(id);
    for (const e of events) this.opts.onEvent?.(e);
    return this.driveHeld(new RunExecutor(this.deps(), run, tasks));
  }

  /** Continue a run after a crash or a stop (see the executor's recovery rules). */
  async resume(runId: string, actor: string): Promise<RunOutcome> {
    const ex = await this.hold(runId);
    ex.event('run.resumed', null, 'Run resumed', actor);
    return this.driveHeld(ex);
  }

  /** An operator action on one task, then drive the run on. */
  async taskAction(runId: string, taskId: string, action: TaskAction, actor: string): Promise<RunOutcome> {
    const ex = await this.hold(runId);
    try {
      const rec = ex.get(taskId);
      const at = this.now().toISOString();
      if (action === 'complete') {
        if (rec.status !== 'waiting') throw badAction(runId, rec, 'complete', 'only a waiting task can be completed');
        ex.transition(rec, 'succeeded');
        rec.finishedAt = at;
        rec.output ??= {};
        ex.event('task.succeeded', taskId, `${rec.name}: completed by ${actor}`, actor);
        ex.release(rec);
      } else if (action === 'skip') {
        if (!['pending', 'ready', 'waiting', 'failed'].includes(rec.status))
          throw badAction(runId, rec, 'skip', 'only a pending, ready, waiting or failed task can be skipped');
        ex.transition(rec, 'skipped');
        rec.finishedAt = at;
        rec.reason = `skipped by ${actor}`;
        ex.event('task.skipped', taskId, `${rec.name}: skipped by ${actor}`, actor, { reason: rec.reason });
        ex.release(rec);
      } else {
        if (rec.status !== 'failed') throw badAction(runId, rec, 'retry', 'only a failed task can be retried');
        ex.transition(rec, 'ready');
        // A retry by the operator starts a fresh round of the retry policy.
        rec.attempts = 0;
        rec.error = null;
        rec.reason = null;
        rec.finishedAt = null;
        rec.nextAttemptAt = null;
        ex.event('task.ready', taskId, `${rec.name}: retry requested by ${actor}`, actor);
      }
    } catch (err) {
      await this.store.releaseLease(runId, this.owner);
      throw err;
    }
    return this.driveHeld(ex);
  }

  /** Cancel a run: it and its unfinished tasks become `cancelled`. */
  async cancel(runId: string, actor: string): Promise<RunOutcome> {
    const run = await this.store.getRun(runId);
    if (!run) throw notFound(runId);
    const at = this.now().toISOString();
    const ok = await this.store.cancelRun(runId, at, {
      runId,
      at,
      actor,
      kind: 'run.cancelled',
      taskId: null,
      message: `Run cancelled by ${actor}`,
    });
    if (!ok) {
      throw new RunwireError(
        'runwire.run.not_cancellable',
        `Run ${runId} is ${run.status}; only an unfinished run can be cancelled.`,
      );
    }
    return this.load(runId);
  }

  async load(runId: string): Promise<RunOutcome> {
    const run = await this.store.getRun(runId);
    if (!run) throw notFound(runId);
    return { run, tasks: await this.store.getTasks(runId) };
  }

  private deps() {
    return {
      store: this.store,
      types: this.opts.types,
      owner: this.owner,
      now: this.now,
      random: this.opts.random ?? Math.random,
      leaseMs: this.leaseMs,
      ...(this.opts.onEvent ? { onEvent: this.opts.onEvent } : {}),
    };
  }

  /** Take the run's lease and load it. */
  private async hold(runId: string): Promise<RunExecutor> {
    const now = this.now().getTime();
    const lease = await this.store.acquireLease({
      runId,
      owner: this.owner,
      now,
      expiresAt: now + this.leaseMs,
      isStale: isOwnerGone,
    });
    if (!lease.ok) {
      throw new RunwireError(
        'runwire.run.busy',
        `Run ${runId} is being run by another Runwire process (${lease.holder}).`,
        {
          fix: 'Wait for it to finish or wait on an operator, then try again.',
        },
      );
    }
    const run = await this.store.getRun(runId);
    if (!run) throw notFound(runId);
    if (run.status === 'cancelled' || run.status === 'succeeded') {
      await this.store.releaseLease(runId, this.owner);
      throw new RunwireError('runwire.run.finished', `Run ${runId} is ${run.status}; there is nothing to continue.`);
    }
    return new RunExecutor(this.deps(), run, await this.store.getTasks(runId));
  }

  private async driveHeld(ex: RunExecutor): Promise<RunOutcome> {
    const runId = ex.record().id;
    let status: RunStatus | undefined;
    try {
      status = await ex.drive();
    } catch (err) {
      // A cancelled run makes our fenced writes fail: report the run as it is, not an error.
      const now = await this.store.getRun(runId);
      if (now?.status === 'cancelled') return this.load(runId);
      throw err;
    } finally {
      await this.store.releaseLease(runId, this.owner);
    }
    return { run: { ...ex.record(), status }, tasks: ex.tasks() };
  }
}

function notFound(runId: string): RunwireError {
  return new RunwireError('runwire.run.not_found', `No run "${runId}" in this data dir.`, {
    fix: 'List runs with `runwire runs list` (and check --data-dir).',
  });
}

function badAction(runId: string, rec: TaskRecord, action: string, why: string): RunwireError {
  return new RunwireError(
    'runwire.task.bad_action',
    `Cannot ${action} task "${rec.taskId}" of run ${runId}: it is ${rec.status}; ${why}.`,
    {
      fix: `See \`runwire runs show ${runId}\`.`,
    },
  );
}
