/**
 * API tokens and roles over real HTTP: the CLI creates tokens (printed once, stored hashed), every
 * route × role answers 401/403/2xx, sessions are HttpOnly SameSite=Strict cookies whose changes must
 * carry the server's Origin, and a revoked token stops working (at once through this server, within
 * `TOKEN_CACHE_MS` when another process revokes it; token-cache.test.ts pins both with a clock).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { cliBin } from '../../helpers/paths.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { checkRoleTable, type RoleName, type RouteCase } from '../../helpers/roles.js';
import { TOKEN_CACHE_MS } from '../../../src/server/store/token-store.js';

const run = promisify(execFile);

async function tokensOf(s: TestServer): Promise<Record<RoleName, string>> {
  const out = {} as Record<RoleName, string>;
  for (const role of ['viewer', 'operator', 'admin'] as const) {
    out[role] = (await s.runtime.tokens.create(role, `t-${role}`)).token;
  }
  return out;
}

test('runwire token create prints the token once and stores only its hash', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const { stdout } = await run(process.execPath, [
    cliBin,
    '--data-dir',
    s.dataDir,
    'token',
    'create',
    '--role',
    'operator',
    '--name',
    'ci',
    '--json',
  ]);
  const created = JSON.parse(stdout);
  assert.match(created.token, /^rwt_[A-Za-z0-9_-]{43}$/);
  assert.equal(created.role, 'operator');
  const who = await s.call('/api/session', { token: created.token });
  assert.deepEqual(who.body, { name: 'ci', role: 'operator' });

  const db = new Database(join(s.dataDir, 'runwire.db'), { readonly: true });
  const dump = JSON.stringify(db.prepare('SELECT * FROM api_tokens').all());
  db.close();
  assert.ok(!dump.includes(created.token), 'the token is not stored');
  assert.ok(!dump.includes(created.token.slice(4)), 'not even without its prefix');

  const list = await run(process.execPath, [cliBin, '--data-dir', s.dataDir, 'token', 'list', '--json']);
  assert.ok(!list.stdout.includes(created.token));
  assert.deepEqual(
    JSON.parse(list.stdout).map((x: { name: string }) => x.name),
    ['ci'],
  );
  const dup = await run(process.execPath, [
    cliBin,
    '--data-dir',
    s.dataDir,
    'token',
    'create',
    '--role',
    'admin',
    '--name',
    'ci',
  ]).catch((e) => e);
  assert.equal(dup.code, 1);
  assert.match(dup.stderr, /A token named "ci" exists/);

  await run(process.execPath, [cliBin, '--data-dir', s.dataDir, 'token', 'revoke', 'ci']);
  // Revoked by another process: the server stops taking it once its cached lookup ends (TOKEN_CACHE_MS).
  let status = 0;
  for (let i = 0; i < 100 && status !== 401; i++) {
    status = (await s.call('/api/session', { token: created.token })).status;
    if (status !== 401) await new Promise((r) => setTimeout(r, TOKEN_CACHE_MS / 10));
  }
  assert.equal(status, 401);
});

/** The auth routes' rows of the route × role table. */
export const authCases: RouteCase[] = [
  { method: 'GET', route: '/api/session', need: 'viewer', ok: 200, request: async () => ({ path: '/api/session' }) },
  { method: 'GET', route: '/api/tokens', need: 'admin', ok: 200, request: async () => ({ path: '/api/tokens' }) },
  {
    method: 'POST',
    route: '/api/tokens',
    need: 'admin',
    ok: 201,
    request: async () => ({ path: '/api/tokens', body: { role: 'viewer' } }),
  },
  {
    method: 'DELETE',
    route: '/api/tokens/:name',
    need: 'admin',
    ok: 204,
    request: async (s) => ({ path: `/api/tokens/${(await s.runtime.tokens.create('viewer')).info.name}` }),
  },
];

for (const backend of ['sqlite', 'postgres'] as const) {
  test(`auth routes × roles on ${backend}: 401 without or with a bad token, 403 below the role, 2xx from it`, async (t) => {
    const s = await startTestServer(backend);
    t.after(() => s.close());
    await checkRoleTable(s, await tokensOf(s), authCases);
  });
}

