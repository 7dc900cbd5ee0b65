/**
 * Connections over HTTP beyond create: `PATCH /api/connections/{name}` (the checks and errors of
 * `runwire connection update`, secrets write-only) and installing an OAuth app through the server —
 * the authorize URL, the sandbox's Slack-style redirect to `GET /oauth/slack/callback`, tokens stored
 * sealed, the browser sent to the UI page; a replayed, forged or expired state refused with a page and
 * nothing stored; Slack's `error=access_denied`; and a loopback redirect URL through the one-shot
 * listener run by the server. On SQLite and PostgreSQL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { signState, STATE_TTL_MS } from '../../../src/server/oauth/state.js';
import { type Backend, startTestServer, type TestServer } from '../../helpers/server.js';
import { freePort } from '../connections/cli-harness.js';

const json = (token: string, method: string, body?: unknown): RequestInit & { token: string } => ({
  method,
  token,
  ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
});

async function setup(backend: Backend, t: { after(fn: () => Promise<void> | void): void }) {
  const sb = await startSandbox({ port: 0 });
  t.after(() => sb.close());
  const s = await startTestServer(backend);
  t.after(() => s.close());
  const admin = (await s.runtime.tokens.create('admin', 'admin')).token;
  return { sb, s, admin };
}

async function addOAuthApp(s: TestServer, sb: Sandbox, admin: string, name: string, redirect: string) {
  const res = await s.call(
    '/api/connections',
    json(admin, 'POST', {
      name,
      client_id: sb.credentials.client_id,
      client_secret: sb.credentials.client_secret,
      redirect_url: redirect,
      slack_url: sb.url,
    }),
  );
  assert.equal(res.status, 201, res.text);
  return res.body;
}

/** Follow one redirect hop by hand (the browser's part), answering the response. */
const hop = (url: string) => fetch(url, { redirect: 'manual' });

