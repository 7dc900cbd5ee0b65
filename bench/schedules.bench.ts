/**
 * Schedules bench: 200 runbooks, each with one schedule trigger, all due in the same second; real
 * `runwire worker` processes (each runs a scheduler and a worker loop) on PostgreSQL (a fresh schema
 * per configuration), with 1 and 2 workers. The runbooks are in the library before the workers start;
 * the occurrence is ~10 s after.
 *  - lateness: the run's `created_at` (written by the process that fired it, as it starts creating
 *    the run) − its scheduled time, p50 / p99 / max over the 200 fires;
 *  - scheduled → first task running: the run committed, claimed by a worker and started (p50 / p99);
 *  - duplicates: runs beyond one per occurrence (must be 0), and occurrences without a run (lost).
 * Target: p99 < 1 s. Printed as ratios (measured / target), with the load average before and after.
 */
import type { ChildProcess } from 'node:child_process';
import { startWorker } from './worker-process.js';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseRunbook } from '../src/core/parse-runbook.js';
import { openServerRuntime, type ServerRuntime } from '../src/server/runtime.js';
import { builtinTaskTypes } from '../src/tasks/index.js';

const PG_URL = process.env.RUNWIRE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEDULES = Number(process.env.BENCH_SCHEDULES ?? 200);
const LEAD_MS = 10_000;
const TARGET_P99_MS = 1000;

