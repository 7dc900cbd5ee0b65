/**
 * The Slack message view names mentions as Slack does: `<@U…>` → @name and `<#C…>` → #name through
 * GET /api/connections/{name}/lookup, `<!here>` → @here, `<url|text>` → a link reading "text", and an
 * image block with an http(s) URL drawn as an image. Real server on the sandbox, real Chromium.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox } from '../../src/sandbox/server.js';
import { checkA11y, logIn, startWeb } from '../helpers/web.js';

// A 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

test('mentions, links and images in a Slack task are drawn with names', { timeout: 120_000 }, async (t) => {
  const images = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
  });
  await new Promise<void>((r) => images.listen(0, '127.0.0.1', r));
  t.after(() => images.close());
  const imageUrl = `http://127.0.0.1:${(images.address() as AddressInfo).port}/chart.png`;
  const sb = await startSandbox({ port: 0, rateLimits: false });
  t.after(() => sb.close());
  const web = await startWeb();
  t.after(() => web.close());
  const s = web.server;
  const admin = web.tokens.admin;
  const conn = await s.call('/api/connections', {
    method: 'POST',
    token: admin,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'default', token: sb.credentials.bot_token, slack_url: sb.url }),
  });
  assert.equal(conn.status, 201, conn.text);
  const alice = [...sb.workspace.users.values()].find((u) => u.name === 'alice')!;
  const releases = [...sb.workspace.channels.values()].find((c) => c.name === 'releases')!;
  const message = `<!here> <@${alice.id}> shipped it in <#${releases.id}>, see <https://example.com/notes|the notes>`;
  const blocks = [
    { type: 'section', text: { type: 'mrkdwn', text: message } },
    { type: 'image', image_url: imageUrl, alt_text: 'Latency chart' },
  ];
  const runbook = {
    name: 'Mentions',
    tasks: [{ id: 'say', type: 'slack.message', channel: '#releases', rehearsal: 'send', message, blocks }],
  };
  const put = await s.call('/api/runbooks/mentions', {
    method: 'PUT',
    token: admin,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(runbook),
  });
  assert.equal(put.status, 201, put.text);
  const run = await s.call('/api/runs', {
    method: 'POST',
    token: admin,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ runbook: 'mentions', mode: 'rehearsal' }),
  });
  assert.equal(run.status, 201, run.text);

  const page = await web.page();
  await logIn(page, s, web.tokens.viewer, `/runs/${run.body.id}/tasks/say`);
  const msg = page.getByTestId('task-detail').getByTestId('slack-message');
  await msg.locator('.mention', { hasText: '@alice' }).waitFor({ timeout: 30_000 });
  await msg.locator('.mention', { hasText: '#releases' }).waitFor();
  await msg.locator('.mention', { hasText: '@here' }).waitFor();
  assert.doesNotMatch(await msg.innerText(), new RegExp(`${alice.id}|${releases.id}`), 'ids are replaced by names');
  const link = msg.getByRole('link', { name: 'the notes' });
  assert.equal(await link.getAttribute('href'), 'https://example.com/notes');
  const img = msg.getByRole('img', { name: 'Latency chart' });
  assert.equal(await img.getAttribute('src'), imageUrl);
  await page.waitForFunction(
    "(() => { const i = document.querySelector('.sm-image'); return i && i.complete && i.naturalWidth === 1; })()",
  );
  await checkA11y(page, 'Slack message with mentions');
  assert.deepEqual(web.problems, []);
});
