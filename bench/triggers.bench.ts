/**
 * Triggers bench, events part (the schedule part is bench/schedules.bench.ts): a real `runwire
 * server` process (SQLite data dir, one embedded worker driving the runs; BENCH_NO_WORKER=1: none) with a `default` connection to an embedded
 * Slack sandbox (for the user-name and permalink look-ups) and one runbook whose slack.message trigger
 * matches every event; this process sends signed Events API callbacks to POST /slack/events at
 * BENCH_RATE events/s (default 100) for BENCH_SECONDS (default 30), each a distinct message, and every
 * 20th one delivered a second time as a Slack retry (X-Slack-Retry-Num: 1).
 *  - ack: request sent → response received, p50 / p99 (target p99 < 100 ms);
 *  - event → run created: the event's send time → the run's created_at, p50 / p99 (target p99 < 50 ms);
 *  - duplicates: runs beyond one per event (must be 0); lost: events without a run.
 * Printed as ratios (measured / target) with the load average before and after and the core count.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { startSandbox } from '../src/sandbox/server.js';
import { signedHeaders } from '../src/sandbox/events/signature.js';
import { openServerRuntime } from '../src/server/runtime.js';
import { connectionsOver } from '../src/slack/connections/open.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(root, 'bin/runwire.js');
const RATE = Number(process.env.BENCH_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const TARGET_ACK_P99 = 100;
const TARGET_RUN_P99 = 50;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number) : Number.NaN;
};
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

function startServer(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      cli,
      '--data-dir',
      dataDir,
      'server',
      '--port',
      String(port),
      '--log-level',
      'warn',
      ...(process.env.BENCH_NO_WORKER ? ['--no-worker'] : []),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  let err = '';
  return new Promise((ok, fail) => {
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      if (/Runwire server on/.test(err)) ok(child);
    });
    child.on('exit', (code) => fail(new Error(`server exited ${code}: ${err}`)));
  });
}

async function main(): Promise<void> {
  const load0 = loadavg();
  const sb = await startSandbox({ rateLimits: false });
  const dataDir = await mkdtemp(join(tmpdir(), 'runwire-bench-trig-'));
  const channel = [...sb.workspace.channels.values()].find((c) => c.name === 'releases')?.id as string;
  const alice = [...sb.workspace.users.values()].find((u) => u.name === 'alice')?.id as string;
  {
    const rt = await openServerRuntime({ dataDir });
    const { service } = connectionsOver(rt.runtime.connectionStore, dataDir, {});
    await service.addToken({
      name: 'default',
      token: sb.credentials.bot_token,
      signingSecret: sb.credentials.signing_secret,
      slackUrl: sb.url,
    });
    await service.verify('default');
    const { parseRunbook } = await import('../src/core/parse-runbook.js');
    const { builtinTaskTypes } = await import('../src/tasks/index.js');
    const text = `name: Bench deploy\nvars: { release: "0" }\ntriggers:\n  - id: cmd\n    type: slack.message\n    channel: ${channel}\n    match: '^deploy (?<release>\\d+)$'\ntasks:\n  - id: done\n    type: milestone\n`;
    const parsed = parseRunbook(text, 'bench.yaml', builtinTaskTypes());
    if (!parsed.runbook) throw new Error(JSON.stringify(parsed.issues));
    await rt.library.put('bench', { source: text, format: 'yaml', runbook: parsed.runbook, by: 'bench' });
    await rt.close();
  }
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const server = await startServer(dataDir, port);
  const url = `http://127.0.0.1:${port}/slack/events`;
  const agent = new Agent({ connections: 64 });
  const acks: number[] = [];
  const sentAt = new Map<string, number>();
  let non200 = 0;
  const total = RATE * SECONDS;
  const base = Math.floor(Date.now() / 1000);
  const inflight: Promise<void>[] = [];
  const send = async (i: number, retry: number) => {
    const body = JSON.stringify({
      type: 'event_callback',
      team_id: sb.workspace.team.id,
      api_app_id: sb.workspace.app.id,
      event_id: `Ev0BENCH${String(i).padStart(6, '0')}`,
      event_time: base,
      event: {
        type: 'message',
        channel,
        user: alice,
        text: `deploy ${i}`,
        ts: `${base}.${String(i).padStart(6, '0')}`,
      },
    });
    const t0 = performance.now();
    if (retry === 0) sentAt.set(String(i), Date.now());
    const res = await request(url, {
      method: 'POST',
      dispatcher: agent,
      body,
      headers: {
        'content-type': 'application/json',
        ...signedHeaders(sb.credentials.signing_secret, Date.now(), body),
        ...(retry ? { 'x-slack-retry-num': String(retry), 'x-slack-retry-reason': 'http_timeout' } : {}),
      },
    });
    await res.body.text();
    if (res.statusCode !== 200) non200++;
    if (retry === 0) acks.push(performance.now() - t0);
  };
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await delay(wait);
    inflight.push(send(i, 0));
    if (i % 20 === 19) inflight.push(send(i, 1));
  }
  await Promise.all(inflight);
  const sendSeconds = (performance.now() - start) / 1000;
  // Let the last decisions land, then count.
  await delay(3000);
  const rt = await openServerRuntime({ dataDir });
  const runs = await rt.runtime.store.listRuns({ limit: 100_000, runbook: 'Bench deploy' });
  const perEvent = new Map<string, number>();
  const lat: number[] = [];
  for (const r of runs) {
    const full = await rt.runtime.store.getRun(r.id);
    const rel = String(full?.vars.release);
    perEvent.set(rel, (perEvent.get(rel) ?? 0) + 1);
    const sent = sentAt.get(rel);
    if (sent !== undefined && perEvent.get(rel) === 1) lat.push(Date.parse(r.createdAt) - sent);
  }
  await rt.close();
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await sb.close();
  await agent.close();
  const duplicates = [...perEvent.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
  const lost = total - perEvent.size;
  const load1 = loadavg();
  const ackP99 = pct(acks, 99);
  const runP99 = pct(lat, 99);
  process.stdout.write(
    [
      `triggers (events): ${total} events at ${RATE}/s over ${sendSeconds.toFixed(1)} s (+${Math.floor(total / 20)} retries), SQLite, 1 server process, ${cpus().length} cores`,
      `  load average before ${load0.map((l) => l.toFixed(2)).join(' ')}, after ${load1.map((l) => l.toFixed(2)).join(' ')}`,
      `  ack            p50 ${fmt(pct(acks, 50))}  p99 ${fmt(ackP99)}  max ${fmt(pct(acks, 100))}  (p99 / target ${TARGET_ACK_P99} ms = ${(ackP99 / TARGET_ACK_P99).toFixed(2)})`,
      `  event → run    p50 ${fmt(pct(lat, 50))}  p99 ${fmt(runP99)}  max ${fmt(pct(lat, 100))}  (p99 / target ${TARGET_RUN_P99} ms = ${(runP99 / TARGET_RUN_P99).toFixed(2)})`,
      `  runs ${runs.length}, duplicates ${duplicates}, lost ${lost}, non-200 acks ${non200}`,
      '',
    ].join('\n'),
  );
  if (duplicates > 0 || lost > 0 || non200 > 0) process.exitCode = 1;
}

await main();
