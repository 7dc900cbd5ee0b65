/** A reader that goes away must not crash the command or strand the run (issue 8 item 11), through the real CLI. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { cliBin } from '../../helpers/paths.js';
import { milestone, runCli, tempDir, wait, writeRunbook } from '../engine/cli.js';

const runbook = {
  name: 'Closed output',
  tasks: [wait('a', '300ms'), wait('b', '300ms', ['a']), milestone('c', ['b'])],
};

async function lastRunStatus(dir: string): Promise<string> {
  const list = await runCli(dir, ['runs', 'list', '--json']);
  return (JSON.parse(list.stdout) as Array<{ status: string }>)[0]?.status ?? 'none';
}

test('run | head -1: the run finishes and the command exits quietly without a stack trace', {
  timeout: 60_000,
}, async () => {
  const dir = await tempDir();
  const file = await writeRunbook(dir, 'closed.json', runbook);
  const child = spawn(process.execPath, [cliBin, '--data-dir', dir, 'run', file], {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  // Read the first chunk, then close the pipe as `head -1` does.
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.stdout.destroy();
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stderr, /EPIPE|\n\s+at /);
  assert.equal(await lastRunStatus(dir), 'succeeded');
});

test('run > /dev/full: the run finishes, no stack trace', { timeout: 60_000 }, async () => {
  const dir = await tempDir();
  const file = await writeRunbook(dir, 'full.json', runbook);
  const child = spawn(process.execPath, [cliBin, '--data-dir', dir, 'run', file], {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', openSync('/dev/full', 'w'), 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stderr, /ENOSPC|\n\s+at /);
  assert.equal(await lastRunStatus(dir), 'succeeded');
});
