/**
 * What the run-time commands (`run`, `resume`, `task …`, `start`) share: open the runtime's store
 * (SQLite in the data dir, or PostgreSQL with `--database-url`),
 * build the engine with live progress, print the outcome (JSON or a summary) and map the run's
 * status to the exit code (0 succeeded, 1 failed or cancelled, 3 waiting on an operator).
 */
import { userInfo } from 'node:os';
import { tryParseDuration } from '../core/duration.js';
import type { TaskTypeRegistry } from '../core/task-type.js';
import { Engine, type RunOutcome } from '../engine/engine.js';
import { writeRunJson } from '../engine/run-json.js';
import type { LazyRuntime, Runtime } from '../runtime/open-runtime.js';
import type { RunEvent, RunRecord, RunStatus, Store } from '../store/store.js';
import type { ProcessTypes } from './type-deps.js';
import type { SlackObservers } from './slack-observers.js';
import type { CliContext } from './context.js';
import { progressPrinter } from './progress.js';

export interface Session {
  runtime: Runtime;
  store: Store;
  engine: Engine;
  types: TaskTypeRegistry;
  /** task id → type for progress icons; fill it before driving a run. */
  taskTypes: Map<string, string>;
  /** Set once a SIGTERM drain has parked the run. */
  drained?: boolean;
  close(): Promise<void>;
}

export type { ProcessTypes } from './type-deps.js';

/** `RUNWIRE_PUBLIC_URL`: the server's address as people reach it (the run board links runs there). */
export const PUBLIC_URL_ENV = 'RUNWIRE_PUBLIC_URL';

export type { SlackObservers } from './slack-observers.js';

export async function openSession(
  rt: LazyRuntime,
  ctx: CliContext,
  o: {
    json: boolean;
    types?: TaskTypeRegistry;
    made?: ProcessTypes;
    /** false: the run has no Slack task and no run board, so the Slack observers are not loaded. */
    slack?: boolean;
  },
): Promise<Session> {
  const runtime = await rt.get();
  const store = runtime.store;
  const made: ProcessTypes =
    o.made ?? (o.types ? { types: o.types } : (await import('./process-types.js')).processTypes(rt, ctx.env));
  const types = made.types;
  const taskTypes = new Map<string, string>();
  const out = ctx.stdout as NodeJS.WriteStream;
  // With --json stdout holds only the run, so progress is not printed at all.
  const progress = o.json
    ? undefined
    : progressPrinter(ctx.stdout, { tty: out.isTTY === true && !ctx.env.NO_COLOR, types, taskTypes });
  let board: SlackObservers | undefined;
  const onEvent = (e: RunEvent, run?: RunRecord): void => {
    progress?.(e);
    board?.onEvent(e, run);
  };
  const engine = new Engine({ store, types, onEvent });
  if (made.slack && o.slack !== false) {
    const publicUrl = ctx.env[PUBLIC_URL_ENV];
    const { openBoards } = await import('./slack-observers.js');
    board = openBoards(runtime, made.slack, {
      owner: engine.worker.id,
      ...(publicUrl ? { publicUrl: () => publicUrl } : {}),
      log: (line) => ctx.stderr.write(`${line}\n`),
    });
  }
  return {
    runtime,
    store,
    engine,
    types,
    taskTypes,
    close: async () => {
      await engine.close();
      await board?.close();
      await rt.close();
    },
  };
}

/** Fill the progress icon map from a stored run. */
export async function knowTasks(s: Session, runId: string): Promise<void> {
  const run = await s.store.getRun(runId);
  for (const t of run?.spec.tasks ?? []) s.taskTypes.set(t.id, t.type);
}

/** `cli:<user>`, who an operator action is recorded as. */
export function cliActor(env: NodeJS.ProcessEnv): string {
  let user = env.USER ?? env.LOGNAME;
  if (!user) {
    try {
      user = userInfo().username;
    } catch {
      user = 'unknown';
    }
  }
  return `cli:${user}`;
}

export function exitCodeFor(status: RunStatus): number {
  if (status === 'succeeded') return 0;
  if (status === 'waiting') return 3;
  return 1;
}

