/**
 * What the run-time commands (`run`, `resume`, `task …`, `start`) share: open the runtime's store
 * (SQLite in the data dir, or PostgreSQL with `--database-url`),
 * build the engine with live progress, print the outcome (JSON or a summary) and map the run's
 * status to the exit code (0 succeeded, 1 failed or cancelled, 3 waiting on an operator).
 */
import { userInfo } from 'node:os';
import type { TaskTypeRegistry } from '../core/task-type.js';
import { Engine, type RunOutcome } from '../engine/engine.js';
import { writeRunJson } from '../engine/run-json.js';
import type { LazyRuntime, Runtime } from '../runtime/open-runtime.js';
import type { RunStatus, Store } from '../store/store.js';
import { builtinTaskTypes } from '../tasks/index.js';
import type { SlackTaskDeps } from '../slack/delivery/open-deps.js';
import type { CliContext } from './context.js';
import { progressPrinter } from './progress.js';

export interface Session {
  runtime: Runtime;
  store: Store;
  engine: Engine;
  types: TaskTypeRegistry;
  /** task id → type for progress icons; fill it before driving a run. */
  taskTypes: Map<string, string>;
  close(): Promise<void>;
}

/**
 * The task types the CLI runs with. Given the runtime (opened on first use), slack.message gets its
 * connections from the runtime's connection store and one delivery service for the process. Both
 * are loaded when a slack.message task first runs or is checked, so runbooks without one never load
 * the Slack SDK or the connections' key.
 */
export function cliTaskTypes(runtime?: LazyRuntime, env: NodeJS.ProcessEnv = process.env): TaskTypeRegistry {
  if (runtime === undefined) return builtinTaskTypes({});
  let deps: Promise<SlackTaskDeps> | undefined;
  const source = async () => {
    const rt = await runtime.get();
    return { connectionStore: rt.connectionStore, dataDir: rt.config.dataDir };
  };
  const slack = (): Promise<SlackTaskDeps> =>
    (deps ??= import('../slack/delivery/open-deps.js').then((m) => m.openSlackTaskDeps(source, env)));
  return builtinTaskTypes({
    slack: { connections: async () => (await slack()).connections(), delivery: async () => (await slack()).delivery },
  });
}

export async function openSession(
  rt: LazyRuntime,
  ctx: CliContext,
  o: { json: boolean; types?: TaskTypeRegistry },
): Promise<Session> {
  const runtime = await rt.get();
  const store = runtime.store;
  const types = o.types ?? cliTaskTypes(rt, ctx.env);
  const taskTypes = new Map<string, string>();
  const out = ctx.stdout as NodeJS.WriteStream;
  // With --json stdout holds only the run, so progress is not printed at all.
  const onEvent = o.json
    ? undefined
    : progressPrinter(ctx.stdout, { tty: out.isTTY === true && !ctx.env.NO_COLOR, types, taskTypes });
  const engine = new Engine({ store, types, ...(onEvent ? { onEvent } : {}) });
  return {
    runtime,
    store,
    engine,
    types,
    taskTypes,
    close: async () => {
      await engine.close();
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
      for (const t of tasks.filter((x) => x.status === 'waiting'))
        ctx.stdout.write(`  waiting: ${t.taskId} — complete it with: runwire task complete ${run.id} ${t.taskId}\n`);
    }
    if (run.status === 'failed') {
      for (const t of tasks.filter((x) => x.status === 'failed')) {
        const fix = t.error?.fix ? `  fix: ${t.error.fix}\n` : '';
        ctx.stdout.write(
          `  failed: ${t.taskId}: ${t.error?.message ?? t.reason ?? ''}\n${fix}  retry it with: runwire task retry ${run.id} ${t.taskId}\n`,
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
 * While a run is driven in this process, Ctrl-C (SIGINT) or SIGTERM stops the process at once, as a
 * crash would, after saying how to continue: every transition so far is already committed, and
 * `runwire resume` re-runs or fails "interrupted" what was in flight. Returns the disposer.
 */
export function onInterrupt(ctx: CliContext, runId: () => string | undefined): () => void {
  const stop = (signal: NodeJS.Signals): void => {
    const id = runId();
    ctx.stderr.write(`\nInterrupted (${signal}).${id ? ` Continue the run with: runwire resume ${id}` : ''}\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return () => {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  };
}

/**
 * Drive an existing run in this process (`runwire resume`, `runwire task …`): open the session,
 * let `step` act on the engine as the CLI's actor, stop like a crash on Ctrl-C, and report.
 */
export async function driveRun(
  rt: LazyRuntime,
  ctx: CliContext,
  json: boolean,
  runId: string,
  step: (s: Session, actor: string) => Promise<RunOutcome>,
): Promise<void> {
  const s = await openSession(rt, ctx, { json });
  try {
    await knowTasks(s, runId);
    const dispose = onInterrupt(ctx, () => runId);
    report(ctx, s, await step(s, cliActor(ctx.env)).finally(dispose), json);
  } finally {
    await s.close();
  }
}
