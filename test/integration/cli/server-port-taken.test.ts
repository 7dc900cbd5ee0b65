/**
 * `runwire server --runbooks DIR` on a port that is taken: it must say so and exit. It used to print
 * the error and then hang, because the runbooks directory's fs.watch handle was left open (and
 * `runwire start`, which falls back to a free port, kept that handle and never exited on Ctrl-C).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, tempDir } from '../engine/cli.js';
import { repoRoot } from '../../helpers/paths.js';

test('server on a taken port with --runbooks exits with the error instead of hanging', {
  timeout: 60_000,
}, async (t) => {
  const holder = createServer();
  await new Promise<void>((done) => holder.listen(0, '127.0.0.1', done));
  t.after(() => holder.close());
  const port = (holder.address() as { port: number }).port;
  const dir = await tempDir();
  const runbooks = join(dir, 'runbooks');
  await mkdir(runbooks);
  await copyFile(join(repoRoot, 'examples', 'slack-release.yaml'), join(runbooks, 'slack-release.yaml'));

  // runCli waits for the process to exit: on the old code this test ran into its timeout.
  const r = await runCli(dir, ['server', '--port', String(port), '--runbooks', runbooks, '--log-level', 'error']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`EADDRINUSE.*127\\.0\\.0\\.1:${port}`));
});