for (const backend of ['sqlite', 'postgres'] as const) {
  test(`${backend}: PATCH changes what connection update changes; secrets write-only; errors as the CLI's`, async (t) => {
    const { sb, s, admin } = await setup(backend, t);
    const viewer = (await s.runtime.tokens.create('viewer', 'viewer')).token;
    assert.equal(
      (
        await s.call(
          '/api/connections',
          json(admin, 'POST', { name: 'bot', token: sb.credentials.bot_token, slack_url: sb.url }),
        )
      ).status,
      201,
    );
    const secret = 'signing0123456789abcdefsecret';
    const ok = await s.call('/api/connections/bot', json(admin, 'PATCH', { signing_secret: secret }));
    assert.equal(ok.status, 200, ok.text);
    assert.ok(ok.body.secrets_set.includes('signingSecret'));
    assert.ok(!ok.text.includes(secret) && !ok.text.includes(sb.credentials.bot_token), 'no secret is returned');

    const foreign = await s.call('/api/connections/bot', json(admin, 'PATCH', { client_secret: 'x' }));
    assert.equal(foreign.status, 422);
    assert.equal(foreign.body.error.code, 'runwire.http.invalid_request');
    assert.match(foreign.body.error.message, /bot_token connection: it has no client_secret/);
    assert.match(foreign.body.error.fix, /token, signing_secret, app_token, slack_url/);

    const before = (await s.call('/api/connections/bot', { token: admin })).body;
    const dead = await s.call('/api/connections/bot', json(admin, 'PATCH', { token: 'xoxb-0000-revoked-nope' }));
    assert.equal(dead.status, 422, dead.text);
    assert.equal(dead.body.error.code, 'runwire.slack.token_invalid');
    assert.ok(!dead.text.includes('xoxb-0000-revoked-nope'), 'the refused token is not echoed whole');
    assert.equal((await s.call('/api/connections/bot', { token: admin })).body.updated_at, before.updated_at);
    const test1 = await s.call('/api/connections/bot/test', json(admin, 'POST'));
    assert.equal(test1.body.ok, true, 'the old token is still the one stored');

    const otherKind = await s.call(
      '/api/connections/bot',
      json(admin, 'PATCH', { token: sb.credentials.user_token, verify: false }),
    );
    assert.equal(otherKind.status, 422);
    assert.equal(otherKind.body.error.code, 'runwire.slack.bad_token');

    const fresh = await s.call('/api/connections/bot', json(admin, 'PATCH', { token: sb.credentials.bot_token }));
    assert.equal(fresh.status, 200, fresh.text);
    assert.ok(fresh.body.verified_at > before.verified_at, 'a new token is verified');

    const badApp = await s.call('/api/connections/bot', json(admin, 'PATCH', { app_token: 'xoxb-not-app' }));
    assert.equal(badApp.status, 422);
    assert.equal(badApp.body.error.code, 'runwire.slack.bad_token');
    const badUrl = await s.call('/api/connections/bot', json(admin, 'PATCH', { slack_url: 'not a url' }));
    assert.equal(badUrl.status, 422, badUrl.text);
    const nothing = await s.call('/api/connections/bot', json(admin, 'PATCH', {}));
    assert.equal(nothing.status, 422);
    assert.match(nothing.body.error.message, /Nothing to change/);
    const unknownField = await s.call('/api/connections/bot', json(admin, 'PATCH', { colour: 'red' }));
    assert.equal(unknownField.status, 400);
    const missing = await s.call('/api/connections/nope', json(admin, 'PATCH', { slack_url: sb.url }));
    assert.equal(missing.status, 404);
    assert.equal((await s.call('/api/connections/bot', json(viewer, 'PATCH', { slack_url: sb.url }))).status, 403);

    await addOAuthApp(s, sb, admin, 'app', 'http://localhost:9999');
    const scopes = await s.call(
      '/api/connections/app',
      json(admin, 'PATCH', {
        scopes: ['chat:write', 'channels:read', 'reactions:write'],
        redirect_url: `${s.url}/oauth/slack/callback`,
      }),
    );
    assert.equal(scopes.status, 200, scopes.text);
    assert.deepEqual(scopes.body.requested_bot_scopes, ['chat:write', 'channels:read', 'reactions:write']);
    assert.equal(scopes.body.redirect_url, `${s.url}/oauth/slack/callback`);
    const badRedirect = await s.call('/api/connections/app', json(admin, 'PATCH', { redirect_url: 'ftp://x' }));
    assert.equal(badRedirect.status, 422, badRedirect.text);
    for (const text of s.seenBodies) {
      for (const v of [secret, sb.credentials.bot_token, sb.credentials.client_secret])
        assert.ok(!text.includes(v), `a secret leaked: ${text.slice(0, 200)}`);
    }
  });

  test(`${backend}: OAuth through the server: authorize, Slack's redirect to the callback, tokens stored, replay and forgery refused`, async (t) => {
    const { sb, s, admin } = await setup(backend, t);
    const callback = `${s.url}/oauth/slack/callback`;
    await addOAuthApp(s, sb, admin, 'ops', callback);

    const started = await s.call('/api/connections/ops/authenticate', json(admin, 'POST'));
    assert.equal(started.status, 200, started.text);
    assert.equal(started.body.via, 'server');
    const authorize = new URL(started.body.authorize_url);
    assert.equal(`${authorize.origin}${authorize.pathname}`, `${sb.url}oauth/v2/authorize`);
    assert.equal(authorize.searchParams.get('redirect_uri'), callback);
    assert.equal(authorize.searchParams.get('client_id'), sb.credentials.client_id);
    const state = authorize.searchParams.get('state')!;
    assert.match(state, /^v1\./);

    const toCallback = await hop(authorize.toString()); // the sandbox approves and redirects, as Slack does
    assert.equal(toCallback.status, 302);
    const back = toCallback.headers.get('location')!;
    assert.ok(back.startsWith(`${callback}?`), back);
    const done = await hop(back);
    assert.equal(done.status, 302, await done.clone().text());
    assert.equal(done.headers.get('location'), '/connections/ops?authenticated=1');

    const doctor = await s.call('/api/connections/ops/test', json(admin, 'POST'));
    assert.equal(doctor.body.ok, true, doctor.text);
    const rec = (await s.call('/api/connections/ops', { token: admin })).body;
    assert.ok(rec.secrets_set.includes('botToken'), JSON.stringify(rec));
    assert.equal(rec.team.id, sb.workspace.team.id);
    assert.ok(rec.granted_bot_scopes.includes('chat:write'));

    // The same redirect again (a replay): refused with a page, nothing changes.
    const replay = await hop(back);
    assert.equal(replay.status, 400);
    assert.match(replay.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await replay.text(), /already used/);
    assert.equal((await s.call('/api/connections/ops', { token: admin })).body.updated_at, rec.updated_at);

    // A second install: its state with one character of the MAC changed is refused before any look-up.
    const second = new URL((await s.call('/api/connections/ops/authenticate', json(admin, 'POST'))).body.authorize_url);
    const good = second.searchParams.get('state')!;
    const forged = `${good.slice(0, -1)}${good.endsWith('A') ? 'B' : 'A'}`;
    const code = new URL((await hop(second.toString())).headers.get('location')!).searchParams.get('code')!;
    const forgedRes = await hop(`${callback}?code=${code}&state=${encodeURIComponent(forged)}`);
    assert.equal(forgedRes.status, 400);
    assert.match(await forgedRes.text(), /not issued by this Runwire/);
    for (const bad of ['', 'x', 'v1.b3Bz.zz.nonce.mac']) {
      const r = await hop(`${callback}?code=${code}&state=${encodeURIComponent(bad)}`);
      assert.equal(r.status, 400, bad);
    }
    assert.equal((await s.call('/api/connections/ops', { token: admin })).body.updated_at, rec.updated_at);
    // A state signed with another app's secret does not pass either.
    const alien = signState('ops', Date.now() + STATE_TTL_MS, 'another-apps-client-secret');
    assert.equal((await hop(`${callback}?code=${code}&state=${alien}`)).status, 400);

    // Expired: a state signed right and issued, but past its time.
    const old = signState('ops', Date.now() - 1000, sb.credentials.client_secret);
    await s.runtime.oauthStates.issue(old, {
      connection: 'ops',
      redirectUrl: callback,
      createdBy: 'test',
      expiresAt: Date.now() - 1000,
    });
    const expired = await hop(`${callback}?code=${code}&state=${encodeURIComponent(old)}`);
    assert.equal(expired.status, 400);
    assert.match(await expired.text(), /older than 10 minutes/);
    assert.equal((await s.call('/api/connections/ops', { token: admin })).body.updated_at, rec.updated_at);

    // The good state still works once (the refusals above did not use it up).
    const ok2 = await hop(`${callback}?code=${code}&state=${encodeURIComponent(good)}`);
    assert.equal(ok2.headers.get('location'), '/connections/ops?authenticated=1');

    // The person clicks Deny: Slack redirects with error=access_denied and the state.
    const third = new URL((await s.call('/api/connections/ops/authenticate', json(admin, 'POST'))).body.authorize_url);
    const denied = await hop(
      `${callback}?error=access_denied&state=${encodeURIComponent(third.searchParams.get('state')!)}`,
    );
    assert.equal(denied.status, 302);
    assert.equal(denied.headers.get('location'), '/connections/ops?error=runwire.slack.oauth.access_denied');

    // A code Slack does not take: the browser learns the code of the error.
    const fourth = new URL((await s.call('/api/connections/ops/authenticate', json(admin, 'POST'))).body.authorize_url);
    const bogus = await hop(`${callback}?code=bogus&state=${encodeURIComponent(fourth.searchParams.get('state')!)}`);
    assert.equal(bogus.headers.get('location'), '/connections/ops?error=runwire.slack.oauth.invalid_code');

    // Not an OAuth app; a redirect URL elsewhere.
    await s.call(
      '/api/connections',
      json(admin, 'POST', { name: 'bot', token: sb.credentials.bot_token, slack_url: sb.url }),
    );
    const notApp = await s.call('/api/connections/bot/authenticate', json(admin, 'POST'));
    assert.equal(notApp.status, 409);
    assert.equal(notApp.body.error.code, 'runwire.slack.not_oauth_app');
    await addOAuthApp(s, sb, admin, 'far', 'https://runwire.example.com/elsewhere');
    const far = await s.call('/api/connections/far/authenticate', json(admin, 'POST'));
    assert.equal(far.status, 409);
    assert.equal(far.body.error.code, 'runwire.slack.oauth.redirect_elsewhere');
    assert.ok(far.body.error.fix.includes(`${s.url}/oauth/slack/callback`), far.body.error.fix);
    for (const text of [...s.seenBodies, ...s.logLines])
      assert.ok(!text.includes(sb.credentials.client_secret), `the client secret leaked: ${text.slice(0, 200)}`);
  });
}

