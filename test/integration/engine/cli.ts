/** Helpers for the engine's integration tests: the real CLI as a child process, a temp data dir, a counting HTTP server. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliBin } from '../../helpers/paths.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A fresh data dir and a place for runbook files. */
export async function tempDir(prefix = 'runwire-engine-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function writeRunbook(dir: string, name: string, doc: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));
  return file;
}

/** Start `node bin/runwire.js --data-dir DIR ...args`. */
export function spawnCli(dataDir: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [cliBin, '--data-dir', dataDir, ...args], {
    env: { ...process.env, NO_COLOR: '1', USER: 'tester', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function runCli(dataDir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return collect(spawnCli(dataDir, args, env));
}

/** The run JSON printed by `--json`; fails with the CLI's output when it is not JSON. */
export function runOf(r: CliResult): RunJson {
  try {
    return JSON.parse(r.stdout) as RunJson;
  } catch {
    throw new Error(`stdout is not JSON (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}

export interface TaskJson {
  id: string;
  name: string;
  type: string;
  status: string;
  started_at: string | null;
  finished_at: string | null;
  attempts: number;
  error: { code: string; message: string } | null;
  output: Record<string, unknown> | null;
  reason?: string;
}
export interface RunJson {
  id: string;
  runbook: string;
  mode: string;
  status: string;
  started_at: string | null;
  finished_at: string | null;
  vars: Record<string, string>;
  tasks: TaskJson[];
}

export function task(run: RunJson, id: string): TaskJson {
  const t = run.tasks.find((x) => x.id === id);
  if (!t) throw new Error(`no task ${id} in run ${run.id}`);
  return t;
}

/** What the test server does with one request: respond now (status, body) or hold it ('hang'). */
export type Reply = { status: number; body?: unknown } | 'hang';

/** An HTTP server on 127.0.0.1:0 that counts requests per path and answers by a test-supplied rule. */
export class CountingServer {
  readonly counts = new Map<string, number>();
  private server: Server | undefined;
  private readonly held: ServerResponse[] = [];
  private waiters: Array<() => void> = [];

  constructor(
    public reply: (path: string, n: number, req: IncomingMessage) => Reply = () => ({
      status: 200,
      body: { ok: true },
    }),
  ) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0] as string;
      req.resume();
      req.on('end', () => {
        const n = (this.counts.get(path) ?? 0) + 1;
        this.counts.set(path, n);
        const r = this.reply(path, n, req);
        if (r === 'hang') this.held.push(res);
        else res.writeHead(r.status, { 'content-type': 'application/json' }).end(JSON.stringify(r.body ?? {}));
        for (const w of this.waiters.splice(0)) w();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  count(path: string): number {
    return this.counts.get(path) ?? 0;
  }

  /** Resolve once `pred` holds, checked after every request. */
  async until(pred: () => boolean): Promise<void> {
    while (!pred()) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  async stop(): Promise<void> {
    for (const res of this.held.splice(0)) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** A milestone / wait / http task, as JSON runbook entries. */
export const milestone = (id: string, depends_on: string[] = []) => ({ id, type: 'milestone', depends_on });
export const wait = (id: string, duration: string, depends_on: string[] = []) => ({
  id,
  type: 'wait',
  duration,
  depends_on,
});