/** Print the outcome and set the exit code. */
export function report(ctx: CliContext, s: Session, outcome: RunOutcome, json: boolean): void {
  ctx.runInFlight = undefined; // reported: nothing left to continue
  const { run, tasks } = outcome;
  if (json) {
    writeRunJson(run, tasks, s.types, (chunk) => ctx.stdout.write(chunk));
  } else {
    const count = (st: string) => tasks.filter((t) => t.status === st).length;
    const parts = ['succeeded', 'skipped', 'failed', 'waiting', 'cancelled', 'pending']
      .map((st) => [st, count(st)] as const)
      .filter(([, n]) => n > 0);
    ctx.stdout.write(`\nRun ${run.id} ${run.status} (${parts.map(([st, n]) => `${n} ${st}`).join(', ')})\n`);
    if (run.status === 'waiting') {
      for (const t of tasks.filter((x) => x.status === 'waiting')) {
        // A sleeping task (a parked `wait`) wakes by itself; only a manual one needs an operator.
        if (t.nextAttemptAt !== null)
          ctx.stdout.write(`  sleeping: ${t.taskId} until ${new Date(t.nextAttemptAt).toISOString()}\n`);
        else
          ctx.stdout.write(
            `  waiting: ${t.taskId} — complete it with: runwire${ctx.replay ?? ''} task complete ${run.id} ${t.taskId}\n`,
          );
      }
    }
    if (run.status === 'failed') {
      for (const t of tasks.filter((x) => x.status === 'failed')) {
        const fix = t.error?.fix ? `  fix: ${t.error.fix}\n` : '';
        ctx.stdout.write(
          `  failed: ${t.taskId}: ${t.error?.message ?? t.reason ?? ''}\n${fix}  retry it with: runwire${ctx.replay ?? ''} task retry ${run.id} ${t.taskId}\n`,
        );
      }
    }
  }
  ctx.exitCode = exitCodeFor(run.status);
  if (ctx.env.RUNWIRE_REPORT_STATS === '1') {
    // For the bench: peak memory of this process (kB on Linux).
    ctx.stderr.write(`runwire-stats ${JSON.stringify({ maxrss_kb: process.resourceUsage().maxRSS })}\n`);
  }
}

/**
 * While a run is driven in this process:
 * - Ctrl-C (SIGINT) stops the process at once, as a crash would, after saying how to continue: every
 *   transition so far is already committed, and `runwire resume` re-runs or fails "interrupted" what
 *   was in flight.
 * - SIGTERM (a service manager, a rolling restart) drains: no new task starts, tasks in flight finish
 *   (up to `RUNWIRE_DRAIN_TIMEOUT`, default 30s), timers are parked and the lease is released, so a
 *   `runwire worker` or `runwire resume` continues the run with nothing failed "interrupted"; exit 143.
 * A second signal exits at once. Returns the disposer.
 */
export function onInterrupt(ctx: CliContext, runId: () => string | undefined, s?: Session): () => void {
  const resumeHint = (): string => {
    const id = runId();
    return id ? ` Continue the run with: runwire${ctx.replay ?? ''} resume ${id}` : '';
  };
  const now = (signal: NodeJS.Signals): void => {
    ctx.stderr.write(`\nInterrupted (${signal}).${resumeHint()}\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  const drain = (): void => {
    if (!s) {
      now('SIGTERM');
      return;
    }
    process.removeListener('SIGINT', now);
    process.once('SIGINT', now);
    process.once('SIGTERM', now);
    ctx.stderr.write('\nStopping (SIGTERM): letting tasks in flight finish (a second signal stops at once).\n');
    const ms = drainTimeoutMs(ctx.env);
    void s.engine.worker.drain(ms).then((clean) => {
      ctx.stderr.write(
        clean
          ? `Stopped: the run is parked, nothing is held.${resumeHint()}\n`
          : `Stopped after ${ms} ms with tasks still in flight; their lease expires and a worker recovers them.${resumeHint()}\n`,
      );
      if (!clean) process.exit(143);
      s.drained = true;
    });
  };
  process.once('SIGINT', now);
  process.once('SIGTERM', drain);
  return () => {
    process.removeListener('SIGINT', now);
    process.removeListener('SIGTERM', drain);
    process.removeListener('SIGTERM', now);
  };
}

function drainTimeoutMs(env: NodeJS.ProcessEnv): number {
  const parsed = env.RUNWIRE_DRAIN_TIMEOUT ? tryParseDuration(env.RUNWIRE_DRAIN_TIMEOUT) : undefined;
  return parsed && 'ms' in parsed ? parsed.ms : 30_000;
}

/** After a report: a drained run exits 143 (stopped on request, not finished). */
export function exitIfDrained(ctx: CliContext, s: Session): void {
  if (s.drained) ctx.exitCode = 143;
}

/**
 * Drive an existing run in this process (`runwire resume`, `runwire task …`): open the session,
 * let `step` act on the engine as the CLI's actor, stop like a crash on Ctrl-C (drain on SIGTERM),
 * and report. With `detach`, `record` only records the action and the run is printed as it stands.
 */
export async function driveRun(
  rt: LazyRuntime,
  ctx: CliContext,
  json: boolean,
  runId: string,
  step: (s: Session, actor: string) => Promise<RunOutcome>,
  detach?: (s: Session, actor: string) => Promise<RunOutcome>,
): Promise<void> {
  const s = await openSession(rt, ctx, { json });
  try {
    if (detach) {
      const outcome = await detach(s, cliActor(ctx.env));
      if (json) writeRunJson(outcome.run, outcome.tasks, s.types, (chunk) => ctx.stdout.write(chunk));
      else ctx.stdout.write(`Recorded for run ${runId} (${outcome.run.status}); a worker applies it.\n`);
      ctx.exitCode = 0;
      return;
    }
    await knowTasks(s, runId);
    const dispose = onInterrupt(ctx, () => runId, s);
    report(ctx, s, await step(s, cliActor(ctx.env)).finally(dispose), json);
    exitIfDrained(ctx, s);
  } finally {
    await s.close();
  }
}
