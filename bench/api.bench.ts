/**
 * API bench (`npm run bench -- api`): a real `runwire server` (in this process, embedded worker,
 * loopback HTTP) on a fresh SQLite data dir, and on a fresh PostgreSQL schema when one answers.
 *  - POST /api/runs at a fixed 100 and 500 requests/s for BENCH_SECONDS (default 10) with autocannon
 *    (10 connections, a 1-milestone runbook; the worker drives every run it creates meanwhile):
 *    latency p50/p99, errors and non-2xx;
 *  - SSE fan-out: 100 subscribers on one run's event stream; an operator completes its manual gate
 *    and 20 milestones follow; per event and subscriber, delivered − the event's `at` (the worker's
 *    clock when it made the event, i.e. before its commit): p50/p99.
 * Ratios are against the targets (run creation p99 < 20 ms at 100 req/s; SSE p99 < 100 ms).
 */
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startServer, type RunningServer } from '../src/server/server.js';
import { openSse } from '../test/helpers/sse.js';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon') as (o: Record<string, unknown>) => Promise<any>;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const TARGET = { createP99Ms: 20, sseP99Ms: 100 };
const PG = process.env.RUNWIRE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const ONE = 'name: One\ntasks:\n  - id: a\n    type: milestone\n';
const GATE = `name: Gate\ntasks:\n  - id: gate\n    type: manual\n    instructions: go\n${Array.from(
  { length: 20 },
  (_, i) => `  - id: m${i}\n    type: milestone\n    depends_on: [${i === 0 ? 'gate' : `m${i - 1}`}]\n`,
).join('')}`;

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function api(
  s: RunningServer,
  token: string,
  method: string,
  path: string,
  body?: string,
  type = 'application/json',
) {
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': type } : {}) },
    ...(body ? { body } : {}),
  });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
}

async function createRate(s: RunningServer, token: string, rate: number) {
  const r = await autocannon({
    url: `${s.url}/api/runs`,
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ runbook: 'one', mode: 'live' }),
    connections: 10,
    overallRate: rate,
    duration: SECONDS,
  });
  return {
    rate,
    sent: r.requests.total as number,
    rps: r.requests.average as number,
    p50: r.latency.p50 as number,
    p99: r.latency.p99 as number,
    errors: (r.errors as number) + (r.timeouts as number),
    non2xx: r.non2xx as number,
  };
}

async function sseFanout(s: RunningServer, token: string, subscribers: number) {
  const run = await api(s, token, 'POST', '/api/runs', JSON.stringify({ runbook: 'gate' }));
  const id = run.body.id as string;
  for (let i = 0; i < 400; i++) {
    if ((await api(s, token, 'GET', `/api/runs/${id}`)).body.status === 'waiting') break;
    await new Promise((r) => setTimeout(r, 25));
  }
  const seen = (await api(s, token, 'GET', `/api/runs/${id}/events`)).body.events.length as number;
  const streams = await Promise.all(
    Array.from({ length: subscribers }, () =>
      openSse(`${s.url}/api/runs/${id}/events`, { authorization: `Bearer ${token}`, 'last-event-id': String(seen) }),
    ),
  );
  const reading = streams.map((st) => st.read((e) => e.event === 'end'));
  await api(s, token, 'POST', `/api/runs/${id}/tasks/gate/complete`);
  const lat: number[] = [];
  const origin = performance.timeOrigin;
  for (const events of await Promise.all(reading)) {
    for (const e of events) if (e.event !== 'end') lat.push(origin + e.receivedAt - Date.parse(e.data.at));
  }
  lat.sort((a, b) => a - b);
  return { subscribers, deliveries: lat.length, p50: pct(lat, 50), p99: pct(lat, 99) };
}

async function bench(backend: 'sqlite' | 'postgres'): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'runwire-api-bench-'));
  const schema = `runwire_bench_${randomBytes(4).toString('hex')}`;
  const s = await startServer({
    port: 0,
    dataDir,
    logLevel: 'warn',
    ...(backend === 'postgres'
      ? { databaseUrl: `${PG}${PG.includes('?') ? '&' : '?'}options=-csearch_path%3D${schema}` }
      : {}),
  });
  try {
    const token = (await s.runtime.tokens.create('admin', 'bench')).token;
    await api(s, token, 'PUT', '/api/runbooks/one', ONE, 'application/yaml');
    await api(s, token, 'PUT', '/api/runbooks/gate', GATE, 'application/yaml');
    await createRate(s, token, 50).catch(() => undefined); // warm-up
    for (const rate of [100, 500]) {
      const r = await createRate(s, token, rate);
      const ratio = r.p99 / TARGET.createP99Ms;
      process.stdout.write(
        `${backend.padEnd(8)} POST /api/runs @${rate}/s: ${r.sent} sent (${r.rps.toFixed(0)}/s), p50 ${r.p50} ms, p99 ${r.p99} ms` +
          ` (${ratio.toFixed(2)}x of the ${TARGET.createP99Ms} ms target), errors ${r.errors}, non-2xx ${r.non2xx}, load ${loadavg()
            .map((x) => x.toFixed(2))
            .join(' ')}\n`,
      );
    }
    const f = await sseFanout(s, token, 100);
    process.stdout.write(
      `${backend.padEnd(8)} SSE fan-out to ${f.subscribers}: ${f.deliveries} deliveries, p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms` +
        ` (${(f.p99 / TARGET.sseP99Ms).toFixed(2)}x of the ${TARGET.sseP99Ms} ms target), load ${loadavg()
          .map((x) => x.toFixed(2))
          .join(' ')}\n`,
    );
  } finally {
    await s.close();
  }
}

process.stdout.write(`api bench: ${cpus().length} cores, ${SECONDS} s per rate, node ${process.version}\n`);
await bench('sqlite');
if (process.env.BENCH_PG !== '0') {
  await bench('postgres').catch((err: unknown) =>
    process.stdout.write(`postgres skipped: ${(err as Error).message}\n`),
  );
}
