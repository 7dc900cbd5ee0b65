/**
 * Buttons and slash commands on the sandbox page, in a real browser: a person clicks Approve on an
 * app's message, the app (a Bolt app over HTTP) gets the signed click and replaces the message
 * through its response_url, live on the page; a `/runwire` typed in the box reaches the app and its
 * ephemeral answer is shown only to that person.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import bolt from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { startSandbox } from '../../src/sandbox/server.js';
import { launchBrowser } from '../helpers/browser.js';

const { App, LogLevel } = bolt;

test('clicking a button and typing a slash command on the sandbox page reach the app', {
  timeout: 600_000,
}, async () => {
  const sb = await startSandbox({ rateLimits: false });
  const app = new App({
    token: sb.credentials.bot_token,
    signingSecret: sb.workspace.app.signing_secret,
    clientOptions: { slackApiUrl: sb.apiUrl },
    logLevel: LogLevel.ERROR,
  });
  app.action('approve', async ({ ack, body, respond }) => {
    await ack();
    await respond({ replace_original: true, text: `:white_check_mark: Approved by <@${body.user.id}>` });
  });
  app.command('/runwire', async ({ ack, command }) => {
    await ack({ text: `You asked for: ${command.text}` });
  });
  const server = (await app.start(0)) as Server;
  const browser = await launchBrowser();
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
    await fetch(`${sb.url}sandbox/app/interactivity`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ request_url: url, slash_commands: { '/runwire': url } }),
    });
    const ops = [...sb.workspace.channels.values()].find((c) => c.name === 'ops')!;
    const carol = [...sb.workspace.users.values()].find((u) => u.name === 'carol')!;
    const web = new WebClient(sb.credentials.bot_token, { slackApiUrl: sb.apiUrl });
    const posted = await web.chat.postMessage({
      channel: ops.id,
      text: 'Go/no-go for release 42?',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: '*Go/no-go* for release 42?' } },
        {
          type: 'actions',
          elements: [
            { type: 'button', action_id: 'approve', text: { type: 'plain_text', text: 'Approve' }, style: 'primary' },
            { type: 'button', action_id: 'reject', text: { type: 'plain_text', text: 'Reject' }, style: 'danger' },
          ],
        },
      ],
    });

    const page = await browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${sb.url}#${ops.id}`);
    await page.selectOption('[data-testid=post-user]', carol.id);
    const button = page.getByRole('button', { name: 'Approve' });
    await button.waitFor({ timeout: 30_000 });
    await button.click();
    await page.locator('[data-testid=message-text]', { hasText: 'Approved by @carol' }).waitFor({ timeout: 30_000 });
    assert.equal(await page.getByRole('button', { name: 'Approve' }).count(), 0, 'the buttons are gone');
    assert.match(sb.workspace.findMessage(ops.id, posted.ts!)!.text, new RegExp(`Approved by <@${carol.id}>`));

    await page.fill('[data-testid=post-text]', '/runwire status 42');
    await page.click('[data-testid=post-send]');
    const eph = page.locator('[data-testid=ephemeral]', { hasText: 'You asked for: status 42' });
    await eph.waitFor({ timeout: 30_000 });
    assert.match(await eph.innerText(), /only visible to you/i);
    assert.equal(
      sb.workspace.allMessages(ops.id).some((m) => m.text.includes('/runwire')),
      false,
      'a slash command is not posted as a message',
    );
    await page.screenshot({ path: '/tmp/runwire-sandbox-interactivity.png' });
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    await app.stop();
    await sb.close();
  }
});