test('a loopback redirect URL: the server runs the one-shot listener, which sends the browser to the UI', async (t) => {
  const { sb, s, admin } = await setup('sqlite', t);
  const redirect = `http://127.0.0.1:${await freePort()}/callback`;
  await addOAuthApp(s, sb, admin, 'cli', redirect);
  const started = await s.call('/api/connections/cli/authenticate', json(admin, 'POST'));
  assert.equal(started.status, 200, started.text);
  assert.equal(started.body.via, 'local_listener');
  const toListener = await hop(started.body.authorize_url);
  assert.ok(toListener.headers.get('location')!.startsWith(`${redirect}?`));
  const done = await hop(toListener.headers.get('location')!);
  assert.equal(done.status, 302);
  assert.equal(done.headers.get('location'), `${s.url}/connections/cli?authenticated=1`);
  const rec = (await s.call('/api/connections/cli', { token: admin })).body;
  assert.ok(rec.secrets_set.includes('botToken'), JSON.stringify(rec));

  // A second request replaces the first wait (the port is free again), and shutdown ends the wait.
  const a = await s.call('/api/connections/cli/authenticate', json(admin, 'POST'));
  const b = await s.call('/api/connections/cli/authenticate', json(admin, 'POST'));
  assert.equal(a.status, 200);
  assert.equal(b.status, 200, b.text);
});
