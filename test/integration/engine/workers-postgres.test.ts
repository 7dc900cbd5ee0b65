/**
 * Three `runwire worker` processes on one PostgreSQL schema (lease 2 s), Slack posts to the
 * sandbox, runs enqueued with `runwire run --detach`:
 * 1. 30 runs with a wait, milestones and a Slack message; one worker is SIGKILLed mid-way. Every run
 *    succeeds, every message is in the channel's history exactly once, and the runs the killed
 *    worker held are taken over within lease + 1 s.
 * 2. 30 messages to one channel from three workers (10 runs of 3 ordered messages): each once and in
 *    order per run, the channel's pace kept across workers (shared bucket), at most a handful of 429s.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { readFile } from 'node:fs/promises';
import { parseRunbook } from '../../../src/core/parse-runbook.js';
import { RunService } from '../../../src/engine/run-service.js';
import { openRuntime } from '../../../src/runtime/open-runtime.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { builtinTaskTypes } from '../../../src/tasks/index.js';
import { freshSchemaUrl } from '../../helpers/backends.js';
import { collect, runCli, runOf, spawnCli, tempDir, writeRunbook, type RunJson } from './cli.js';

const LEASE_MS = 2000;

interface Setup {
  sb: Sandbox;
  dir: string;
  env: Record<string, string>;
  url: string;
  db: pg.Client;
}

async function setup(prefix: string): Promise<Setup> {
  const sb = await startSandbox({ extensions: [] });
  const dir = await tempDir();
  const url = freshSchemaUrl(prefix);
  const env = { RUNWIRE_DATABASE_URL: url, RUNWIRE_SLACK_URL: sb.url };
  const add = await runCli(
    dir,
    ['connection', 'add', 'default', '--token', sb.credentials.bot_token, '--slack-url', sb.url],
    env,
  );
  assert.equal(add.code, 0, add.stdout + add.stderr);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  return { sb, dir, env, url, db };
}

async function teardown(s: Setup, workers: ChildProcess[]): Promise<void> {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
  await s.db.end();
  await s.sb.close();
}

function startWorkers(s: Setup, n: number): ChildProcess[] {
  return Array.from({ length: n }, (_, i) => {
    const w = spawnCli(s.dir, ['worker', '--lease', `${LEASE_MS}ms`, '--name', `w${i}`], s.env);
    w.stdout?.resume();
    w.stderr?.resume();
    return w;
  });
}

/**
 * Enqueue `n` queued runs of `file` through the RunService on the same database, as `run --detach`
 * does (one CLI process per run would take minutes on a loaded 2-core machine); the first one goes
 * through the real `runwire run --detach --json`.
 */
async function enqueue(
  s: Setup,
  file: string,
  n: number,
  vars: (i: number) => Record<string, string>,
): Promise<string[]> {
  const first = await runCli(
    s.dir,
    ['run', '--detach', '--json', file, ...Object.entries(vars(0)).flatMap(([k, v]) => ['--var', `${k}=${v}`])],
    s.env,
  );
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.equal(runOf(first).status, 'queued');
  const ids = [runOf(first).id];
  const parsed = parseRunbook(await readFile(file, 'utf8'), file, builtinTaskTypes({}));
  assert.ok(parsed.runbook, JSON.stringify(parsed.issues));
  const rt = await openRuntime({ dataDir: s.dir, databaseUrl: s.url });
  try {
    const service = new RunService({ store: rt.store });
    for (let i = 1; i < n; i++) {
      const created = await service.create(parsed.runbook, {
        mode: 'live',
        vars: { ...parsed.runbook.vars, ...vars(i) },
        actor: 'cli:tester',
      });
      ids.push(created.run.id);
    }
  } finally {
    await rt.close();
  }
  return ids;
}

async function untilSettled(s: Setup, ids: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await s.db.query(
      "SELECT count(*)::int AS n FROM runs WHERE id = ANY($1) AND status IN ('succeeded', 'failed', 'cancelled')",
      [ids],
    );
    if (r.rows[0].n === ids.length) return;
    assert.ok(Date.now() < deadline, `runs not settled after ${timeoutMs} ms`);
    await delay(100);
  }
}