test('session cookie: HttpOnly, SameSite=Strict; changes need the own Origin; logout ends it', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const tokens = await tokensOf(s);
  const bad = await s.call('/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: 'rwt_nope' }),
  });
  assert.equal(bad.status, 401);
  const login = await s.call('/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: tokens.admin }),
  });
  assert.equal(login.status, 200);
  assert.deepEqual(login.body, { name: 't-admin', role: 'admin' });
  const setCookie = login.headers.get('set-cookie') ?? '';
  assert.match(setCookie, /^runwire_session=rws_[A-Za-z0-9_-]+;/);
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Strict/);
  assert.ok(!setCookie.includes(tokens.admin), 'the cookie is not the token');
  const cookie = setCookie.split(';')[0]!;

  assert.deepEqual((await s.call('/api/session', { headers: { cookie } })).body, { name: 't-admin', role: 'admin' });
  // The page's probe answers 200 either way: the session, or null without one.
  assert.deepEqual((await s.call('/api/session/current', { headers: { cookie } })).body, {
    session: { name: 't-admin', role: 'admin' },
  });
  const nobody = await s.call('/api/session/current');
  assert.equal(nobody.status, 200);
  assert.deepEqual(nobody.body, { session: null });
  // A change riding on the cookie: refused without an Origin and from another one, allowed from our own.
  const change = (origin?: string) =>
    s.call('/api/tokens', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', ...(origin ? { origin } : {}) },
      body: JSON.stringify({ role: 'viewer' }),
    });
  const noOrigin = await change();
  assert.equal(noOrigin.status, 403);
  assert.equal(noOrigin.body.error.code, 'runwire.auth.bad_origin');
  assert.equal((await change('https://evil.example')).status, 403);
  assert.equal((await change(s.url)).status, 201);

  const out = await s.call('/api/session', { method: 'DELETE', headers: { cookie, origin: s.url } });
  assert.equal(out.status, 204);
  assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0/);
  assert.equal((await s.call('/api/session', { headers: { cookie } })).status, 401);
  assert.deepEqual((await s.call('/api/session/current', { headers: { cookie } })).body, { session: null });
});

test('a malformed body is a 400 with a message, never a 500', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const tokens = await tokensOf(s);
  for (const body of ['{', '{"role": ', 'null', '[1,2]', '"x"']) {
    const res = await s.call('/api/tokens', {
      method: 'POST',
      token: tokens.admin,
      headers: { 'content-type': 'application/json' },
      body,
    });
    assert.equal(res.status, 400, `${body}: ${res.text}`);
    assert.match(res.body.error.code, /^runwire\.http\./);
    assert.ok(!/at .*\.js:\d+/.test(res.text), 'no stack trace');
  }
  const extra = await s.call('/api/tokens', {
    method: 'POST',
    token: tokens.admin,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'root' }),
  });
  assert.equal(extra.status, 400);
  assert.match(extra.body.error.message, /role/);
  const wrongType = await s.call('/api/tokens', {
    method: 'POST',
    token: tokens.admin,
    headers: { 'content-type': 'application/xml' },
    body: '<x/>',
  });
  assert.equal(wrongType.status, 415);
  const huge = await s.call('/api/tokens', {
    method: 'POST',
    token: tokens.admin,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'viewer', pad: 'x'.repeat(6 * 1024 * 1024) }),
  });
  assert.equal(huge.status, 413);
  assert.equal(huge.body.error.code, 'runwire.http.body_too_large');
});

test('a one-time login link sets the session cookie once, then is refused', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const { info } = await s.runtime.tokens.create('admin', 'starter');
  const code = s.links.create(info.name);
  const first = await fetch(`${s.url}/login?code=${code}`, { redirect: 'manual' });
  assert.equal(first.status, 303);
  assert.equal(first.headers.get('location'), '/');
  const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0]!;
  assert.match(cookie, /^runwire_session=rws_/);
  assert.deepEqual((await s.call('/api/session', { headers: { cookie } })).body, { name: 'starter', role: 'admin' });
  const again = await fetch(`${s.url}/login?code=${code}`, { redirect: 'manual' });
  assert.equal(again.status, 401);
  assert.ok(!s.logLines.some((l) => l.includes(code)), 'the code is not logged');
  const home = await s.call('/');
  assert.equal(home.status, 200);
  assert.match(home.headers.get('content-type') ?? '', /^text\/html/);
});
