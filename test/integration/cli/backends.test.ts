/**
 * The same CLI journeys on SQLite and on PostgreSQL (`RUNWIRE_DATABASE_URL`, a fresh schema each):
 * run, runs list/show, a manual task completed, resume after SIGKILL, connection add/test and check
 * against the sandbox. On PostgreSQL the URL carries a password that no output may contain, and the
 * data dir gets no SQLite file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { startSandbox } from '../../../src/sandbox/server.js';
import { backends, type Backend } from '../../helpers/backends.js';
import { collect, milestone, runCli, runOf, spawnCli, task, tempDir, wait, writeRunbook } from '../engine/cli.js';

/** A password the PostgreSQL URL carries (trust auth ignores it); it must never be printed. */
const PASSWORD = `pw-${process.pid}-secret`;

function envFor(b: Backend, prefix: string): Record<string, string> {
  const env = b.freshEnv(prefix);
  if (env.RUNWIRE_DATABASE_URL)
    env.RUNWIRE_DATABASE_URL = env.RUNWIRE_DATABASE_URL.replace('://postgres@', `://postgres:${PASSWORD}@`);
  return env;
}

function assertNoPassword(...outputs: string[]): void {
  for (const o of outputs) assert.equal(o.includes(PASSWORD), false, `the database password was printed:\n${o}`);
}

for (const b of backends) {
  test(`${b.name}: run, runs list/show, a manual task completed`, { timeout: 240_000 }, async () => {
    const dir = await tempDir();
    const env = envFor(b, 'cli_run');
    const file = await writeRunbook(dir, 'r.json', {
      name: 'Backends',
      tasks: [
        milestone('a'),
        wait('w', '200ms', ['a']),
        { id: 'go', type: 'manual', depends_on: ['w'] },
        milestone('z', ['go']),
      ],
    });
    const first = await runCli(dir, ['run', file, '--json'], env);
    assert.equal(first.code, 3, first.stderr);
    const run = runOf(first);
    assert.equal(run.status, 'waiting');
    assert.equal(task(run, 'go').status, 'waiting');

    const list = await runCli(dir, ['runs', 'list', '--json'], env);
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(
      (JSON.parse(list.stdout) as Array<{ id: string; status: string }>).map((r) => [r.id, r.status]),
      [[run.id, 'waiting']],
    );
    const done = await runCli(dir, ['task', 'complete', run.id, 'go', '--json'], env);
    assert.equal(done.code, 0, done.stderr);
    assert.equal(runOf(done).status, 'succeeded');
    const show = await runCli(dir, ['runs', 'show', run.id], env);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /succeeded/);
    assert.match(show.stdout, /task\.succeeded/);
    assertNoPassword(first.stdout, first.stderr, list.stdout, done.stdout, show.stdout, show.stderr);
    // Each backend keeps to its own place: PostgreSQL leaves no SQLite file in the data dir.
    assert.equal(existsSync(join(dir, 'runwire.db')), b.name === 'sqlite');
  });

  test(`${b.name}: a run killed with SIGKILL resumes`, { timeout: 240_000 }, async () => {
    const dir = await tempDir();
    const env = envFor(b, 'cli_resume');
    const file = await writeRunbook(dir, 'k.json', {
      name: 'Kill me',
      tasks: [milestone('a'), wait('w', '1500ms', ['a']), milestone('z', ['w'])],
    });
    const child = spawnCli(dir, ['run', file], env);
    const exited = collect(child);
    let out = '';
    child.stdout?.on('data', (d: string) => {
      out += d;
    });
    while (!/task\.running w\b/.test(out)) await delay(20);
    const runId = /Run (r_[a-z0-9]+)/.exec(out)?.[1];
    assert.ok(runId, out);
    child.kill('SIGKILL');
    assert.equal((await exited).code, null);
    const resumed = await runCli(dir, ['resume', runId, '--json'], env);
    assert.equal(resumed.code, 0, resumed.stderr);
    const run = runOf(resumed);
    assert.equal(run.status, 'succeeded');
    assert.equal(task(run, 'z').status, 'succeeded');
    assertNoPassword(out, resumed.stdout, resumed.stderr);
  });

  test(`${b.name}: connection add/test and check against the sandbox`, { timeout: 240_000 }, async () => {
    const sb = await startSandbox({ extensions: [] });
    try {
      const dir = await tempDir();
      const env = envFor(b, 'cli_conn');
      const add = await runCli(
        dir,
        ['connection', 'add', 'default', '--token', sb.credentials.bot_token, '--slack-url', sb.url],
        env,
      );
      assert.equal(add.code, 0, add.stdout + add.stderr);
      const probe = await runCli(dir, ['connection', 'test', 'default', '--json'], env);
      assert.equal(probe.code, 0, probe.stdout + probe.stderr);
      const list = await runCli(dir, ['connection', 'list', '--json'], env);
      assert.deepEqual(
        (JSON.parse(list.stdout) as Array<{ name: string }>).map((c) => c.name),
        ['default'],
      );
      const file = await writeRunbook(
        dir,
        's.yaml',
        'name: s\ntasks:\n  - id: hi\n    type: slack.message\n    channel: "#general"\n    message: hello\n',
      );
      const ok = await runCli(dir, ['check', file], env);
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assert.match(ok.stdout, /pre-flight clean/);
      const bad = await runCli(
        dir,
        [
          'check',
          await writeRunbook(
            dir,
            'b.yaml',
            'name: b\ntasks:\n  - id: hi\n    type: slack.message\n    channel: "#nope"\n    message: x\n',
          ),
        ],
        env,
      );
      assert.equal(bad.code, 2, bad.stdout + bad.stderr);
      assertNoPassword(add.stdout, add.stderr, probe.stdout, list.stdout, ok.stdout, bad.stdout, bad.stderr);
      assert.equal(existsSync(join(dir, 'runwire.db')), b.name === 'sqlite');
    } finally {
      await sb.close();
    }
  });
}

test('postgres: an unreachable database is one clear error, the password hidden, exit 1', async () => {
  const dir = await tempDir();
  const r = await runCli(dir, ['runs', 'list'], {
    RUNWIRE_DATABASE_URL: `postgres://postgres:${PASSWORD}@127.0.0.1:1/test`,
  });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /cannot open the PostgreSQL database postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/test/);
  assert.match(r.stderr, /fix: /);
  assertNoPassword(r.stdout, r.stderr);
});
