/**
 * Shared by the connection integration tests: run the real `runwire` CLI as child processes against
 * one data dir, keep every byte they print (to prove no whole secret is ever printed), and scan the
 * data dir's files for secrets in plain text.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { cliBin } from '../../helpers/paths.js';
import type { Sandbox } from '../../../src/sandbox/server.js';
import { openConnections } from '../../../src/slack/connections/open.js';
import { SECRET_FIELDS } from '../../../src/slack/connections/model.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  child: ChildProcess;
  /** Resolves with the first match of `re` in stdout (rejects if the process ends first). */
  waitFor(re: RegExp): Promise<RegExpMatchArray>;
  done: Promise<CliResult>;
}

export class CliHarness {
  /** stdout + stderr of every command run, in order. */
  readonly transcript: string[] = [];
  readonly dataDir: string;

  constructor(readonly baseEnv: Record<string, string> = {}) {
    this.dataDir = mkdtempSync(join(tmpdir(), 'runwire-conn-'));
  }

  private env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.baseEnv, ...extra };
    // The parent's settings must not leak into the child unless a test sets them.
    for (const k of ['RUNWIRE_SECRET_KEY', 'RUNWIRE_SLACK_URL', 'RUNWIRE_DATA_DIR'])
      if (!(k in this.baseEnv) && !(k in extra)) delete env[k];
    return env;
  }

  start(args: string[], opts: { env?: Record<string, string>; stdin?: string } = {}): RunningCli {
    const child = spawn(process.execPath, [cliBin, '--data-dir', this.dataDir, ...args], {
      env: this.env(opts.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const waiters: Array<{ re: RegExp; resolve: (m: RegExpMatchArray) => void; reject: (e: Error) => void }> = [];
    const check = () => {
      for (const w of [...waiters]) {
        const m = stdout.match(w.re);
        if (m) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    };
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      check();
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.stdin!.end(opts.stdin ?? '');
    const done = new Promise<CliResult>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => {
        // Only what the CLI printed (the command line itself holds the secrets the test passed in).
        this.transcript.push(`$ runwire ${args.slice(0, 3).join(' ')} …\n${stdout}${stderr}`);
        for (const w of waiters)
          w.reject(
            new Error(
              `runwire ${args.slice(0, 3).join(' ')} … exited ${code} before printing ${w.re}\nstdout: ${stdout}\nstderr: ${stderr}`,
            ),
          );
        resolve({ code, stdout, stderr });
      });
    });
    return {
      child,
      done,
      waitFor: (re) =>
        new Promise((resolve, reject) => {
          waiters.push({ re, resolve, reject });
          check();
        }),
    };
  }

  run(args: string[], opts: { env?: Record<string, string>; stdin?: string } = {}): Promise<CliResult> {
    return this.start(args, opts).done;
  }

  /** Every secret the data dir's connections hold, decrypted in this process (the test's own view). */
  async storedSecrets(env: Record<string, string> = {}): Promise<string[]> {
    const c = openConnections(this.dataDir, { ...this.baseEnv, ...env });
    try {
      const out: string[] = [];
      for (const rec of await c.service.store.list()) {
        const s = c.service.openSecrets(rec);
        for (const f of SECRET_FIELDS) if (s[f]) out.push(s[f]!);
      }
      return out;
    } finally {
      await c.close();
    }
  }
}

/** A port free right now on 127.0.0.1 (for the OAuth redirect listener). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Every secret the sandbox ever issued or holds: tokens, client and signing secrets, webhook URLs. */
export function sandboxSecrets(sb: Sandbox): string[] {
  const ws = sb.workspace;
  return [
    ...ws.tokens.keys(),
    ws.credentials.client_secret,
    ws.credentials.signing_secret,
    ...[...ws.webhooks.values()].map((h) => h.secret),
  ].filter((s): s is string => typeof s === 'string' && s.length >= 8);
}

/** Fail naming the secret's mask if any text holds a whole secret. */
export function assertNoSecretIn(
  texts: Array<{ where: string; text: string | Buffer }>,
  secrets: readonly string[],
): void {
  assert.ok(secrets.length > 0, 'the check needs secrets to look for');
  for (const { where, text } of texts) {
    const buf = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
    for (const s of secrets) {
      assert.equal(buf.indexOf(Buffer.from(s, 'utf8')), -1, `${where} holds a whole secret (…${s.slice(-4)})`);
    }
  }
}

/** Every regular file under `dir`, with its bytes. */
export function filesUnder(dir: string): Array<{ where: string; text: Buffer }> {
  const out: Array<{ where: string; text: Buffer }> = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...filesUnder(p));
    else if (st.isFile()) out.push({ where: p, text: readFileSync(p) });
  }
  return out;
}
