/**
 * The slack.message integration harness: a real Slack sandbox in this process (loopback, port 0),
 * a temp data dir with a real SQLite file, a connection added through the real CLI, and runbooks
 * run by `node bin/runwire.js` child processes. The sandbox's admin endpoints tell what Slack saw.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../src/sandbox/server.js';
import { cliBin } from '../../helpers/paths.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface SlackState {
  state: string;
  channel?: string;
  channel_name?: string;
  ts?: string;
  permalink?: string;
  attempts: number;
  text?: string;
  error?: { code: string; message: string; fix?: string };
  note?: string;
}

export interface TaskJson {
  id: string;
  status: string;
  attempts: number;
  error: { code: string; message: string; fix?: string } | null;
  output: Record<string, unknown> | null;
  slack?: SlackState;
}

export interface RunJson {
  id: string;
  status: string;
  mode: string;
  tasks: TaskJson[];
}

export interface SandboxMessage {
  ts: string;
  text: string;
  thread_ts?: string;
  reply_broadcast?: boolean;
  user: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  blocks?: unknown[];
}

export class SlackEnv {
  private constructor(
    readonly sandbox: Sandbox,
    readonly dir: string,
  ) {}

  static async start(opts: SandboxOptions = {}, connection = true): Promise<SlackEnv> {
    const sandbox = await startSandbox({ extensions: [], ...opts });
    const dir = await mkdtemp(join(tmpdir(), 'runwire-slack-'));
    const env = new SlackEnv(sandbox, dir);
    if (connection) await env.addConnection('default', sandbox.credentials.bot_token);
    return env;
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** `runwire connection add NAME --token T --slack-url <sandbox>`; throws with the CLI output on failure. */
  async addConnection(name: string, token: string, verify = true): Promise<void> {
    const r = await this.cli([
      'connection',
      'add',
      name,
      '--token',
      token,
      '--slack-url',
      this.sandbox.url,
      ...(verify ? [] : ['--no-verify']),
    ]);
    if (r.code !== 0) throw new Error(`connection add failed (${r.code}): ${r.stdout}${r.stderr}`);
  }

  /** A new sandbox token with exactly these scopes. */
  async token(scopes: string[], kind: 'bot' | 'user' = 'bot'): Promise<string> {
    const body = await this.admin('POST', 'tokens', { kind, scopes });
    return String(body.token);
  }

  async admin(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<Record<string, unknown>> {
    const res = await fetch(`${this.sandbox.url}sandbox/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok || json.ok === false)
      throw new Error(`sandbox admin ${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  /** Every message of a channel (by name or id), replies included, oldest first. */
  async messages(channel: string): Promise<SandboxMessage[]> {
    const body = await this.admin('GET', `channels/${encodeURIComponent(channel.replace(/^#/, ''))}/messages`);
    return body.messages as SandboxMessage[];
  }

  async writeRunbook(name: string, yaml: string): Promise<string> {
    const file = join(this.dir, name);
    await writeFile(file, yaml);
    return file;
  }

  spawn(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
    return spawn(process.execPath, [cliBin, '--data-dir', this.dataDir, ...args], {
      env: { ...process.env, NO_COLOR: '1', USER: 'tester', RUNWIRE_SLACK_URL: this.sandbox.url, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
    return collect(this.spawn(args, env));
  }

  /** Run a runbook (YAML text) with `--json`; returns the CLI result and the parsed run. */
  async run(yaml: string, args: string[] = []): Promise<CliResult & { run: RunJson }> {
    const file = await this.writeRunbook(`rb-${Math.random().toString(36).slice(2)}.yaml`, yaml);
    const r = await this.cli(['run', file, '--json', ...args]);
    return { ...r, run: parseRun(r) };
  }

  /** The run's event log as people read it (`task id: message`), from the real SQLite file. */
  events(runId: string): Array<{ kind: string; task: string | null; message: string }> {
    const db = new Database(join(this.dataDir, 'runwire.db'), { readonly: true, fileMustExist: true });
    try {
      const rows = db
        .prepare('SELECT kind, task_id, message FROM run_events WHERE run_id = ? ORDER BY seq')
        .all(runId) as Array<{ kind: string; task_id: string | null; message: string }>;
      return rows.map((r) => ({ kind: r.kind, task: r.task_id, message: r.message }));
    } finally {
      db.close();
    }
  }

  async close(): Promise<void> {
    await this.sandbox.close();
  }
}

export function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function parseRun(r: CliResult): RunJson {
  try {
    return JSON.parse(r.stdout) as RunJson;
  } catch {
    throw new Error(`stdout is not a run JSON (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}

export function taskOf(run: RunJson, id: string): TaskJson {
  const t = run.tasks.find((x) => x.id === id);
  if (!t) throw new Error(`no task ${id} in run ${run.id}: ${JSON.stringify(run.tasks.map((x) => x.id))}`);
  return t;
}

/** Messages Runwire posted for a task (by the metadata it tags them with). */
export function postedFor(messages: SandboxMessage[], taskId: string): SandboxMessage[] {
  return messages.filter(
    (m) => m.metadata?.event_type === 'runwire_task' && m.metadata.event_payload.task_id === taskId,
  );
}

/** Poll until `probe` returns a value (not undefined), up to `ms`. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, ms = 120_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
