/**
 * API bench (`npm run bench -- api`): `runwire server` as its own process (bin/runwire.js on a fresh
 * SQLite data dir, and on a fresh PostgreSQL schema when one answers), as a client sees it.
 *  - Two layouts: the server with its embedded worker, and `--no-worker` with a separate
 *    `runwire worker` process driving the runs (`BENCH_LAYOUTS=embedded,split` picks).
 *  - POST /api/runs (a 1-milestone runbook; the worker drives every run created meanwhile) at a
 *    steady 100 and 500 requests/s for BENCH_SECONDS (default 10) from a load generator in a process
 *    of its own (`api-load.ts`: open loop, 10 keep-alive sockets; why not autocannon is said there):
 *    p50/p99 latency, errors, non-2xx, and the server's and worker's CPU ms per request (/proc), after
 *    a warm-up of BENCH_WARMUP_SECONDS (default 10) at 100/s.
 *  - SSE fan-out, once the worker has driven every run created: 100 subscribers (in this process) on
 *    one run's event stream; an operator completes its manual gate and 20 milestones follow; per event
 *    and subscriber, delivered − the event's `at` (stamped by the worker before its commit). Readers:
 *    node:http, the time taken as each chunk arrives (bench/sse-client.ts); BENCH_SSE_CLIENT=fetch
 *    uses the tests' fetch reader instead (time after parsing; 100 of them cost the bench's loop more).
 *  - createRun itself: 1,000 sequential `RunService.create` on the same database with no server
 *    running (the store's transaction plus the run service), p50/p99.
 * Ratios are against the targets (run creation p99 < 20 ms at 100 req/s; SSE p99 < 100 ms).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseRunbook } from '../src/core/parse-runbook.js';
import { RunService } from '../src/engine/run-service.js';
import { openServerRuntime } from '../src/server/runtime.js';
import { builtinTaskTypes } from '../src/tasks/index.js';
import { openSse } from '../test/helpers/sse.js';
import { openCheapSse, type Received } from './sse-client.js';
import { startWorker } from './worker-process.js';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(resolve(here, '../..'), 'bin/runwire.js');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** Seconds of POST /api/runs at 100/s before the measured phases (BENCH_WARMUP_SECONDS). */
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 10);
const LAYOUTS = (process.env.BENCH_LAYOUTS ?? 'embedded,split').split(',') as Layout[];
const TARGET = { createP99Ms: 20, sseP99Ms: 100 };
const PG = process.env.RUNWIRE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
type Layout = 'embedded' | 'split';
/** The fan-out's readers: `cheap` (node:http, time at chunk arrival; sse-client.ts) or `fetch` (test/helpers/sse.ts). */
const SSE_CLIENT = process.env.BENCH_SSE_CLIENT === 'fetch' ? 'fetch' : 'cheap';

const ONE = 'name: One\ntasks:\n  - id: a\n    type: milestone\n';
const GATE = `name: Gate\ntasks:\n  - id: gate\n    type: manual\n    instructions: go\n${Array.from(
  { length: 20 },
  (_, i) => `  - id: m${i}\n    type: milestone\n    depends_on: [${i === 0 ? 'gate' : `m${i - 1}`}]\n`,
).join('')}`;

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** User + system CPU ms of a process so far (Linux /proc; NaN elsewhere). */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime in 1/100 s
  } catch {
    return Number.NaN;
  }
}

function startServer(
  dataDir: string,
  env: NodeJS.ProcessEnv,
  worker: boolean,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [cli, '--data-dir', dataDir, 'server', '--port', '0', '--log-level', 'warn', ...(worker ? [] : ['--no-worker'])],
    { env: { ...process.env, ...env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  return new Promise((ok, fail) => {
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      const m = /Runwire server on (http:\/\/\S+)/.exec(err);
      if (m) ok({ child, url: m[1]! });
    });
    child.on('exit', (code) => fail(new Error(`server exited ${code}: ${err}`)));
  });
}

function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

async function api(url: string, token: string, method: string, path: string, body?: string, type = 'application/json') {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': type } : {}) },
    ...(body ? { body } : {}),
  });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
}

interface LoadResult {
  rate: number;
  sent: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  dueP99: number;
  non2xx: number;
  errors: number;
}

