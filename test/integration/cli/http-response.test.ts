/** A bad http response fails its task, never the run's process: through the real CLI against a local server. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runCli, runOf, task, tempDir, writeRunbook } from '../engine/cli.js';

test('a 20 KB deeply nested JSON response fails the http task with a clear error; the rest of the run finishes', {
  timeout: 60_000,
}, async () => {
  const depth = 10_000;
  const body = `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const dir = await tempDir();
    const file = await writeRunbook(dir, 'deep.json', {
      name: 'Deep',
      tasks: [
        { id: 'call', type: 'http', url: `${base}/deep` },
        { id: 'other', type: 'wait', duration: '50ms' },
      ],
    });
    const r = await runCli(dir, ['run', file, '--json']);
    assert.equal(r.code, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /call stack|RangeError|\n\s+at /);
    const run = runOf(r);
    assert.equal(run.status, 'failed');
    assert.equal(task(run, 'other').status, 'succeeded');
    assert.equal(task(run, 'call').status, 'failed');
    assert.equal(task(run, 'call').error?.code, 'runwire.http.too_deep');
    assert.match(task(run, 'call').error?.message ?? '', /nested more than 100 levels/);
  } finally {
    server.close();
  }
});
