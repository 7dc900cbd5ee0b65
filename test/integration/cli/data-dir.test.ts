/** A data dir that cannot be made gets one clear line, at once (issue 8 item 10: `/proc/x` spun forever). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { milestone, runCli, tempDir, writeRunbook } from '../engine/cli.js';

test('--data-dir /proc/x fails at once with the path and the fix, for a read and for a run', {
  timeout: 60_000,
}, async () => {
  const dir = await tempDir();
  const file = await writeRunbook(dir, 'one.json', { name: 'One', tasks: [milestone('a')] });
  for (const args of [
    ['runs', 'list'],
    ['run', file],
  ]) {
    const r = await runCli('/proc/x', args);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^error: The data dir \/proc\/x cannot be used: cannot create \/proc\/x \(ENOENT\)\./m);
    assert.match(r.stderr, /fix: Pass a writable directory with --data-dir DIR/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('a data dir under a file says so', { timeout: 60_000 }, async () => {
  const dir = await tempDir();
  const notADir = join(dir, 'plain-file');
  await writeFile(notADir, 'x');
  const r = await runCli(join(notADir, 'data'), ['runs', 'list']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /plain-file exists and is not a directory/);
});

test('a missing data dir several levels deep is still created', { timeout: 60_000 }, async () => {
  const dir = await tempDir();
  const r = await runCli(join(dir, 'a', 'b', 'c'), ['runs', 'list']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /No runs yet/);
});
