/**
 * GET /api/connections/{name}/lookup: user and channel ids → names through the connection's token
 * against the Slack sandbox (users.info, conversations.info), cached server-side, readable by a
 * viewer, never a secret in the answer; bad ids are a 400 with a code and a fix, an unknown
 * connection a 404.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox } from '../../../src/sandbox/server.js';
import { startTestServer } from '../../helpers/server.js';

test('lookup names users and channels for a viewer, caches them, refuses bad ids', async (t) => {
  const sb = await startSandbox({ port: 0, rateLimits: false });
  t.after(() => sb.close());
  const s = await startTestServer();
  t.after(() => s.close());
  const admin = (await s.runtime.tokens.create('admin', 'root')).token;
  const viewer = (await s.runtime.tokens.create('viewer', 'vic')).token;
  const conn = await s.call('/api/connections', {
    method: 'POST',
    token: admin,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'default', token: sb.credentials.bot_token, slack_url: sb.url }),
  });
  assert.equal(conn.status, 201, conn.text);
  const alice = [...sb.workspace.users.values()].find((u) => u.name === 'alice')!;
  const releases = [...sb.workspace.channels.values()].find((c) => c.name === 'releases')!;

  const path = `/api/connections/default/lookup?users=${alice.id},UNOBODY01&channels=${releases.id},CNOWHERE1`;
  const r = await s.call(path, { token: viewer });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body, {
    users: { [alice.id]: 'alice', UNOBODY01: null },
    channels: { [releases.id]: 'releases', CNOWHERE1: null },
  });
  assert.doesNotMatch(r.text, /xox[bp]-/, 'no token in the answer');

  // Cached: a rename in the workspace is not asked again within the cache's life.
  (alice as { name: string }).name = 'alice-renamed';
  const again = await s.call(path, { token: viewer });
  assert.equal(again.body.users[alice.id], 'alice');

  const bad = await s.call('/api/connections/default/lookup?users=alice', { token: viewer });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'runwire.http.invalid_request');
  assert.match(bad.body.error.fix, /user ids/);
  const many = Array.from({ length: 51 }, (_, i) => `U${String(i).padStart(4, '0')}`).join(',');
  const tooMany = await s.call(`/api/connections/default/lookup?users=${many}`, { token: viewer });
  assert.equal(tooMany.status, 400);
  const missing = await s.call('/api/connections/nope/lookup?users=U0001', { token: viewer });
  assert.equal(missing.status, 404);
  assert.equal((await s.call(path)).status, 401, 'not without a token');
});
