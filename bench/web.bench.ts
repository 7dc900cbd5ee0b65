/**
 * Web UI bench (`npm run bench -- web`), in Debian's Chromium (playwright-core) against a real server
 * on a fresh SQLite data dir:
 *  - bundle: the gzip size of what the first page loads (index.html's script, its module preloads and
 *    CSS) and of every lazy chunk, against the 250 KB target;
 *  - first render: a run of 1,000 tasks (no worker, so it stays queued and nothing moves), the run page
 *    opened by URL; time from navigation start until all 1,000 task rows are in the page (median of
 *    BENCH_RUNS, default 3);
 *  - graph: the same run page, Show graph clicked (the graph is off by default over 200 tasks); time
 *    from the click until the first node is drawn (React Flow has measured it), and how many nodes
 *    and elements are in the page then;
 *  - live events: the run page open on a run held by a manual gate; the gate is completed over the API
 *    and 1,000 milestones follow (each `task.running` + `task.succeeded`); the events' rate as the
 *    engine wrote them (first to last event `at`) and how long after the last one the page showed
 *    1001 of 1001 — the page keeps up when that lag stays small while the rate is high.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startServer, type RunningServer } from '../src/server/server.js';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '../test/helpers/browser.js';
import { repoRoot } from '../test/helpers/paths.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TARGET_KB = 250;
const webDir = join(repoRoot, 'dist/web');

const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;
const gz = (file: string): number => gzipSync(readFileSync(join(webDir, file)), { level: 9 }).length;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function bundle(): void {
  const html = readFileSync(join(webDir, 'index.html'), 'utf8');
  const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  const initialGz = initial.reduce((sum, f) => sum + gz(f), 0) + gzipSync(html).length;
  process.stdout.write(`bundle: initial ${kb(initialGz)} gzip (${initial.join(', ')} + index.html)\n`);
  process.stdout.write(`  against the target: ${(initialGz / 1024 / TARGET_KB).toFixed(2)}x of ${TARGET_KB} KB\n`);
  const lazy = readdirSync(join(webDir, 'assets'))
    .filter((f) => !initial.includes(`assets/${f}`))
    .map((f) => ({ f, size: gz(`assets/${f}`) }))
    .sort((a, b) => b.size - a.size);
  process.stdout.write(`  lazy chunks: ${lazy.map((l) => `${l.f} ${kb(l.size)}`).join(', ')}\n`);
}

function layered(n: number, gate: boolean): string {
  const tasks: string[] = [];
  if (gate) tasks.push('  - id: gate\n    type: manual\n    instructions: go\n');
  for (let i = 0; i < n; i++) {
    const layer = Math.floor(i / 50);
    const deps = layer === 0 ? (gate ? ['gate'] : []) : [`t${(layer - 1) * 50 + (i % 50)}`];
    tasks.push(`  - id: t${i}\n    type: milestone\n${deps.length ? `    depends_on: [${deps.join(', ')}]\n` : ''}`);
  }
  return `name: Big\ntasks:\n${tasks.join('')}`;
}

async function call(s: RunningServer, token: string, method: string, path: string, body?: string, type?: string) {
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': type ?? 'application/json' } : {}) },
    ...(body ? { body } : {}),
  });
  return (await res.json().catch(() => undefined)) as any;
}

async function withServer<T>(workers: number, fn: (s: RunningServer, token: string) => Promise<T>): Promise<T> {
  const s = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir: mkdtempSync(join(tmpdir(), 'rw-webb-')),
    workers,
    logLevel: 'warn',
  });
  try {
    const { token } = await s.runtime.tokens.create('admin', 'bench');
    return await fn(s, token);
  } finally {
    await s.close();
  }
}

async function logIn(browser: TestBrowser, s: RunningServer, token: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${s.url}/`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByTestId('who').waitFor();
  return page;
}

async function main(): Promise<void> {
  process.stdout.write(
    `web bench · ${cpus().length} cores · load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );
  bundle();
  const browser = await launchBrowser();
  try {
    await withServer(0, async (s, token) => {
      await call(s, token, 'PUT', '/api/runbooks/big', layered(1000, false), 'application/yaml');
      const run = await call(s, token, 'POST', '/api/runs', JSON.stringify({ runbook: 'big', mode: 'rehearsal' }));
      const page = await logIn(browser, s, token);
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        await page.goto(`${s.url}/runs/${run.id}`);
        await page.waitForFunction(
          "document.querySelectorAll('[data-testid=run-tasks] tbody tr').length === 1000",
          undefined,
          { timeout: 60_000, polling: 'raf' },
        );
        times.push(await page.evaluate(() => performance.now()));
      }
      process.stdout.write(
        `first render, run page with 1,000 tasks: median ${median(times).toFixed(0)} ms (${times.map((t) => t.toFixed(0)).join(', ')} ms; navigation start → 1,000 rows)\n`,
      );
      // The graph of the same 1,000 tasks (hidden by default over 200): Show graph → the nodes drawn.
      const graph: Array<{ ms: number; nodes: number; dom: number }> = [];
      for (let i = 0; i < RUNS; i++) {
        await page.goto(`${s.url}/runs/${run.id}`);
        await page.waitForFunction(
          "document.querySelectorAll('[data-testid=run-tasks] tbody tr').length === 1000",
          undefined,
          { timeout: 60_000 },
        );
        const t0 = Number(await page.evaluate('performance.now()'));
        await page.getByRole('button', { name: 'Show graph' }).click();
        await page.waitForFunction(
          `(() => { const n = document.querySelector('[data-testid=task-graph] .react-flow__node');
             return n && getComputedStyle(n).visibility === 'visible'; })()`,
          undefined,
          { timeout: 120_000, polling: 'raf' },
        );
        const t1 = Number(await page.evaluate('performance.now()'));
        const nodes = Number(await page.evaluate("document.querySelectorAll('.react-flow__node').length"));
        const dom = Number(await page.evaluate("document.querySelectorAll('*').length"));
        graph.push({ ms: t1 - t0, nodes, dom });
      }
      const g = graph.map((x) => x.ms);
      process.stdout.write(
        `graph of 1,000 tasks: Show graph → nodes drawn median ${median(g).toFixed(0)} ms (${g.map((t) => t.toFixed(0)).join(', ')} ms); ${graph[0]!.nodes} nodes in the DOM, ${graph[0]!.dom} elements in the page\n`,
      );
      await page.close();
    });

    await withServer(1, async (s, token) => {
      await call(s, token, 'PUT', '/api/runbooks/big', layered(1000, true), 'application/yaml');
      const run = await call(s, token, 'POST', '/api/runs', JSON.stringify({ runbook: 'big', mode: 'rehearsal' }));
      for (let i = 0; i < 500; i++) {
        const r = await call(s, token, 'GET', `/api/runs/${run.id}`);
        if (r.status === 'waiting') break;
        await new Promise((res) => setTimeout(res, 20));
      }
      const page = await logIn(browser, s, token);
      await page.goto(`${s.url}/runs/${run.id}`);
      await page.getByTestId('stream-state').filter({ hasText: 'connected' }).waitFor({ timeout: 60_000 });
      const shown = page.waitForFunction(
        "/1001 of 1001/.test(document.querySelector('[data-testid=progress]')?.textContent ?? '')",
        undefined,
        { timeout: 120_000, polling: 'raf' },
      );
      await call(s, token, 'POST', `/api/runs/${run.id}/tasks/gate/complete`);
      await shown;
      const seenAt = Date.now();
      const { events } = await call(s, token, 'GET', `/api/runs/${run.id}/events?after=0`);
      const after = (events as Array<{ kind: string; at: string; task_id: string | null }>).filter(
        (e) => e.task_id && e.task_id !== 'gate' && e.kind.startsWith('task.'),
      );
      const first = Date.parse(after[0]!.at);
      const last = Date.parse(after.at(-1)!.at);
      const rate = after.length / Math.max(0.001, (last - first) / 1000);
      process.stdout.write(
        `live events: ${after.length} task events in ${(last - first).toFixed(0)} ms = ${rate.toFixed(0)} events/s from the engine; page showed 1001 of 1001 ${seenAt - last} ms after the last event\n`,
      );
      await page.close();
    });
  } finally {
    await browser.close();
  }
  process.stdout.write(
    `load after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );
}

await main();