/** The runs' status and tasks, read from the database (30 `runs show` processes take long on a loaded machine). */
async function runJsons(s: Setup, ids: string[]): Promise<RunJson[]> {
  const runs = (await s.db.query('SELECT id, status FROM runs WHERE id = ANY($1)', [ids])).rows as Array<{
    id: string;
    status: string;
  }>;
  const tasks = (
    await s.db.query('SELECT run_id, task_id, status, attempts, state FROM run_tasks WHERE run_id = ANY($1)', [ids])
  ).rows as Array<{ run_id: string; task_id: string; status: string; attempts: number; state: string | null }>;
  return ids.map((id) => ({
    id,
    status: runs.find((r) => r.id === id)?.status ?? 'missing',
    tasks: tasks
      .filter((t) => t.run_id === id)
      .map((t) => ({
        id: t.task_id,
        status: t.status,
        attempts: t.attempts,
        ...(t.state ? { slack: (JSON.parse(t.state) as { slack?: unknown }).slack ?? JSON.parse(t.state) } : {}),
      })),
  })) as unknown as RunJson[];
}

interface Msg {
  ts: string;
  text: string;
  metadata?: { event_payload: { run_id: string; task_id: string } };
}
async function history(s: Setup, channel: string): Promise<Msg[]> {
  const res = await fetch(`${s.sb.url}sandbox/channels/${channel}/messages`);
  return ((await res.json()) as { messages: Msg[] }).messages;
}

test('3 workers, 30 runs, one SIGKILLed mid-way: all succeed, each message once, take-over within lease + 1 s', {
  timeout: 180_000,
}, async () => {
  const s = await setup('workers_kill');
  const workers = startWorkers(s, 3);
  try {
    const file = await writeRunbook(
      s.dir,
      'w.yaml',
      `name: workers
vars: { channel: general, n: "0" }
tasks:
  - id: start
    type: milestone
  - id: pause
    type: wait
    duration: 300ms
    depends_on: [start]
  - id: post
    type: slack.message
    channel: "#{{vars.channel}}"
    message: "run {{vars.n}}"
    depends_on: [pause]
  - id: done
    type: milestone
    depends_on: [post]
`,
    );
    const channels = ['general', 'random', 'ops'];
    const ids = await enqueue(s, file, 30, (i) => ({ channel: channels[i % 3]!, n: String(i) }));
    // Kill worker 0 once it holds runs (its lease owner id starts with its pid).
    const victim = workers[0]!;
    let held: string[] = [];
    const deadline = Date.now() + 60_000;
    while (held.length === 0) {
      assert.ok(Date.now() < deadline, 'worker 0 never held a run');
      held = (
        await s.db.query("SELECT id FROM runs WHERE lease_owner LIKE $1 AND status = 'running'", [`${victim.pid}@%`])
      ).rows.map((r: { id: string }) => r.id);
      if (held.length === 0) await delay(30);
    }
    const killedAt = Date.now();
    victim.kill('SIGKILL');
    await collect(victim).catch(() => undefined);
    // It may have claimed more between the look and the kill: its leases stay until they expire.
    const after = (
      await s.db.query("SELECT id FROM runs WHERE lease_owner LIKE $1 AND status = 'running'", [`${victim.pid}@%`])
    ).rows.map((r: { id: string }) => r.id);
    held = [...new Set([...held, ...after])];
    // Each run it held: another worker holds it (or it is finished) within lease + 1 s.
    const takenAfter = new Map<string, number>();
    while (takenAfter.size < held.length && Date.now() - killedAt < 20_000) {
      const rows = (await s.db.query('SELECT id, lease_owner, status FROM runs WHERE id = ANY($1)', [held]))
        .rows as Array<{
        id: string;
        lease_owner: string | null;
        status: string;
      }>;
      for (const r of rows) {
        const gone = r.lease_owner === null ? r.status !== 'running' : !r.lease_owner.startsWith(`${victim.pid}@`);
        if (gone && !takenAfter.has(r.id)) takenAfter.set(r.id, Date.now() - killedAt);
      }
      await delay(25);
    }
    const worst = Math.max(...takenAfter.values());
    assert.equal(takenAfter.size, held.length, 'every run the killed worker held was taken over');
    assert.ok(worst <= LEASE_MS + 1000, `taken over ${worst} ms after the kill (lease ${LEASE_MS} ms + 1 s)`);

    await untilSettled(s, ids, 90_000);
    const runs = await runJsons(s, ids);
    for (const r of runs)
      assert.equal(r.status, 'succeeded', `${r.id}: ${JSON.stringify(r.tasks.map((t) => [t.id, t.status]))}`);
    for (const r of runs) {
      for (const t of r.tasks) {
        // Only a run the killed worker held may re-run a task (milestone, wait, slack.message are idempotent).
        assert.ok(t.attempts <= (held.includes(r.id) ? 2 : 1), `${r.id} ${t.id} ran ${t.attempts} times`);
      }
    }
    const all = (await Promise.all(channels.map((c) => history(s, c)))).flat();
    for (const [i, id] of ids.entries()) {
      const mine = all.filter((m) => m.metadata?.event_payload.run_id === id);
      assert.deepEqual(
        mine.map((m) => m.text),
        [`run ${i}`],
        `run ${id}: its message exactly once`,
      );
    }
  } finally {
    await teardown(s, workers);
  }
});

