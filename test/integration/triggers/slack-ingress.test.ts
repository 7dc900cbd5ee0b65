/**
 * `slackIngress` on a real server (SQLite): the raw body is verified with the signing secret of the
 * connection the request names (api_app_id / team_id), for the three body kinds; a request without
 * a connection, with another connection's secret, stale or unsigned, is a 401 and `handle` never runs.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connectionsOver } from '../../../src/slack/connections/open.js';
import { slackIngress, type SlackIngressRequest } from '../../../src/server/slack/ingress.js';
import { signedHeaders } from '../../../src/sandbox/events/signature.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

let server: TestServer;
const handled: Array<{ path: string; connection: string; body: Record<string, unknown>; retryNum: number }> = [];

before(async () => {
  const record = (path: string) => async (r: SlackIngressRequest) => {
    handled.push({ path, connection: r.connection.name, body: r.body, retryNum: r.retryNum });
    return path === '/t/form' ? 'plain text' : { ok: true, via: r.connection.name };
  };
  server = await startTestServer('sqlite', {
    workers: 0,
    plugins: [
      (app) => {
        slackIngress(app, { path: '/t/json', parse: 'json', handle: record('/t/json') });
        slackIngress(app, { path: '/t/payload', parse: 'form-payload', handle: record('/t/payload') });
        slackIngress(app, { path: '/t/form', parse: 'form', handle: record('/t/form') });
      },
    ],
  });
  const { service } = connectionsOver(server.runtime.runtime.connectionStore, server.dataDir, {});
  await service.addToken({ name: 'ops', token: 'xoxb-1-ops', signingSecret: 'ops-secret' });
  await service.addToken({ name: 'eng', token: 'xoxb-1-eng', signingSecret: 'eng-secret' });
  await service.store.update('eng', (rec) => ({ ...rec, appId: 'A0ENG', teamId: 'T0ENG' }));
  await service.addToken({ name: 'nosecret', token: 'xoxb-1-none' });
  await service.store.update('nosecret', (rec) => ({ ...rec, appId: 'A0NONE', teamId: 'T0NONE' }));
});
after(() => server.close());

async function post(path: string, body: string, headers: Record<string, string>, type = 'application/json') {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': type, ...headers },
  });
  const text = await res.text();
  return { status: res.status, text, json: text.startsWith('{') ? JSON.parse(text) : undefined };
}
const signed = (secret: string, body: string, at = Date.now()) => ({ ...signedHeaders(secret, at, body) });

test('each body kind is verified with the secret of the connection it names, then handled', async () => {
  handled.length = 0;
  const json = JSON.stringify({ type: 'event_callback', api_app_id: 'A0ENG', team_id: 'T0ENG', event: {} });
  const r1 = await post('/t/json', json, { ...signed('eng-secret', json), 'x-slack-retry-num': '2' });
  assert.deepEqual([r1.status, r1.json], [200, { ok: true, via: 'eng' }]);
  const payload = `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', api_app_id: 'A0ENG', team: { id: 'T0ENG' } }))}`;
  const r2 = await post('/t/payload', payload, signed('eng-secret', payload), 'application/x-www-form-urlencoded');
  assert.deepEqual([r2.status, r2.json], [200, { ok: true, via: 'eng' }]);
  const form = 'command=%2Frunwire&text=runs&team_id=T0OPS&api_app_id=A0OPS';
  const r3 = await post('/t/form', form, signed('ops-secret', form), 'application/x-www-form-urlencoded');
  assert.deepEqual([r3.status, r3.text], [200, 'plain text']);
  assert.deepEqual(
    handled.map((h) => [h.path, h.connection, h.retryNum]),
    [
      ['/t/json', 'eng', 2],
      ['/t/payload', 'eng', 0],
      ['/t/form', 'ops', 0],
    ],
  );
  assert.equal(handled[1]?.body.type, 'block_actions');
  assert.equal(handled[2]?.body.text, 'runs');
});

test('a request without app or team (url_verification) is verified by any connection with a secret', async () => {
  const body = JSON.stringify({ type: 'url_verification', token: 'x', challenge: 'abc' });
  const r = await post('/t/json', body, signed('ops-secret', body));
  assert.deepEqual([r.status, r.json], [200, { ok: true, via: 'ops' }]);
});

test('fail closed: wrong secret, unknown or secretless app, stale, unsigned, tampered are 401 and not handled', async () => {
  handled.length = 0;
  const forEng = JSON.stringify({ api_app_id: 'A0ENG', team_id: 'T0ENG', event: {} });
  const forNone = JSON.stringify({ api_app_id: 'A0NONE', team_id: 'T0NONE', event: {} });
  const cases: Array<[string, Promise<{ status: number; json: { error: { code: string } } | undefined }>, string]> = [
    [
      "another connection's secret",
      post('/t/json', forEng, signed('ops-secret', forEng)),
      'runwire.slack.request.bad_signature',
    ],
    // Its app's connection has no secret; "ops" knows no app id (it may be that app), and its secret refuses it.
    [
      'a connection without a secret',
      post('/t/json', forNone, signed('any-secret', forNone)),
      'runwire.slack.request.bad_signature',
    ],
    [
      'stale',
      post('/t/json', forEng, signed('eng-secret', forEng, Date.now() - 6 * 60_000)),
      'runwire.slack.request.stale',
    ],
    ['unsigned', post('/t/json', forEng, {}), 'runwire.slack.request.missing_headers'],
    [
      'tampered',
      post('/t/json', forEng.replace('event', 'evenT'), signed('eng-secret', forEng)),
      'runwire.slack.request.bad_signature',
    ],
  ];
  for (const [what, res, code] of cases) {
    const r = await res;
    assert.equal(r.status, 401, what);
    assert.equal(r.json?.error.code, code, what);
  }
  assert.deepEqual(handled, []);
});

test('a signed body that is not what Slack sends is a 400 with a code, and not handled', async () => {
  handled.length = 0;
  const r = await post('/t/json', 'not json', signed('ops-secret', 'not json'));
  assert.equal(r.status, 400);
  assert.equal(r.json?.error.code, 'runwire.slack.request.bad_body');
  // Not signed: a 401 first, whatever the body.
  assert.equal((await post('/t/json', 'not json', {})).status, 401);
  assert.deepEqual(handled, []);
});

test('a secret rotated a moment ago verifies at once', async () => {
  const { service } = connectionsOver(server.runtime.runtime.connectionStore, server.dataDir, {});
  const body = JSON.stringify({ api_app_id: 'A0ENG', team_id: 'T0ENG', event: {} });
  assert.equal((await post('/t/json', body, signed('eng-secret', body))).status, 200);
  await service.update('eng', { signingSecret: 'eng-secret-2' });
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal((await post('/t/json', body, signed('eng-secret-2', body))).status, 200);
  assert.equal((await post('/t/json', body, signed('eng-secret', body))).status, 401);
});

test('with no connection that could be the app, the 401 says no connection has a secret', async () => {
  const lone = await startTestServer('sqlite', {
    workers: 0,
    plugins: [(app) => slackIngress(app, { path: '/t/json', parse: 'json', handle: async () => ({ ok: true }) })],
  });
  try {
    const body = JSON.stringify({ api_app_id: 'A0X', team_id: 'T0X', event: {} });
    const res = await fetch(`${lone.url}/t/json`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...signedHeaders('s', Date.now(), body) },
    });
    const json = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(res.status, 401);
    assert.equal(json.error.code, 'runwire.slack.request.unknown_app');
    assert.match(json.error.message, /app A0X in workspace T0X/);
  } finally {
    await lone.close();
  }
});
