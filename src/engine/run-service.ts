/**
 * The run service: what the CLI, the HTTP API, triggers and schedules call. It records what should
 * happen and returns at once; workers (`worker.ts`) make it happen.
 *
 * - `create` stores a run `queued` (due now), with its tasks and first events; with an idempotency
 *   key a repeat returns the first run. `holder` creates it already claimed (the CLI's `run` drives
 *   what it enqueues, so no other worker races it for the first step).
 * - `act` (complete, skip, retry) checks the action against the task as stored (a 404/409 for the API)
 *   and records it for whoever holds or next claims the run; the run becomes due now.
 * - `resume` makes a run due now (a worker re-runs or fails "interrupted" what was in flight).
 * - `cancel` cancels at once; the worker holding the run hears of it (NOTIFY, or its next poll) and stops.
 */
import { RunwireError } from '../core/errors.js';
import type { Runbook } from '../core/runbook.js';
import type { RunMode } from '../core/task-type.js';
import { renderTemplate } from '../core/template.js';
import { runNotFound as notFound } from '../store/rows.js';
import type { OperatorAction, OperatorActionKind, RunEvent, RunRecord, Store, TaskRecord } from '../store/store.js';
import { actionProblem, badAction, DECISION_STATUSES } from './decisions.js';
import { actorLabel, decisionVerb } from './actors.js';
import { newRunId } from './ids.js';

/** A run as it stands after a call. */
export interface RunOutcome {
  run: RunRecord;
  tasks: TaskRecord[];
}

export type TaskAction = 'complete' | 'skip' | 'retry' | 'fail';

/** Who decided a task first, for the one who came late (a second click, a click after the CLI). */
export interface Decider {
  actor: string;
  kind: 'complete' | 'skip' | 'fail';
  /** ISO-8601, when known. */
  at?: string;
}

export interface CreateRunOptions {
  mode: RunMode;
  /** Runbook vars merged with overrides. */
  vars: Record<string, string>;
  /** Who started it, e.g. `cli:alice`, `api:token-name`. */
  actor: string;
  /** Extra events to record as the run is created (pre-flight warnings). */
  events?: Array<Pick<RunEvent, 'kind' | 'taskId' | 'message' | 'data'>>;
  /** A repeat with the same key returns the first run (`created: false`) instead of starting another. */
  idempotencyKey?: string;
  /** Create the run already claimed by this lease owner (it drives the run next). */
  holder?: { owner: string; leaseMs: number };
}

export interface CreatedRun extends RunOutcome {
  /** False when the idempotency key named an existing run (that run is returned). */
  created: boolean;
  /** The fencing epoch of the holder's lease when created with `holder`. */
  epoch: number | undefined;
}

export interface RunServiceOptions {
  store: Store;
  /** Injected clock; defaults to the system clock. */
  now?: () => Date;
}

export class RunService {
  private readonly store: Store;
  private readonly now: () => Date;

  constructor(o: RunServiceOptions) {
    this.store = o.store;
    this.now = o.now ?? (() => new Date());
  }

