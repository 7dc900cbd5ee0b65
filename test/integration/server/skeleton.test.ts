/** The server's skeleton over real HTTP: health, request ids, 404s as JSON errors, OpenAPI and docs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../../helpers/server.js';

test('health, request ids, unknown routes and the docs', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());

  const health = await s.call('/api/health');
  assert.equal(health.status, 200);
  assert.deepEqual(Object.keys(health.body).sort(), ['database', 'socket_mode', 'status', 'version', 'workers']);
  assert.equal(health.body.status, 'ok');
  assert.deepEqual(health.body.database, { kind: 'sqlite', ok: true });
  assert.equal(health.body.workers.length, 1, 'the embedded worker');
  assert.equal(health.body.workers[0].in_this_server, true);
  assert.equal(health.body.workers[0].pid, undefined, 'no host or pid for an anonymous caller');
  assert.equal(health.body.workers[0].host, undefined);
  const viewer = (await s.runtime.tokens.create('viewer', 'probe')).token;
  const known = await s.call('/api/health', { token: viewer });
  assert.equal(known.body.workers[0].pid, process.pid, 'a caller with a token sees where workers run');
  const forged = await s.call('/api/health', { token: 'rw_not_a_token' });
  assert.equal(forged.status, 200);
  assert.equal(forged.body.workers[0].pid, undefined, 'a bad token is anonymous, not an error');
  assert.match(health.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);

  const echoed = await s.call('/api/health', { headers: { 'x-request-id': 'trace-42' } });
  assert.equal(echoed.headers.get('x-request-id'), 'trace-42');
  assert.ok(
    s.logLines.some((l) => JSON.parse(l).reqId === 'trace-42'),
    'the request id is in the log',
  );

  const missing = await s.call('/api/nothing-here');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'runwire.http.not_found');
  assert.equal(typeof missing.body.error.message, 'string');

  const doc = await s.call('/api/openapi.json');
  assert.equal(doc.status, 200);
  assert.equal(doc.body.openapi, '3.1.0');
  assert.ok(doc.body.paths['/api/health'].get);

  const docs = await s.call('/api/docs/');
  assert.equal(docs.status, 200);
  assert.match(docs.text, /swagger/i);
});

test('close drains: the port stops answering and close can be called twice', async () => {
  const s = await startTestServer();
  assert.equal((await s.call('/api/health')).status, 200);
  await s.close();
  await s.close();
  await assert.rejects(fetch(`${s.url}/api/health`));
});
