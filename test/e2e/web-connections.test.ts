/**
 * Manage Connections in a real browser against a real server and the Slack sandbox: an admin adds a
 * Slack app through the three tabs (Main settings, Authentication, Extra settings), presses
 * Authenticate, goes through the sandbox's install page and comes back to the connection page with
 * the result; Test connection; edit (fewer scopes, authenticate again) until the test names the
 * missing scope with its fix; an incoming webhook is added and removed. Secrets are password inputs
 * and never come back to the page. A viewer sees no Add, Test or Remove. axe-core on every screen.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox } from '../../src/sandbox/server.js';
import { checkA11y, logIn, screenshot, startWeb } from '../helpers/web.js';

test('an admin adds a Slack app through the three tabs and authenticates it against the sandbox', {
  timeout: 180_000,
}, async (t) => {
  const sb = await startSandbox({ port: 0, rateLimits: false });
  t.after(() => sb.close());
  const web = await startWeb();
  t.after(() => web.close());
  const s = web.server;
  const page = await web.page();
  await logIn(page, s, web.tokens.admin, '/connections');
  await page.getByRole('heading', { name: 'Connections' }).waitFor();
  await page.getByText('No connections yet').waitFor();
  await page.getByRole('link', { name: 'Add Slack' }).click();

  // Main settings.
  await page.getByRole('tab', { name: 'Main settings' }).waitFor();
  assert.equal(await page.getByRole('tab', { selected: true }).innerText(), 'Main settings');
  await page.getByLabel('Name').fill('ops');
  await page.getByLabel('Description').fill('Release announcements');
  await page.getByLabel('Slack URL').fill(sb.url);
  await checkA11y(page, 'add slack: main settings');
  await screenshot(page, 'connection-add-main');

  // Authentication: client id and secret (a password input), Setup application's link.
  await page.getByRole('tab', { name: 'Authentication' }).click();
  await page.getByLabel('Client Id').fill(sb.credentials.client_id);
  const secret = page.getByLabel('Client secret');
  assert.equal(await secret.getAttribute('type'), 'password');
  await secret.fill(sb.credentials.client_secret);
  await checkA11y(page, 'add slack: authentication');
  await screenshot(page, 'connection-add-authentication');

  // Extra settings: the seed's recommended redirect URL is the default; this server's callback is chosen.
  await page.getByRole('tab', { name: 'Extra settings' }).click();
  assert.equal(await page.getByLabel('Redirect Url', { exact: true }).inputValue(), 'http://localhost:9999');
  assert.match(await page.getByLabel('Bot scopes').inputValue(), /chat:write chat:write\.public/);
  await page.getByLabel(/This server:/).check();
  const callback = `${s.url}/oauth/slack/callback`;
  assert.equal(await page.getByLabel('Redirect Url', { exact: true }).inputValue(), callback);
  await page.getByLabel('Signing secret').fill(sb.credentials.signing_secret);
  await checkA11y(page, 'add slack: extra settings');
  await screenshot(page, 'connection-add-extra');

  await page.getByRole('tab', { name: 'Authentication' }).click();
  const setup = new URL((await page.getByTestId('setup-app').getAttribute('href'))!);
  const manifest = JSON.parse(setup.searchParams.get('manifest_json')!);
  assert.deepEqual(manifest.oauth_config.redirect_urls, [callback]);
  assert.ok(manifest.oauth_config.scopes.bot.includes('chat:write.public'));

  // Authenticate: saved, Slack's (the sandbox's) install page, back to the connection page with the result.
  await page.getByRole('button', { name: 'Authenticate' }).click();
  await page.waitForURL(`${s.url}/connections/ops?authenticated=1`, { timeout: 30_000 });
  await page.getByTestId('auth-outcome').filter({ hasText: 'Authenticated' }).waitFor();
  await page.getByTestId('workspace').filter({ hasText: sb.workspace.team.id }).waitFor();
  await page.getByTestId('connection-facts').getByText('Release announcements').waitFor();
  assert.match(await page.getByTestId('granted').innerText(), /chat:write\.public/);
  await page.getByRole('button', { name: 'Test connection' }).click();
  await page.getByTestId('test-result').filter({ hasText: 'OK' }).waitFor({ timeout: 30_000 });
  await checkA11y(page, 'connection');
  await screenshot(page, 'connection');

  // Edit: ask for fewer scopes, authenticate again; the test names what is missing and the fix.
  await page.getByRole('link', { name: 'Edit' }).click();
  await page.getByRole('tab', { name: 'Authentication' }).click();
  assert.equal(await page.getByLabel('Client secret').inputValue(), '', 'a stored secret is never shown');
  assert.match((await page.getByLabel('Client secret').getAttribute('placeholder')) ?? '', /set/);
  await page.getByRole('tab', { name: 'Extra settings' }).click();
  await page.getByLabel('Bot scopes').fill('chat:write channels:read');
  await page.getByRole('tab', { name: 'Main settings' }).click();
  assert.equal(await page.getByLabel('Description').inputValue(), 'Release announcements');
  await page.getByLabel('Description').fill('Release announcements (ops)');
  await checkA11y(page, 'edit connection');
  await page.getByRole('tab', { name: 'Authentication' }).click();
  await page.getByRole('button', { name: 'Authenticate' }).click();
  await page.waitForURL(`${s.url}/connections/ops?authenticated=1`, { timeout: 30_000 });
  await page.getByTestId('connection-facts').getByText('Release announcements (ops)').waitFor();
  await page.getByRole('button', { name: 'Test connection' }).click();
  const missing = page.getByTestId('findings').locator('li[data-missing="chat:write.public"]');
  await missing.waitFor({ timeout: 30_000 });
  assert.match(await missing.innerText(), /Fix: /);
  await screenshot(page, 'connection-missing-scope');

  // An incoming webhook: added, listed, removed.
  const general = [...sb.workspace.channels.values()].find((c) => c.name === 'general')!;
  const hook = sb.workspace.addWebhook(general.id);
  const hookUrl = `${sb.url}services/${sb.workspace.team.id}/${hook.id}/${hook.secret}`;
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connections' }).click();
  await page.getByRole('link', { name: 'Add incoming webhook' }).click();
  await page.getByLabel('Name').fill('hook');
  await page.getByLabel('Webhook URL').fill(hookUrl);
  await checkA11y(page, 'add webhook');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('heading', { name: 'hook' }).waitFor();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connections' }).click();
  const list = page.getByTestId('connection-list');
  await list.locator('tr[data-connection=hook]').getByText('Incoming webhook').waitFor();
  await list.locator('tr[data-connection=ops]').getByText('Slack app (OAuth)').waitFor();
  await checkA11y(page, 'connections');
  await screenshot(page, 'connections');
  const html = await page.content();
  for (const v of [sb.credentials.client_secret, sb.credentials.signing_secret, hook.secret])
    assert.ok(!html.includes(v), 'no secret reaches the page');
  await list.getByRole('link', { name: 'hook' }).click();
  await page.getByRole('button', { name: 'Remove' }).click();
  await page.getByRole('button', { name: 'Yes, remove' }).click();
  await page.getByRole('heading', { name: 'Connections' }).waitFor();
  await list.locator('tr[data-connection=ops]').waitFor();
  assert.equal(await list.locator('tr[data-connection=hook]').count(), 0);
  assert.equal((await s.call('/api/connections/hook', { token: web.tokens.admin })).status, 404);
  for (const text of s.seenBodies) assert.ok(!text.includes(sb.credentials.client_secret));

  // A viewer sees the list but none of the admin's buttons.
  await page.getByRole('button', { name: 'Log out' }).click();
  await logIn(page, s, web.tokens.viewer, '/connections');
  await list.locator('tr[data-connection=ops]').waitFor();
  assert.equal(await page.getByRole('link', { name: /Add/ }).count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Test connection' }).count(), 0);
  await page.goto(`${s.url}/triggers`);
  await page.getByRole('heading', { name: 'Triggers' }).waitFor();
  await page.getByText('No runbook declares triggers').waitFor();
  await checkA11y(page, 'triggers (none)');
  assert.deepEqual(web.problems, []);
});
