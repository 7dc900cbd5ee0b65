/**
 * Every page on a phone-sized screen (390 × 844): nothing wider than the screen, so the page never
 * scrolls sideways (wide tables and code scroll inside their own box). Real server on the Slack
 * sandbox, a finished rehearsal with a Slack task, a connection and a trigger, real Chromium.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startSandbox } from '../../src/sandbox/server.js';
import { checkA11y, logIn, screenshot, startWeb } from '../helpers/web.js';

const RUNBOOK = `name: Phone check with a rather long runbook name that has to wrap somewhere
description: A runbook whose texts are long enough to push a narrow layout past its edge if it can.
vars:
  release: "42"
triggers:
  - id: on-request-from-the-releases-channel
    type: slack.message
    channel: "#releases"
    match: '^release (?<release>\\d+) please deploy it to every production region now$'
    vars: { release: "{{trigger.match.release}}" }
tasks:
  - id: kickoff-of-the-release-with-a-long-identifier
    name: Kick off release {{vars.release}}
    type: milestone
  - id: announce
    name: Announce the release
    type: slack.message
    depends_on: [kickoff-of-the-release-with-a-long-identifier]
    channel: "#releases"
    rehearsal: send
    message: "*Release {{vars.release}}* is rolling out: https://example.com/releases/2026/12/02/a-very-long-path-that-does-not-break-naturally?with=query&and=more :rocket:"
`;

/** How far the page is wider than the screen, and the widest elements that stick out (for the message). */
async function overflow(page: Page): Promise<{ px: number; culprits: string[] }> {
  // A string: the test build has no DOM types; this runs in the page.
  return page.evaluate(`(() => {
    const w = window.innerWidth;
    const px = document.documentElement.scrollWidth - w;
    const clipped = (el) => {
      for (let p = el.parentElement; p; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') return true;
      }
      return false;
    };
    const culprits = [...document.body.querySelectorAll('*')]
      .filter((el) => el.getBoundingClientRect().right > w + 0.5 && !clipped(el))
      .slice(0, 6)
      .map((el) => el.tagName.toLowerCase() + '.' + [...el.classList].join('.') + ' right=' + Math.round(el.getBoundingClientRect().right));
    return { px, culprits };
  })()`) as Promise<{ px: number; culprits: string[] }>;
}

async function fits(page: Page, label: string): Promise<void> {
  const o = await overflow(page);
  assert.ok(o.px <= 0, `${label}: ${o.px}px wider than a 390px screen; sticking out: ${o.culprits.join(', ')}`);
}

test('every page fits a 390px-wide phone screen without sideways scrolling', { timeout: 180_000 }, async (t) => {
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
  const put = await s.call('/api/runbooks/phone', {
    method: 'PUT',
    token: admin,
    headers: { 'content-type': 'application/yaml' },
    body: RUNBOOK,
  });
  assert.equal(put.status, 201, put.text);
  const started = await s.call('/api/runs', {
    method: 'POST',
    token: admin,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ runbook: 'phone', mode: 'rehearsal' }),
  });
  assert.equal(started.status, 201, started.text);
  const runId = started.body.id as string;

  const page = await web.page({ width: 390, height: 844 });
  await page.goto(s.url);
  await page.getByLabel('API token').waitFor();
  await fits(page, 'login');
  await screenshot(page, 'login-phone');
  await logIn(page, s, admin, '/runbooks');
  await page.getByRole('link', { name: /Phone check/ }).waitFor();
  await fits(page, 'runbooks');

  await page.goto(`${s.url}/runbooks/phone`);
  await page.getByTestId('task-graph').locator('.react-flow__node').first().waitFor();
  await page.getByTestId('source').waitFor();
  await fits(page, 'runbook');
  await screenshot(page, 'runbook-phone');

  await page.goto(`${s.url}/runs/${runId}`);
  await page.getByTestId('progress').filter({ hasText: '2 of 2' }).waitFor({ timeout: 30_000 });
  await fits(page, 'run');

  await page.goto(`${s.url}/runs/${runId}/tasks/announce`);
  await page.getByTestId('task-detail').getByTestId('slack-message').waitFor();
  await fits(page, 'task detail');
  await checkA11y(page, 'task detail on a phone');
  await screenshot(page, 'task-detail-phone');

  await page.goto(`${s.url}/runs`);
  await page.getByTestId('run-list').locator(`tr[data-run=${runId}]`).waitFor();
  await fits(page, 'runs');

  await page.goto(`${s.url}/connections`);
  await page.getByText('default').first().waitFor();
  await fits(page, 'connections');
  await page.goto(`${s.url}/connections/default`);
  await page.getByRole('heading', { name: 'default' }).first().waitFor();
  await fits(page, 'connection');

  await page.goto(`${s.url}/connections/new/slack`);
  for (const tab of ['Main settings', 'Authentication', 'Extra settings']) {
    await page.getByRole('tab', { name: tab }).click();
    await page.getByRole('tabpanel').waitFor();
    await fits(page, `add Slack connection, ${tab}`);
  }
  await screenshot(page, 'connection-new-phone');
  await page.goto(`${s.url}/connections/new/webhook`);
  await page.getByRole('heading', { level: 1 }).waitFor();
  await fits(page, 'add webhook connection');

  await page.goto(`${s.url}/triggers`);
  await page.getByText('on-request-from-the-releases-channel').first().waitFor();
  await fits(page, 'triggers');
  await screenshot(page, 'triggers-phone');
  assert.deepEqual(web.problems, []);
});