async function createRate(url: string, token: string, rate: number, seconds: number): Promise<LoadResult> {
  const { stdout } = await promisify(execFile)(process.execPath, [
    join(here, 'api-load.js'),
    url,
    token,
    String(rate),
    String(seconds),
  ]);
  return JSON.parse(stdout) as LoadResult;
}

/** Wait (up to 2 min) until the worker has driven every run the load phases queued; the wait in ms. */
async function drained(url: string, token: string): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < 1200; i++) {
    const busy = await Promise.all(
      ['queued', 'running'].map(
        async (st) => (await api(url, token, 'GET', `/api/runs?status=${st}&limit=1`)).body.runs.length,
      ),
    );
    if (busy.every((n) => n === 0)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return performance.now() - t0;
}

async function sseFanout(url: string, token: string, subscribers: number) {
  const run = await api(url, token, 'POST', '/api/runs', JSON.stringify({ runbook: 'gate' }));
  const id = run.body.id as string;
  for (let i = 0; i < 400; i++) {
    if ((await api(url, token, 'GET', `/api/runs/${id}`)).body.status === 'waiting') break;
    await new Promise((r) => setTimeout(r, 25));
  }
  const seen = (await api(url, token, 'GET', `/api/runs/${id}/events`)).body.events.length as number;
  const headers = { authorization: `Bearer ${token}`, 'last-event-id': String(seen) };
  const streamUrl = `${url}/api/runs/${id}/events`;
  const lat: number[] = [];
  if (SSE_CLIENT === 'fetch') {
    const streams = await Promise.all(Array.from({ length: subscribers }, () => openSse(streamUrl, headers)));
    const reading = streams.map((st) => st.read((e) => e.event === 'end'));
    await api(url, token, 'POST', `/api/runs/${id}/tasks/gate/complete`);
    const origin = performance.timeOrigin;
    for (const events of await Promise.all(reading)) {
      for (const e of events) if (e.event !== 'end') lat.push(origin + e.receivedAt - Date.parse(e.data.at));
    }
  } else {
    const streams = await Promise.all(Array.from({ length: subscribers }, () => openCheapSse(streamUrl, headers)));
    await api(url, token, 'POST', `/api/runs/${id}/tasks/gate/complete`);
    const all = await Promise.all(streams.map((st) => st.done));
    for (const events of all) for (const e of events) lat.push(e.receivedAt - e.at);
    if (process.env.BENCH_SSE_TRACE) {
      // One stream's events: when each was stamped and when it came, from the first one's stamp.
      const t0 = all[0]![0]?.at ?? 0;
      const row = (e: Received) => `${e.event} +${e.at - t0} → +${(e.receivedAt - t0).toFixed(0)}`;
      process.stdout.write(`  trace: ${all[0]!.map(row).join(', ')}\n`);
    }
  }
  lat.sort((a, b) => a - b);
  return { subscribers, deliveries: lat.length, p50: pct(lat, 50), p99: pct(lat, 99) };
}

/** 1,000 sequential creates through the run service on the database, no server running. */
async function createRunItself(dataDir: string, databaseUrl: string | undefined) {
  const rt = await openServerRuntime({ dataDir, ...(databaseUrl ? { databaseUrl } : {}) });
  try {
    const parsed = parseRunbook(ONE, 'one.yaml', builtinTaskTypes());
    if (!parsed.runbook) throw new Error(JSON.stringify(parsed.issues));
    const service = new RunService({ store: rt.runtime.store });
    const lat: number[] = [];
    for (let i = 0; i < 1100; i++) {
      const t = performance.now();
      await service.create(parsed.runbook, { mode: 'live', vars: {}, actor: 'bench' });
      if (i >= 100) lat.push(performance.now() - t);
    }
    lat.sort((a, b) => a - b);
    return { n: lat.length, p50: pct(lat, 50), p99: pct(lat, 99) };
  } finally {
    await rt.close();
  }
}

async function bench(backend: 'sqlite' | 'postgres', layout: Layout): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'runwire-api-bench-'));
  const schema = `runwire_bench_${randomBytes(4).toString('hex')}`;
  const databaseUrl =
    backend === 'postgres' ? `${PG}${PG.includes('?') ? '&' : '?'}options=-csearch_path%3D${schema}` : undefined;
  const env: NodeJS.ProcessEnv = databaseUrl ? { RUNWIRE_DATABASE_URL: databaseUrl } : {};
  const label = `${backend.padEnd(8)} ${layout.padEnd(8)}`;
  let server: ChildProcess | undefined;
  let worker: ChildProcess | undefined;
  try {
    const made = await promisify(execFile)(
      process.execPath,
      [cli, '--data-dir', dataDir, 'token', 'create', '--role', 'admin', '--name', 'bench', '--json'],
      { env: { ...process.env, ...env } },
    );
    const token = (JSON.parse(made.stdout) as { token: string }).token;
    const s = await startServer(dataDir, env, layout === 'embedded');
    server = s.child;
    if (layout === 'split') worker = await startWorker(dataDir, env, 'bench');
    await api(s.url, token, 'PUT', '/api/runbooks/one', ONE, 'application/yaml');
    await api(s.url, token, 'PUT', '/api/runbooks/gate', GATE, 'application/yaml');
    // Warm-up: a server runs for days, so the figures are of one whose code V8 has optimised (after the
    // old 150-request warm-up the server still spent 2.45 ms CPU a request, 1.77 after 3,000).
    await createRate(s.url, token, 100, WARMUP_SECONDS);
    for (const rate of [100, 500]) {
      const cpu0 = [cpuMs(server.pid), cpuMs(worker?.pid)];
      const r = await createRate(s.url, token, rate, SECONDS);
      const serverCpu = (cpuMs(server.pid) - cpu0[0]!) / r.sent;
      const workerCpu = worker ? ` + worker ${((cpuMs(worker.pid) - cpu0[1]!) / r.sent).toFixed(2)}` : '';
      process.stdout.write(
        `${label} POST /api/runs @${rate}/s: ${r.sent} sent (${r.rps.toFixed(0)}/s), p50 ${r.p50} ms, p99 ${r.p99} ms` +
          ` (${(r.p99 / TARGET.createP99Ms).toFixed(2)}x of the ${TARGET.createP99Ms} ms target), max ${r.max} ms,` +
          ` p99 from due ${r.dueP99} ms, errors ${r.errors}, non-2xx ${r.non2xx};` +
          ` CPU ms/request: server ${serverCpu.toFixed(2)}${workerCpu}; load ${load()}\n`,
      );
    }
    // The SSE figure is of a fan-out, not of the worker still catching up with the 500/s backlog.
    const backlogMs = await drained(s.url, token);
    const f = await sseFanout(s.url, token, 100);
    process.stdout.write(
      `${label} SSE fan-out to ${f.subscribers}: ${f.deliveries} deliveries, p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms` +
        ` (${(f.p99 / TARGET.sseP99Ms).toFixed(2)}x of the ${TARGET.sseP99Ms} ms target; after ${(backlogMs / 1000).toFixed(1)} s` +
        ` for the worker to finish the runs created), load ${load()}\n`,
    );
  } finally {
    await stop(worker);
    await stop(server);
  }
  if (layout === LAYOUTS[0]) {
    const c = await createRunItself(dataDir, databaseUrl);
    process.stdout.write(
      `${backend.padEnd(8)} createRun itself (RunService.create, sequential, no server): ${c.n} runs, p50 ${c.p50.toFixed(2)} ms,` +
        ` p99 ${c.p99.toFixed(2)} ms, load ${load()}\n`,
    );
  }
}

process.stdout.write(
  `api bench: ${cpus().length} cores, ${SECONDS} s per rate after ${WARMUP_SECONDS} s of warm-up at 100/s, node ${process.version}, load ${load()}\n`,
);
/** `BENCH_BACKENDS=postgres` (or `sqlite`) runs one; `BENCH_PG=0` skips PostgreSQL as before. */
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'sqlite,postgres').split(',');
if (BACKENDS.includes('sqlite')) for (const layout of LAYOUTS) await bench('sqlite', layout);
if (BACKENDS.includes('postgres') && process.env.BENCH_PG !== '0') {
  for (const layout of LAYOUTS) {
    await bench('postgres', layout).catch((err: unknown) =>
      process.stdout.write(`postgres ${layout} skipped: ${(err as Error).message}\n`),
    );
  }
}
