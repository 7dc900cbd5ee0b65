/**
 * The in-process way to run: a `RunService` and a `Worker` in this process, for the CLI's `run`,
 * `resume` and `task …` (and tests). Each call records what should happen through the service, then
 * drives the run here until it ends or waits on an operator — following it, and taking over what
 * becomes due, when another worker holds it. `runwire worker` uses the same service and `Worker` apart.
 */
import type { Runbook } from '../core/runbook.js';
import type { RunMode, TaskTypeRegistry } from '../core/task-type.js';
import type { RunEvent, RunRecord, Store } from '../store/store.js';
import { assertActionable, RunService, type RunOutcome, type TaskAction } from './run-service.js';
import { Worker } from './worker.js';

export type { RunOutcome, TaskAction } from './run-service.js';

export interface EngineOptions {
  store: Store;
  types: TaskTypeRegistry;
  /** Injected clock; defaults to the system clock. */
  now?: () => Date;
  random?: () => number;
  /** Lease duration in ms (renewed every third of it). */
  leaseMs?: number;
  /** Polling fallback of the in-process worker (ms). */
  pollMs?: number;
  /** Timers due within this many ms stay in memory; later ones park the run. */
  holdTimersMs?: number;
  /** Every committed event; `run` is given for the events of a drive (not for those read back at the start). */
  onEvent?: (event: RunEvent, run?: RunRecord) => void;
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

export class Engine {
  readonly service: RunService;
  readonly worker: Worker;
  private started: Promise<void> | undefined;

  constructor(private readonly opts: EngineOptions) {
    this.service = new RunService({ store: opts.store, ...(opts.now ? { now: opts.now } : {}) });
    this.worker = new Worker({
      store: opts.store,
      types: opts.types,
      name: `cli-${process.pid}`,
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.random ? { random: opts.random } : {}),
      ...(opts.leaseMs !== undefined ? { leaseMs: opts.leaseMs } : {}),
      ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
      ...(opts.holdTimersMs !== undefined ? { holdTimersMs: opts.holdTimersMs } : {}),
      ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
    });
  }

  private ready(): Promise<void> {
    this.started ??= this.worker.start({ claim: false });
    return this.started;
  }

  /** Enqueue a run of a parsed runbook, claimed by this process, and drive it until it settles. */
  async start(runbook: Runbook, o: StartOptions): Promise<RunOutcome> {
    await this.ready();
    const made = await this.service.create(runbook, {
      mode: o.mode,
      vars: o.vars,
      actor: o.actor,
      ...(o.events ? { events: o.events } : {}),
      holder: { owner: this.worker.id, leaseMs: this.opts.leaseMs ?? 30_000 },
    });
    o.onCreated?.(made.run.id);
    if (this.opts.onEvent) for (const e of await this.opts.store.getEvents(made.run.id)) this.opts.onEvent(e);
    return this.worker.settle(
      made.run.id,
      made.epoch !== undefined ? { epoch: made.epoch, known: { run: made.run, tasks: made.tasks } } : {},
    );
  }

  /**
   * Continue a run after a crash or a stop (see the executor's recovery rules). While another live
   * process holds the run, the resume is recorded for that holder (like a task action) and this call
   * follows the run until it settles.
   */
  async resume(runId: string, actor: string): Promise<RunOutcome> {
    assertActionable((await this.service.get(runId)).run);
    await this.ready();
    const claim = await this.worker.claim(runId);
    await this.opts.store.recordAction({ runId, kind: 'resume', taskId: null, actor, at: new Date().toISOString() });
    return this.worker.settle(runId, claim.ok ? { epoch: claim.epoch } : {});
  }

  /** An operator action on one task, recorded for whoever holds the run; then drive (or follow) the run. */
  async taskAction(runId: string, taskId: string, action: TaskAction, actor: string): Promise<RunOutcome> {
    await this.service.act(runId, taskId, action, actor);
    await this.ready();
    return this.worker.settle(runId);
  }

  /** Cancel a run: it and its unfinished tasks become `cancelled`. */
  cancel(runId: string, actor: string): Promise<RunOutcome> {
    return this.service.cancel(runId, actor);
  }

  load(runId: string): Promise<RunOutcome> {
    return this.service.get(runId);
  }

  /** Stop the in-process worker's timers and listening (the store stays open). */
  async close(): Promise<void> {
    if (this.started) await this.worker.close();
  }
}
