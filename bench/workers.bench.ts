/**
 * Workers bench: real `runwire worker` child processes (concurrency 32 each) drive runs that this
 * process enqueues through the `RunService` (as the API does), every transition durable.
 * The runbook: 10 tasks — a milestone, then 8 in parallel (7 milestones and one 10 ms `wait`), then a
 * milestone. Configurations: SQLite with 1 worker; PostgreSQL (a fresh schema) with 1, 2 and 4 workers.
 *  - throughput: 1,000 runs enqueued at once; runs/s and tasks/s from the first enqueue to the last
 *    run finished (the workers were started and ready before);
 *  - latency: then 100 runs enqueued one every 40 ms (25/s, well under capacity): enqueue → first
 *    task started (the run's `run.created` event to its first `task.running`), p50 / p99.
 * Targets on this 2-core machine: ≥ 250 runs/s with 2 workers on PostgreSQL; p99 < 50 ms when not
 * saturated. Printed as ratios (measured / target), with the load average before and after.
 */
import type { ChildProcess } from 'node:child_process';
import { startWorker } from './worker-process.js';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Runbook } from '../src/core/runbook.js';
import { RunService } from '../src/engine/run-service.js';
import { openRuntime, type Runtime } from '../src/runtime/open-runtime.js';
import { countRoundTrips } from './round-trips.js';
import { readFileSync } from 'node:fs';

const PG_URL = process.env.RUNWIRE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const RUNS = Number(process.env.BENCH_WORKER_RUNS ?? 1000);
const PACED = Number(process.env.BENCH_PACED_RUNS ?? 100);
const TARGET = { runsPerSec: 250, p99Ms: 50 };

const pos = { file: 'bench', line: 1, column: 1 };
const runbook: Runbook = {
  name: 'bench 10 tasks',
  vars: {},
  source: 'bench',
  tasks: [
    { id: 'start', name: 'start', type: 'milestone', depends_on: [], input: {}, position: pos },
    ...Array.from({ length: 7 }, (_, i) => ({
      id: `m${i}`,
      name: `m${i}`,
      type: 'milestone',
      depends_on: ['start'],
      input: {},
      position: pos,
    })),
    { id: 'pause', name: 'pause', type: 'wait', depends_on: ['start'], input: { duration: '10ms' }, position: pos },
    {
      id: 'end',
      name: 'end',
      type: 'milestone',
      depends_on: ['pause', ...Array.from({ length: 7 }, (_, i) => `m${i}`)],
      input: {},
      position: pos,
    },
  ],
};

/**
 * When `total` runs of this bench's fresh store have succeeded (every run in it is the bench's). One
 * small count every 50 ms: the bench's own polling should cost the machine little (it listed every
 * finished run before, up to 1,000 rows 20 times a second, on the CPUs the workers measure on).
 */