  /** Create a run of a parsed runbook, `queued`. */
  async create(runbook: Runbook, o: CreateRunOptions): Promise<CreatedRun> {
    const now = this.now();
    const at = now.toISOString();
    const id = newRunId(now);
    const run: RunRecord = {
      id,
      runbook: runbook.name,
      spec: runbook,
      mode: o.mode,
      status: 'queued',
      vars: o.vars,
      createdAt: at,
      startedAt: null,
      finishedAt: null,
      leaseOwner: o.holder?.owner ?? null,
      leaseExpiresAt: o.holder ? now.getTime() + o.holder.leaseMs : null,
      leaseEpoch: o.holder ? 1 : 0,
      wakeAt: now.getTime(),
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
    const made = await this.store.createRun(run, tasks, events, {
      ...(o.idempotencyKey !== undefined ? { idempotencyKey: o.idempotencyKey } : {}),
      ...(o.holder ? { leaseMs: o.holder.leaseMs } : {}),
    });
    if (!made.created) return { ...(await this.get(made.runId)), created: false, epoch: undefined };
    return { run, tasks, created: true, epoch: o.holder ? 1 : undefined };
  }

  /**
   * Record an operator action on one task for the worker that holds (or next claims) the run.
   * Refused at once when the run or task does not exist, the run has ended, or the task's stored
   * status does not allow it; the worker checks again when it applies it.
   */
  async act(runId: string, taskId: string, action: TaskAction, actor: string): Promise<RunOutcome> {
    const now = await this.get(runId);
    const rec = now.tasks.find((t) => t.taskId === taskId);
    const finished = now.run.status === 'cancelled' || now.run.status === 'succeeded';
    const problem = rec ? actionProblem(action, rec.status) : undefined;
    if (rec && action !== 'retry' && (finished || problem)) {
      // Too late: say who decided the task, when someone did (a click after the CLI, or the reverse).
      const by = await this.decider(runId, taskId);
      if (by) throw alreadyDecided(runId, taskId, by);
    }
    assertActionable(now.run);
    if (!rec) {
      throw new RunwireError('runwire.task.not_found', `Run ${runId} has no task "${taskId}".`, {
        fix: `See the tasks with \`runwire runs show ${runId}\`.`,
      });
    }
    if (problem) throw badAction(runId, rec, action, problem);
    if (action === 'retry') await this.record(runId, action, taskId, actor);
    else {
      // A decision is recorded only if nobody decided first, in one transaction (see `recordDecision`).
      const r = await this.store.recordDecision(
        { runId, kind: action, taskId, actor, at: this.now().toISOString() },
        DECISION_STATUSES[action],
      );
      if (!r.ok) {
        const by = r.pending ? deciderOf(r.pending) : await this.decider(runId, taskId);
        if (by) throw alreadyDecided(runId, taskId, by);
        throw badAction(
          runId,
          { taskId, status: r.status ?? rec.status },
          action,
          actionProblem(action, r.status ?? rec.status) ?? 'it changed meanwhile',
        );
      }
    }
    return this.get(runId);
  }

  /** Who decided a task (its last complete/fail/skip by a person), from the event log; undefined when none. */
  async decider(runId: string, taskId: string): Promise<Decider | undefined> {
    const events = await this.store.getEvents(runId);
    for (let i = events.length - 1; i >= 0; i--) {
      const e = events[i]!;
      if (e.taskId !== taskId || typeof e.data?.decided_by !== 'string') {
        if (e.taskId === taskId && e.kind === 'task.skipped' && e.actor !== 'engine' && !e.actor.startsWith('task:'))
          return { actor: e.actor, kind: 'skip', at: e.at };
        continue;
      }
      const kind = e.kind === 'task.failed' ? 'fail' : e.kind === 'task.skipped' ? 'skip' : 'complete';
      return { actor: e.data.decided_by, kind, at: e.at };
    }
    return undefined;
  }

  /** Make a run due now: a worker continues it (recovering what was in flight). */
  async resume(runId: string, actor: string): Promise<RunOutcome> {
    const now = await this.get(runId);
    assertActionable(now.run);
    await this.record(runId, 'resume', null, actor);
    return this.get(runId);
  }

  /** Cancel a run: it and its unfinished tasks become `cancelled`; its holder stops. */
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
    return this.get(runId);
  }

  async get(runId: string): Promise<RunOutcome> {
    const run = await this.store.getRun(runId);
    if (!run) throw notFound(runId);
    return { run, tasks: await this.store.getTasks(runId) };
  }

  private async record(runId: string, kind: OperatorActionKind, taskId: string | null, actor: string): Promise<void> {
    await this.store.recordAction({ runId, kind, taskId, actor, at: this.now().toISOString() });
  }
}

/** Refuse acting on a run that ended for good. */
export function assertActionable(run: RunRecord): void {
  if (run.status === 'cancelled' || run.status === 'succeeded') {
    throw new RunwireError('runwire.run.finished', `Run ${run.id} is ${run.status}; there is nothing to continue.`);
  }
}

function deciderOf(a: OperatorAction): Decider {
  return { actor: a.actor, kind: a.kind as Decider['kind'], at: a.at };
}

/** The late decision's error: who decided first, and when (`decider`). */
export class AlreadyDecided extends RunwireError {
  constructor(
    runId: string,
    taskId: string,
    readonly decider: Decider,
  ) {
    super(
      'runwire.task.already_decided',
      `Task "${taskId}" of run ${runId} was already ${decisionVerb(decider.kind, decider.actor)} by ${actorLabel(decider.actor)}${decider.at ? ` at ${decider.at}` : ''}.`,
      { fix: `See \`runwire runs show ${runId}\`.` },
    );
  }
}

function alreadyDecided(runId: string, taskId: string, by: Decider): RunwireError {
  return new AlreadyDecided(runId, taskId, by);
}
