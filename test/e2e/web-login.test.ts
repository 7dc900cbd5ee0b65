/**
 * The web UI's front door in a real browser against a real server: the built app is served at `/`
 * with cache headers (hashed assets immutable, index.html no-cache, client routes fall back to the
 * app, API paths never do); a bad token is refused with the reason; a good one logs in, the user
 * and role are shown, log out returns to the login page and the session no longer works.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkA11y, logIn, screenshot, startWeb } from '../helpers/web.js';

test('the UI is served with cache headers, and a client route falls back to the app but /api never does', async (t) => {
  const web = await startWeb();
  t.after(() => web.close());
  const s = web.server;
  const index = await s.call('/');
  assert.equal(index.status, 200);
  assert.equal(index.headers.get('cache-control'), 'no-cache');
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec(index.text)?.[1];
  assert.ok(asset, `index.html names a hashed script: ${index.text}`);
  const js = await s.call(asset);
  assert.equal(js.status, 200);
  assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.match(js.headers.get('content-type') ?? '', /javascript/);
  const deep = await s.call('/runs/run_123/tasks/x');
  assert.equal(deep.status, 200);
  assert.equal(deep.text, index.text, 'a client route gets the app');
  for (const path of ['/api/nope', '/slack/nope', '/oauth/nope', '/assets/missing.js']) {
    const r = await s.call(path);
    assert.equal(r.status, 404, path);
    assert.equal(r.body.error.code, 'runwire.http.not_found', path);
  }
});

test('log in with a token, see who you are, log out', { timeout: 120_000 }, async (t) => {
  const web = await startWeb();
  t.after(() => web.close());
  const page = await web.page();
  await page.goto(`${web.server.url}/`);
  await page.getByRole('heading', { name: 'Log in' }).waitFor();
  await checkA11y(page, 'login');
  await screenshot(page, 'login');

  await page.getByLabel('API token').fill('rwt_not-a-real-token');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('alert').filter({ hasText: 'not a valid API token' }).waitFor();
  // The refused login's 401 is the one console line a browser writes on purpose here.
  assert.deepEqual(
    web.problems.splice(0).map((p) => p.includes('401')),
    [true],
  );

  await logIn(page, web.server, web.tokens.operator);
  assert.equal(await page.getByTestId('role').innerText(), 'operator');
  assert.match(await page.getByTestId('who').innerText(), /operator-person/);
  const cookies = await web.browser.context.cookies();
  const session = cookies.find((c) => c.name === 'runwire_session');
  assert.ok(session?.httpOnly, 'the session cookie is HttpOnly');
  assert.ok(!(await page.content()).includes(web.tokens.operator), 'the token is not kept in the page');

  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByRole('heading', { name: 'Log in' }).waitFor();
  const after = await web.server.call('/api/session', { headers: { cookie: `runwire_session=${session!.value}` } });
  assert.equal(after.status, 401, 'the session is closed on the server');
  assert.deepEqual(web.problems, []);
});
