/** `runwire sandbox` as a real child process: the --json first line, the banner, --workspace files. */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { LogLevel, WebClient } from '@slack/web-api';
import { cliBin, repoRoot } from '../../helpers/paths.js';

function startCli(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [cliBin, 'sandbox', ...args], { cwd: repoRoot, stdio: 'pipe' });
}

/** Resolve with stdout up to and including the line matching `until` (or reject when the process exits first). */
function readUntil(child: ChildProcessWithoutNullStreams, until: RegExp): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    const rl = createInterface({ input: child.stdout });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    rl.on('line', (line) => {
      lines.push(line);
      if (until.test(line)) {
        rl.close();
        resolve(lines);
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`runwire sandbox exited ${code} before printing ${until}: ${stderr}${lines.join('\n')}`)),
    );
  });
}

/** Send SIGTERM and wait for the exit code. */
function stop(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = startCli(args);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('runwire sandbox (child process)', () => {
  it('--json: the first stdout line is one JSON object whose bot token works with WebClient', async () => {
    const child = startCli(['--json', '--port', '0']);
    try {
      const [first] = await readUntil(child, /.*/);
      const info = JSON.parse(first!) as Record<string, string>;
      for (const k of ['url', 'api_url', 'bot_token', 'app_token', 'signing_secret', 'client_id', 'client_secret']) {
        assert.equal(typeof info[k], 'string', `${k} is present`);
      }
      assert.match(info.api_url!, /^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
      const web = new WebClient(info.bot_token, {
        slackApiUrl: info.api_url,
        retryConfig: { retries: 0 },
        logLevel: LogLevel.ERROR,
      });
      const auth = await web.auth.test();
      assert.equal(auth.team, 'Runwire Sandbox');
      assert.deepEqual(auth.response_metadata?.scopes, [
        'chat:write',
        'chat:write.public',
        'channels:read',
        'groups:read',
        'channels:history',
        'groups:history',
        'im:history',
        'mpim:history',
        'im:write',
        'mpim:write',
        'users:read',
        'users:read.email',
        'usergroups:read',
      ]);
      assert.equal((await web.chat.postMessage({ channel: '#general', text: 'from the CLI test' })).ok, true);
    } finally {
      assert.equal(await stop(child), 0, 'exits 0 on SIGTERM');
    }
  });

  it('without --json: a banner with the URL and shortened secrets only', async () => {
    const child = startCli(['--port', '0']);
    try {
      const lines = await readUntil(child, /Ctrl\+C/);
      const text = lines.join('\n');
      assert.match(text, /web page\s+http:\/\/127\.0\.0\.1:\d+\//);
      assert.match(text, /bot token\s+xoxb-\S+…\S+/);
      const secretLine = lines.find((l) => l.includes('signing secret'))!;
      assert.ok(secretLine.trim().length < 40, 'the signing secret is shortened');
    } finally {
      await stop(child);
    }
  });

  it('--workspace FILE (YAML) replaces the seed, with fixed credentials', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runwire-sandbox-'));
    const file = join(dir, 'ws.yaml');
    await writeFile(
      file,
      [
        'team: { name: Acme Ops }',
        'app: { bot_token: xoxb-fixed-token-123, client_id: "111.222", bot_scopes: [chat:write, channels:read] }',
        'users:',
        '  - { name: zed, email: zed@acme.example }',
        'channels:',
        '  - { name: war-room, members: [zed, bot] }',
        '  - { name: lobby, general: true, members: [zed] }',
      ].join('\n'),
    );
    const child = startCli(['--json', '--workspace', file, '--no-rate-limits']);
    try {
      const [first] = await readUntil(child, /.*/);
      const info = JSON.parse(first!) as Record<string, string>;
      assert.equal(info.bot_token, 'xoxb-fixed-token-123');
      assert.equal(info.client_id, '111.222');
      const web = new WebClient(info.bot_token, {
        slackApiUrl: info.api_url,
        retryConfig: { retries: 0 },
        logLevel: LogLevel.ERROR,
      });
      assert.equal((await web.auth.test()).team, 'Acme Ops');
      const list = await web.conversations.list({});
      assert.deepEqual(list.channels?.map((c) => c.name).sort(), ['lobby', 'war-room']);
      assert.equal((await web.chat.postMessage({ channel: '#war-room', text: 'hi' })).ok, true);
    } finally {
      await stop(child);
    }
  });

  it('a bad workspace file or port gives a clear error, not a stack trace', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runwire-sandbox-'));
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ users: [{ name: 'x' }], channels: [{ name: 'c', members: ['nobody'] }] }));
    const r1 = await run(['--workspace', bad]);
    assert.equal(r1.code, 1);
    assert.match(r1.stderr, /unknown member "nobody"/);
    assert.doesNotMatch(r1.stderr, /\n\s+at /);
    const r2 = await run(['--workspace', join(dir, 'missing.yaml')]);
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /cannot read the workspace file .*ENOENT/);
    await writeFile(bad, JSON.stringify({ teem: {} }));
    const r3 = await run(['--workspace', bad]);
    assert.equal(r3.code, 1);
    assert.match(r3.stderr, /not a valid sandbox workspace/);
    const r4 = await run(['--port', 'eighty']);
    assert.equal(r4.code, 1);
    assert.match(r4.stderr, /--port must be a whole number/);
  });
});
