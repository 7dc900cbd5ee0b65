/** What `runwire worker` and `runwire workers list` do (loaded on demand by `commands/worker.ts`). */
import { RunwireError } from '../../core/errors.js';
import { tryParseDuration } from '../../core/duration.js';
import { RunService } from '../../engine/run-service.js';
import { Worker, WORKER_ALIVE_MS } from '../../engine/worker.js';
import { lazyRuntime, type LazyRuntime } from '../../runtime/open-runtime.js';
import type { RunEvent, RunRecord } from '../../store/store.js';
import type { Scheduler } from '../../triggers/scheduler/scheduler.js';
import type { WorkerOpts } from '../commands/worker.js';
import type { CliContext } from '../context.js';
import { PUBLIC_URL_ENV } from '../run-session.js';
import { openBoards, type SlackObservers } from '../slack-observers.js';
import { processTypes } from '../process-types.js';

function durationOption(flag: string, text: string, ctx: CliContext): number {
  const d = tryParseDuration(text);
  if ('ms' in d && d.ms > 0) return d.ms;
  ctx.exitCode = 2;
  throw new RunwireError('runwire.cli.bad_option', `${flag} must be a duration such as 30s, not "${text}".`);
}

function countOption(flag: string, text: string, ctx: CliContext): number {
  const n = Number(text);
  if (Number.isInteger(n) && n >= 1) return n;
  ctx.exitCode = 2;
  throw new RunwireError('runwire.cli.bad_option', `${flag} must be a positive whole number, not "${text}".`);
}

export async function runWorker(opts: WorkerOpts, given: LazyRuntime, ctx: CliContext): Promise<void> {
  const concurrency = countOption('--concurrency', opts.concurrency, ctx);
  const leaseMs = durationOption('--lease', opts.lease, ctx);
  const drainMs = durationOption('--drain-timeout', opts.drainTimeout, ctx);
  const pollMs = durationOption('--poll', opts.poll, ctx);
  // Runs in flight each commit on their own: more PostgreSQL connections than a one-run command's 4.
  // Event notices on: on PostgreSQL each commit with events NOTIFYs, so every server's live streams get
  // this worker's events at once instead of at their fallback poll.
  const rt = lazyRuntime({
    ...given.config,
    poolSize: Math.min(16, Math.max(4, Math.ceil(concurrency / 4))),
    eventNotices: true,
  });
  const runtime = await rt.get();
  const made = processTypes(rt, ctx.env);
  let board: SlackObservers | undefined;
  const onEvent = (e: RunEvent, run: RunRecord): void => {
    board?.onEvent(e, run);
    if (opts.json) ctx.stdout.write(`${JSON.stringify(e)}\n`);
    else if (e.kind.startsWith('run.')) ctx.stdout.write(`${e.at} ${e.runId} ${e.kind} ${e.message}\n`);
  };
  const worker = new Worker({
    store: runtime.store,
    types: made.types,
    concurrency,
    leaseMs,
    pollMs,
    register: true,
    onEvent,
    log: (line) => ctx.stderr.write(`worker: ${line}\n`),
    ...(opts.name ? { name: opts.name } : {}),
  });
  let scheduler: Scheduler | undefined;
  const stopped = new Promise<number>((resolve) => {
    const once = (signal: NodeJS.Signals): void => {
      process.removeListener('SIGINT', once);
      process.removeListener('SIGTERM', once);
      const now = (): void => process.exit(signal === 'SIGINT' ? 130 : 143);
      process.once('SIGINT', now);
      process.once('SIGTERM', now);
      const stopSchedules = scheduler?.stop();
      ctx.stderr.write(
        `Draining (${signal}): no new runs; ${worker.held} in flight finish (up to ${drainMs} ms; a second signal exits at once).\n`,
      );
      void Promise.all([stopSchedules, worker.drain(drainMs)]).then(([, clean]) => {
        ctx.stderr.write(clean ? 'Drained: every run parked, nothing held.\n' : 'Drain timed out: runs still held.\n');
        resolve(clean ? 0 : 1);
      });
    };
    process.once('SIGINT', once);
    process.once('SIGTERM', once);
  });
  const publicUrl = ctx.env[PUBLIC_URL_ENV];
  if (made.slack)
    board = openBoards(runtime, made.slack, {
      owner: worker.id,
      ...(publicUrl ? { publicUrl: () => publicUrl } : {}),
      log: (line) => ctx.stderr.write(`worker: ${line}\n`),
    });
  await worker.start({ claim: true });
  // The worker's process fires schedules too (each occurrence once across every process).
  const { openSql } = await import('../../server/runtime.js');
  const { processScheduler } = await import('../../server/schedules.js');
  const sql = await openSql(rt.config);
  scheduler = processScheduler({
    sql,
    store: runtime.store,
    service: new RunService({ store: runtime.store }),
    log: (line) => ctx.stderr.write(`worker: ${line}\n`),
  });
  scheduler.start();
  ctx.stderr.write(
    `Worker ${worker.name} (${worker.id}) on ${runtime.backend}: concurrency ${concurrency}, lease ${leaseMs} ms. Ready.\n`,
  );
  ctx.exitCode = await stopped;
  await board?.close();
  await sql.close();
  await rt.close();
}

export async function listWorkers(opts: { json?: boolean }, rt: LazyRuntime, ctx: CliContext): Promise<void> {
  try {
    const workers = await (await rt.get()).store.listWorkers(WORKER_ALIVE_MS);
    if (opts.json) {
      const out = workers.map((w) => ({
        id: w.id,
        name: w.name,
        host: w.host,
        pid: w.pid,
        started_at: w.startedAt,
        runs_held: w.runsHeld,
        heartbeat_at: w.heartbeatAt,
      }));
      ctx.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    } else if (workers.length === 0) {
      ctx.stdout.write('No live workers. Start one with: runwire worker\n');
    } else {
      const pad = (s: string, n: number) => s.padEnd(n);
      ctx.stdout.write(
        `${pad('NAME', 20)} ${pad('HOST', 20)} ${pad('PID', 8)} ${pad('STARTED', 25)} ${pad('RUNS', 5)} LAST HEARTBEAT\n`,
      );
      for (const w of workers)
        ctx.stdout.write(
          `${pad(w.name, 20)} ${pad(w.host, 20)} ${pad(String(w.pid), 8)} ${pad(w.startedAt, 25)} ${pad(String(w.runsHeld), 5)} ${w.heartbeatAt}\n`,
        );
    }
  } finally {
    await rt.close();
  }
}