/** A 6-field cron matching exactly one second (UTC): `s m h D M *`. */
function cronAt(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCSeconds()} ${d.getUTCMinutes()} ${d.getUTCHours()} ${d.getUTCDate()} ${d.getUTCMonth() + 1} *`;
}

async function putAll(rt: ServerRuntime, dueMs: number): Promise<void> {
  const types = builtinTaskTypes();
  for (let i = 0; i < SCHEDULES; i++) {
    const id = `sched-${String(i).padStart(3, '0')}`;
    const source = `name: ${id}\ntasks:\n  - id: done\n    type: milestone\ntriggers:\n  - id: once\n    type: schedule\n    cron: "${cronAt(dueMs)}"\n    missed: all\n`;
    const parsed = parseRunbook(source, `${id}.yaml`, types);
    if (!parsed.runbook) throw new Error(JSON.stringify(parsed.issues));
    await rt.library.put(id, { source, format: 'yaml', runbook: parsed.runbook, by: 'bench' });
  }
}

/** User + system CPU time of a process so far (ms), from /proc (Linux). */
function cpuMs(pid: number | undefined): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime, stime in clock ticks (100/s)
  } catch {
    return Number.NaN;
  }
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
}

interface Result {
  workers: number;
  p50: number;
  p99: number;
  max: number;
  /** The earliest fire: how precisely the scheduler wakes. */
  first: number;
  /** CPU of the worker processes (scheduler + driving the runs) per fire, ms. */
  cpuPerFire: number;
  /** SELECT 1 round trip during the fires, p50 / p99. */
  ping: number;
  pingP99: number;
  /** Scheduled time → the run's first task running (the run committed, claimed and started). */
  taskP50: number;
  taskP99: number;
  fired: number;
  runs: number;
  byProcess: number[];
}

async function bench(workers: number): Promise<Result> {
  const dataDir = await mkdtemp(join(tmpdir(), 'runwire-bench-schedules-'));
  const schema = `runwire_bench_sched_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const url = `${PG_URL}?options=-csearch_path%3D${schema}`;
  const rt = await openServerRuntime({ dataDir, databaseUrl: url });
  const children: ChildProcess[] = [];
  try {
    const dueMs = Math.ceil((Date.now() + LEAD_MS) / 1000) * 1000;
    await putAll(rt, dueMs);
    for (let i = 0; i < workers; i++)
      children.push(await startWorker(dataDir, { RUNWIRE_DATABASE_URL: url }, `bench-${i}`));
    if (Date.now() > dueMs - 1000) throw new Error('the workers took too long to start; raise LEAD_MS');
    // The database's round trip meanwhile (a SELECT 1 every 50 ms from here): the machine is shared,
    // and this is what every statement of a fire pays.
    const pings: number[] = [];
    let pinging = true;
    const pinger = (async () => {
      while (pinging) {
        const t = performance.now();
        await rt.sql.all('SELECT 1 AS one');
        pings.push(performance.now() - t);
        await delay(50);
      }
    })();
    await delay(dueMs - 500 - Date.now());
    const cpu0 = children.map((c) => cpuMs(c.pid));
    await delay(dueMs - Date.now());
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [row] = await rt.sql.all(`SELECT COUNT(*) AS n FROM schedule_fires WHERE outcome = 'started'`);
      if (Number(row?.n) >= SCHEDULES || Date.now() > deadline) break;
      await delay(100);
    }
    // Every run's first task has started (the runs are one milestone: that is the run's whole work).
    for (;;) {
      const [row] = await rt.sql.all(
        `SELECT COUNT(*) AS n FROM runs WHERE runbook LIKE 'sched-%' AND status = 'succeeded'`,
      );
      if (Number(row?.n) >= SCHEDULES || Date.now() > deadline) break;
      await delay(100);
    }
    const cpu = children.map((c, i) => cpuMs(c.pid) - cpu0[i]!).reduce((a, b) => a + b, 0);
    pinging = false;
    await pinger;
    const rows = await rt.sql.all(
      `SELECT f.scheduled_for, f.claimed_by, r.created_at,
        (SELECT MIN(e.at) FROM run_events e WHERE e.run_id = r.id AND e.kind = 'task.running') AS first_task
       FROM schedule_fires f JOIN runs r ON r.id = f.run_id`,
    );
    const lateness = rows.map((r) => Date.parse(String(r.created_at)) - Number(r.scheduled_for));
    const toTask = rows.map((r) => Date.parse(String(r.first_task)) - Number(r.scheduled_for));
    const [runs] = await rt.sql.all(`SELECT COUNT(*) AS n FROM runs WHERE runbook LIKE 'sched-%'`);
    const owners = new Map<string, number>();
    for (const r of rows) owners.set(String(r.claimed_by), (owners.get(String(r.claimed_by)) ?? 0) + 1);
    return {
      workers,
      p50: pct(lateness, 50),
      p99: pct(lateness, 99),
      max: Math.max(...lateness),
      first: Math.min(...lateness),
      cpuPerFire: cpu / SCHEDULES,
      ping: pct(pings, 50),
      pingP99: pct(pings, 99),
      taskP50: pct(toTask, 50),
      taskP99: pct(toTask, 99),
      fired: rows.length,
      runs: Number(runs?.n),
      byProcess: [...owners.values()].sort((a, b) => b - a),
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
  `schedules bench: ${SCHEDULES} schedules due in the same second, PostgreSQL; ${cpus().length} cpus; load average before: ${la()}\n`,
);
for (const n of [1, 2]) {
  const r = await bench(n);
  process.stdout.write(
    `postgres x${n}  lateness p50 ${r.p50} ms, p99 ${r.p99} ms (${(r.p99 / TARGET_P99_MS).toFixed(2)}x of the 1 s p99 target; lower is better), first ${r.first} ms, max ${r.max} ms\n` +
      `             worker processes' CPU ${r.cpuPerFire.toFixed(1)} ms per fire (scheduling, creating and driving its run)\n` +
      `             database round trip meanwhile (SELECT 1) p50 ${r.ping.toFixed(1)} ms, p99 ${r.pingP99.toFixed(1)} ms\n` +
      `             scheduled → first task running p50 ${r.taskP50} ms, p99 ${r.taskP99} ms\n` +
      `             fired ${r.fired}/${SCHEDULES}, runs ${r.runs} (duplicates ${r.runs - r.fired}, lost ${SCHEDULES - r.fired}); fires per process ${r.byProcess.join(' + ')}\n`,
  );
}
process.stdout.write(`load average after: ${la()}\n`);