test('3 workers, 30 messages to one channel: once each, in order per run, at the channel pace, few 429s', {
  timeout: 180_000,
}, async () => {
  const s = await setup('workers_pace');
  const workers = startWorkers(s, 3);
  try {
    const file = await writeRunbook(
      s.dir,
      'p.yaml',
      `name: pace
vars: { n: "0" }
tasks:
  - id: m1
    type: slack.message
    channel: "#general"
    message: "{{vars.n}}.1"
  - id: m2
    type: slack.message
    channel: "#general"
    message: "{{vars.n}}.2"
    depends_on: [m1]
  - id: m3
    type: slack.message
    channel: "#general"
    message: "{{vars.n}}.3"
    depends_on: [m2]
`,
    );
    const ids = await enqueue(s, file, 10, (i) => ({ n: String(i) }));
    await untilSettled(s, ids, 120_000);
    const runs = await runJsons(s, ids);
    for (const r of runs) assert.equal(r.status, 'succeeded');
    const msgs = (await history(s, 'general')).filter((m) => ids.includes(m.metadata?.event_payload.run_id ?? ''));
    assert.equal(msgs.length, 30, 'every message once');
    for (const [i, id] of ids.entries()) {
      assert.deepEqual(
        msgs.filter((m) => m.metadata?.event_payload.run_id === id).map((m) => m.text),
        [`${i}.1`, `${i}.2`, `${i}.3`],
        `run ${id}: once each, in order`,
      );
    }
    // The pace across all workers: stored times (the sandbox's ts) of any 5 consecutive messages span
    // at least 4 s less a little for arrival jitter; three unshared 1/s buckets would span about 1.3 s.
    const at = msgs.map((m) => Number(m.ts)).sort((a, b) => a - b);
    const spans = at.slice(4).map((t, i) => t - at[i]!);
    assert.ok(Math.min(...spans) >= 3.5, `5-message spans (s): ${spans.map((x) => x.toFixed(2)).join(' ')}`);
    // 429s: every post attempt beyond the first of each message was a retry (rate limit or transient).
    const retries = runs
      .flatMap((r) => r.tasks)
      .reduce((n, t) => n + ((t as { slack?: { attempts: number } }).slack!.attempts - 1), 0);
    assert.ok(retries <= 5, `${retries} re-posts (429s) across 30 messages`);
  } finally {
    await teardown(s, workers);
  }
});
