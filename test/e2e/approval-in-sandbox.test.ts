/**
 * An approval on the sandbox page, in a real browser: a run of a runbook with a manual task asking in
 * Slack is driven by a real Runwire server; erin (a release manager) clicks Approve on its request
 * in #releases; the message changes in place (decision, who, no buttons), the run goes on to the end,
 * and its live board in the channel shows it succeeded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser } from '../helpers/browser.js';
import { ApprovalEnv } from '../integration/approvals/harness.js';

const RUNBOOK = `name: Release 42
notify:
  slack:
    channel: "#releases"
tasks:
  - id: smoke
    type: milestone
  - id: go
    name: Go / no-go
    type: manual
    depends_on: [smoke]
    slack:
      channel: "#releases"
      text: "*Go/no-go* for release 42?"
      approvers: ["@release-managers"]
  - id: cutover
    name: Cut over
    type: wait
    duration: 200ms
    depends_on: [go]
`;

test('clicking Approve on the sandbox page lets the run go on', { timeout: 600_000 }, async () => {
  const env = await ApprovalEnv.start();
  const browser = await launchBrowser();
  try {
    const runId = await env.start(RUNBOOK);
    const request = await env.request(runId, 'go');
    await env.waitTask(runId, 'go', 'waiting');
    const page = await browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${env.slack.sandbox.url}#${env.channelId('releases')}`);
    await page.selectOption('[data-testid=post-user]', env.userId('erin'));
    const approve = page.getByRole('button', { name: 'Approve' });
    await approve.waitFor({ timeout: 30_000 });
    await approve.click();
    await page.getByText(/Approved by @erin in Slack at 20\d\d-/).waitFor({ timeout: 60_000 });
    await env.waitRun(runId, 'succeeded');
    await page.getByText(/LIVE · Release 42 — succeeded · 3 of 3 done/).waitFor({ timeout: 60_000 });
    assert.equal(await page.getByRole('button', { name: 'Approve' }).count(), 0, 'no buttons left');
    const log = (await env.server.runtime.runtime.store.getEvents(runId)).map((e) => e.message);
    assert.ok(log.includes('Go / no-go: approved by @erin in Slack'), log.join('\n'));
    assert.equal(env.slack.sandbox.workspace.findMessage(env.channelId('releases'), request.ts)?.blocks?.length, 2);
    await page.screenshot({ path: '/tmp/runwire-approval-in-sandbox.png' });
    assert.deepEqual(pageErrors, []);
  } catch (err) {
    for (const p of browser.context.pages()) await p.screenshot({ path: '/tmp/runwire-approval-failed.png' });
    throw err;
  } finally {
    await browser.close();
    await env.close();
  }
});
