/** Printed commands keep the global --data-dir they were run with (issue 8 item 18), through the real CLI. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { milestone, runCli, tempDir, writeRunbook } from '../engine/cli.js';

test('"retry it with:" and "complete it with:" repeat --data-dir', { timeout: 60_000 }, async () => {
  const dir = await tempDir();
  const failing = await writeRunbook(dir, 'fail.json', {
    name: 'Fails',
    tasks: [{ id: 'bad', type: 'http', url: 'http://127.0.0.1:9/x', retry: { attempts: 1 }, timeout: '2s' }],
  });
  const r = await runCli(dir, ['run', failing]);
  assert.equal(r.code, 1, r.stderr);
  const retry = /retry it with: (.*)\n/.exec(r.stdout)?.[1] ?? '';
  assert.match(
    retry,
    new RegExp(`^runwire --data-dir ${dir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} task retry r_\\w+ bad$`),
  );

  const waiting = await writeRunbook(dir, 'wait.json', {
    name: 'Waits',
    tasks: [{ id: 'ok', type: 'manual' }, milestone('m', ['ok'])],
  });
  const w = await runCli(dir, ['run', waiting]);
  assert.equal(w.code, 3, w.stderr);
  assert.match(w.stdout, /complete it with: runwire --data-dir \S+ task complete r_\w+ ok\n/);
  // The printed command works as printed.
  const args = (/complete it with: runwire (.*)\n/.exec(w.stdout)?.[1] ?? '').split(' ').slice(2);
  const done = await runCli(dir, args);
  assert.equal(done.code, 0, done.stderr);
});