async function untilDone(rt: Runtime, total: number): Promise<number> {
  for (;;) {
    const rows = (await rt.sql.all(
      "SELECT status, count(*) AS n FROM runs WHERE status IN ('succeeded', 'failed') GROUP BY status",
    )) as Array<{ status: string; n: number | string }>;
    const n = (status: string) => Number(rows.find((r) => r.status === status)?.n ?? 0);
    if (n('failed') > 0) throw new Error(`${n('failed')} runs failed`);
    if (n('succeeded') >= total) return performance.now();
    await delay(50);
  }
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

async function startLatencies(rt: Runtime, ids: string[]): Promise<number[]> {
  const out: number[] = [];
  for (const id of ids) {
    const ev = await rt.store.getEvents(id);
    const created = Date.parse(ev.find((e) => e.kind === 'run.created')?.at ?? '');
    const first = Date.parse(ev.find((e) => e.kind === 'task.running')?.at ?? '');
    out.push(first - created);
  }
  return out;
}

/** PostgreSQL backends of this bench are named by `PGAPPNAME` (the workers' and this process's own). */
const APP = { workers: 'rwbench-workers', bench: 'rwbench-self' };
process.env.PGAPPNAME = APP.bench;

/**
 * CPU ms per PostgreSQL server process right now, by pid: the backends serving the workers
 * (`workers`), those serving this process (`bench`), and the server's own background processes
 * (`server`: WAL writer, checkpointer…, shared with whatever else uses the server). Empty off Linux.
 */
async function pgCpu(rt: Runtime): Promise<Map<number, { who: string; ms: number }>> {
  const out = new Map<number, { who: string; ms: number }>();
  const r = (await rt.sql.all(
    "SELECT pid, application_name AS app, backend_type AS type FROM pg_stat_activity WHERE application_name LIKE 'rwbench-%' OR backend_type <> 'client backend'",
  )) as Array<{ pid: number; app: string }>;
  for (const row of r) {
    const who = row.app === APP.workers ? 'workers' : row.app === APP.bench ? 'bench' : 'server';
    out.set(Number(row.pid), { who, ms: cpuMsOf(Number(row.pid)) });
  }
  return out;
}

/** CPU ms each group of PostgreSQL processes used between two `pgCpu` samples. */
function pgCpuDelta(a: Map<number, { who: string; ms: number }>, b: Map<number, { who: string; ms: number }>) {
  const d = { workers: 0, bench: 0, server: 0 };
  for (const [pid, x] of b) d[x.who as keyof typeof d] += x.ms - (a.get(pid)?.ms ?? 0);
  return d;
}

/** User + system CPU ms a live process has used so far (Linux /proc; 0 when unreadable). */
function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // Fields 14 and 15 (utime, stime) in clock ticks; after "pid (comm) " they are at 11 and 12.
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

interface Result {
  config: string;
  /** Worker processes' CPU ms per run in the throughput phase. */
  workerCpuPerRun: number;
  /** This process's CPU ms per run in the throughput phase (the enqueuers and the polling). */
  benchCpuPerRun: number;
  /** PostgreSQL's CPU ms per run in the throughput phase: for the workers, the bench, its background. */
  pgCpuPerRun?: { workers: number; bench: number; server: number };
  runsPerSec: number;
  tasksPerSec: number;
  /** From the first enqueue to the last (the throughput phase's enqueues). */
  enqueuedMs: number;
  p50: number;
  p99: number;
}

async function bench(backend: 'sqlite' | 'postgres', workers: number): Promise<Result> {
  const dataDir = await mkdtemp(join(tmpdir(), 'runwire-bench-workers-'));
  const schema = `runwire_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const url = backend === 'postgres' ? `${PG_URL}?options=-csearch_path%3D${schema}` : undefined;
  const env = url ? { RUNWIRE_DATABASE_URL: url, PGAPPNAME: APP.workers } : {};
  const rt = await openRuntime({ dataDir, ...(url ? { databaseUrl: url } : {}) });
  const children: ChildProcess[] = [];
  try {
    for (let i = 0; i < workers; i++) children.push(await startWorker(dataDir, env, `bench-${i}`));
    const service = new RunService({ store: rt.store });
    const create = async () => (await service.create(runbook, { mode: 'live', vars: {}, actor: 'bench' })).run.id;

    // Throughput: everything at once (8 enqueuers in parallel, as API requests would).
    const cpu0 = children.reduce((a, c) => a + cpuMsOf(c.pid), 0);
    const self0 = process.cpuUsage();
    const pg0 = backend === 'postgres' ? await pgCpu(rt) : undefined;
    const t0 = performance.now();
    let left = RUNS;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (left-- > 0) await create();
      }),
    );
    const enqueuedMs = performance.now() - t0;
    const t1 = await untilDone(rt, RUNS);
    const runsPerSec = RUNS / ((t1 - t0) / 1000);
    const workerCpuPerRun = (children.reduce((a, c) => a + cpuMsOf(c.pid), 0) - cpu0) / RUNS;
    const self = process.cpuUsage(self0);
    const benchCpuPerRun = (self.user + self.system) / 1000 / RUNS;
    const pgd = pg0 ? pgCpuDelta(pg0, await pgCpu(rt)) : undefined;
    const pgCpuPerRun = pgd
      ? { workers: pgd.workers / RUNS, bench: pgd.bench / RUNS, server: pgd.server / RUNS }
      : undefined;

    // Latency when not saturated: paced enqueues.
    const paced: string[] = [];
    for (let i = 0; i < PACED; i++) {
      paced.push(await create());
      await delay(40);
    }
    await untilDone(rt, RUNS + PACED);
    const lat = await startLatencies(rt, paced);
    return {
      config: `${backend} x${workers}`,
      workerCpuPerRun,
      benchCpuPerRun,
      ...(pgCpuPerRun ? { pgCpuPerRun } : {}),
      runsPerSec,
      enqueuedMs,
      tasksPerSec: runsPerSec * runbook.tasks.length,
      p50: pct(lat, 50),
      p99: pct(lat, 99),
    };
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.on('exit', r)))));
    await rt.close();
  }
}

const la = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
process.stdout.write(
  `workers bench: ${RUNS} runs of a 10-task runbook at once, then ${PACED} paced at 25/s; ${cpus().length} cpus; load average before: ${la()}\n`,
);
const configs: Array<['sqlite' | 'postgres', number]> = [
  ['sqlite', 1],
  ['postgres', 1],
  ['postgres', 2],
  ['postgres', 4],
];
const only = process.env.BENCH_WORKERS_ONLY;
if (!only || only === 'roundtrips') {
  const schema = `runwire_bench_rt_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const n = Number(process.env.BENCH_ROUNDTRIP_RUNS ?? 100);
  const rt = await countRoundTrips(`${PG_URL}?options=-csearch_path%3D${schema}`, runbook, n);
  process.stdout.write(
    `postgres round trips per run (${n} runs, one in-process worker): create ${rt.create.toFixed(1)}, claim + drive ${rt.drive.toFixed(1)}, total ${(rt.create + rt.drive).toFixed(1)}\n`,
  );
}
for (const [backend, n] of configs) {
  if (only && `${backend}x${n}` !== only) continue;
  const r = await bench(backend, n);
  const vsRuns =
    backend === 'postgres' && n === 2
      ? `  (${(r.runsPerSec / TARGET.runsPerSec).toFixed(2)}x of the 250 runs/s target)`
      : '';
  process.stdout.write(
    `${r.config.padEnd(12)} ${r.runsPerSec.toFixed(0).padStart(5)} runs/s ${r.tasksPerSec.toFixed(0).padStart(6)} tasks/s${vsRuns}; all enqueued after ${r.enqueuedMs.toFixed(0)} ms\n` +
      `${''.padEnd(12)} cpu per run: workers ${r.workerCpuPerRun.toFixed(2)} ms, bench (enqueue + poll) ${r.benchCpuPerRun.toFixed(2)} ms${
        r.pgCpuPerRun
          ? `; postgres for the workers ${r.pgCpuPerRun.workers.toFixed(2)} ms, for the bench ${r.pgCpuPerRun.bench.toFixed(2)} ms, background ${r.pgCpuPerRun.server.toFixed(2)} ms`
          : ''
      }\n` +
      `${''.padEnd(12)} enqueue→first task started p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms (${(r.p99 / TARGET.p99Ms).toFixed(2)}x of the 50 ms p99 target; lower is better)\n`,
  );
}
process.stdout.write(`load average after: ${la()}\n`);
