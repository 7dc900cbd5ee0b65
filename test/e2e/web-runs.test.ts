/**
 * Runbooks and runs in a real browser against a real server and the Slack sandbox: an operator finds
 * a runbook, starts a rehearsal with a changed var from the UI and watches its tasks change without a
 * reload; opens the Slack task's detail (channel, the message rendered as Slack shows it, "Message
 * sent", a permalink that opens the message); completes the manual task; the run ends 5 of 5. A
 * viewer sees no Start button and the API refuses the start anyway. axe-core on every page, the
 * pages' screenshots written to docs/screenshots/, and no console errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox } from '../../src/sandbox/server.js';
import { checkA11y, logIn, screenshot, startWeb } from '../helpers/web.js';

const RUNBOOK = `name: Release comms
description: Announce a release in Slack, soak, then a human go/no-go.
vars:
  release: "42"
triggers:
  - id: new-year
    type: schedule
    cron: "0 0 1 1 *"
    timezone: UTC
    mode: rehearsal
  - id: on-request
    type: slack.message
    channel: "#releases"
    match: '^release (?<release>\\d+)$'
    vars: { release: "{{trigger.match.release}}" }
tasks:
  - id: kickoff
    name: Kick off release {{vars.release}}
    type: milestone
  - id: announce
    name: Announce the release
    type: slack.message
    depends_on: [kickoff]
    channel: "#releases"
    rehearsal: send
    message: "*Release {{vars.release}}* is rolling out :rocket:"
  - id: soak
    name: Soak for a moment
    type: wait
    depends_on: [announce]
    duration: 1500ms
  - id: approve
    name: Approve the rollout
    type: manual
    depends_on: [soak]
    instructions: Check the dashboards, then complete this task.
  - id: done
    name: Released
    type: milestone
    depends_on: [approve]
`;

test('an operator starts a rehearsal from the UI, watches it live, reads the Slack task, completes the manual task', {
  timeout: 180_000,
}, async (t) => {
  const sb = await startSandbox({ port: 0, rateLimits: false });
  t.after(() => sb.close());
  const web = await startWeb();
  t.after(() => web.close());
  const s = web.server;
  const admin = web.tokens.admin;
  const json = { 'content-type': 'application/json' };
  const conn = await s.call('/api/connections', {
    method: 'POST',
    token: admin,
    headers: json,
    body: JSON.stringify({ name: 'default', token: sb.credentials.bot_token, slack_url: sb.url }),
  });
  assert.equal(conn.status, 201, conn.text);
  const put = await s.call('/api/runbooks/release-comms', {
    method: 'PUT',
    token: admin,
    headers: { 'content-type': 'application/yaml' },
    body: RUNBOOK,
  });
  assert.equal(put.status, 201, put.text);

  const page = await web.page();
  await logIn(page, s, web.tokens.operator);
  // The library, searched.
  await page.getByRole('heading', { name: 'Runbooks' }).waitFor();
  await page.getByLabel('Search runbooks').fill('release slack');
  await page.getByRole('link', { name: 'Release comms' }).waitFor();
  await checkA11y(page, 'runbooks');
  await screenshot(page, 'runbooks');
  await page.getByLabel('Search runbooks').fill('nothing like this');
  await page.getByText('No runbook matches.').waitFor();
  await page.getByLabel('Search runbooks').fill('');
  await page.getByRole('link', { name: 'Release comms' }).click();

  // The runbook: graph, list with type icons (the Slack logo named "Slack"), dependencies, rehearsal, source.
  await page.getByRole('heading', { name: 'Release comms' }).waitFor();
  await page.getByTestId('task-graph').locator('.react-flow__node').first().waitFor();
  assert.equal(await page.getByTestId('task-graph').locator('.react-flow__node').count(), 5);
  const announceRow = page.getByTestId('task-list').locator('tr[data-task=announce]');
  await announceRow.getByRole('img', { name: 'Slack' }).waitFor();
  assert.match(await announceRow.innerText(), /kickoff/);
  assert.match(await announceRow.innerText(), /runs in rehearsal/);
  assert.match(
    await page.getByTestId('task-list').locator('tr[data-task=approve]').innerText(),
    /soak[\s\S]*runs in rehearsal \(type default\)/,
  );
  assert.match(await page.getByTestId('source').innerText(), /rolling out :rocket:/);
  await checkA11y(page, 'runbook');
  await screenshot(page, 'runbook');

  // Start a rehearsal with a changed var.
  await page.getByRole('button', { name: 'Start rehearsal' }).click();
  await page.getByTestId('start-form').getByLabel('release').fill('43');
  await checkA11y(page, 'start form');
  await page.getByRole('button', { name: 'Start rehearsal run' }).click();
  await page.getByTestId('mode-banner').waitFor();
  assert.match(await page.getByTestId('mode-banner').innerText(), /REHEARSAL/);
  await page.evaluate(() => {
    (globalThis as unknown as { __noReload: boolean }).__noReload = true;
  });
  const row = (id: string) => page.getByTestId('run-tasks').locator(`tr[data-task=${id}]`);
  // The tasks move without a reload: the Slack task is sent, the wait runs, the manual task waits.
  await row('announce').and(page.locator('[data-status=succeeded]')).waitFor({ timeout: 30_000 });
  await row('approve').and(page.locator('[data-status=waiting]')).waitFor({ timeout: 30_000 });
  assert.match(await page.getByTestId('progress').innerText(), /3 of 5/);
  assert.ok(await page.evaluate(() => (globalThis as unknown as { __noReload?: boolean }).__noReload));
  assert.match(await page.getByTestId('event-log').innerText(), /Approve the rollout: waiting for an operator/);
  const runUrl = page.url();
  const runId = runUrl.split('/runs/')[1]!;
  assert.match(runId, /^r_/);
  await checkA11y(page, 'run');
  await screenshot(page, 'run');

  // The Slack task's detail: connection, channel, the message as Slack shows it, Message sent, permalink.
  await row('announce').getByRole('link', { name: 'Announce the release' }).click();
  const detail = page.getByTestId('task-detail');
  await detail.getByTestId('slack-message').waitFor();
  assert.equal(await detail.getByTestId('delivery').innerText(), 'Message sent');
  assert.equal(await detail.getByTestId('slack-connection').innerText(), 'default');
  const message = detail.getByTestId('slack-message');
  assert.match(await message.innerText(), /\[REHEARSAL\] Release 43 is rolling out 🚀/);
  assert.equal(await message.locator('b, strong').first().innerText(), 'Release 43');
  const permalink = await detail.getByTestId('permalink').getAttribute('href');
  assert.ok(permalink?.startsWith(sb.url), permalink ?? 'no permalink');
  await checkA11y(page, 'task detail');
  await screenshot(page, 'task-detail-slack');
  const channel = [...sb.workspace.channels.values()].find((c) => c.name === 'releases')!;
  assert.equal(await detail.getByTestId('slack-channel').innerText(), `#releases (${channel.id})`);
  const posted = sb.workspace.allMessages(channel.id).find((m) => m.text?.includes('Release 43'));
  assert.ok(posted, 'the message is in the sandbox workspace');
  const slackPage = await web.page();
  await slackPage.goto(permalink!);
  await slackPage.locator(`.msg.focused[data-ts="${posted.ts}"]`).waitFor({ timeout: 30_000 });
  await slackPage.close();

  // Complete the manual task: the run finishes, still without a reload.
  await row('approve').getByRole('link', { name: 'Approve the rollout' }).click();
  await detail.locator('dd', { hasText: 'Check the dashboards' }).waitFor();
  await detail.getByRole('button', { name: 'Complete' }).click();
  await page.getByTestId('progress').filter({ hasText: '5 of 5' }).waitFor({ timeout: 30_000 });
  await page.locator('.row > [data-testid=status]', { hasText: 'succeeded' }).waitFor({ timeout: 30_000 });
  const done = await s.call(`/api/runs/${runId}`, { token: admin });
  assert.equal(done.body.status, 'succeeded');
  assert.equal(done.body.mode, 'rehearsal');
  assert.equal(done.body.vars.release, '43');

  // The runs list with filters, on a phone-sized screen too.
  await page.getByRole('link', { name: 'Runs', exact: true }).click();
  await page.getByTestId('run-list').locator(`tr[data-run=${runId}]`).waitFor();
  await page.getByLabel('Mode').selectOption('live');
  await page.getByText('No runs match.').waitFor();
  await page.getByLabel('Mode').selectOption('rehearsal');
  await page.getByTestId('run-list').locator(`tr[data-run=${runId}]`).getByText('REHEARSAL').waitFor();
  await checkA11y(page, 'runs');
  await screenshot(page, 'runs');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(runUrl);
  await page.getByTestId('mode-banner').waitFor();
  const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
  assert.ok(overflow <= 0, `the run page fits a phone (${overflow}px too wide)`);
  await checkA11y(page, 'run on a phone');
  await screenshot(page, 'run-phone');
  assert.deepEqual(web.problems, []);
});

test('a viewer sees no Start button and no task actions, and the API refuses the start anyway', {
  timeout: 120_000,
}, async (t) => {
  const web = await startWeb();
  t.after(() => web.close());
  const s = web.server;
  const put = await s.call('/api/runbooks/release-comms', {
    method: 'PUT',
    token: web.tokens.admin,
    headers: { 'content-type': 'application/yaml' },
    body: RUNBOOK.replace(/ {2}- id: announce[\s\S]*?(?= {2}- id: soak)/, '').replace('[announce]', '[kickoff]'),
  });
  assert.equal(put.status, 201, put.text);
  const run = await s.call('/api/runs', {
    method: 'POST',
    token: web.tokens.operator,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ runbook: 'release-comms', mode: 'live' }),
  });
  assert.equal(run.status, 201);
  const page = await web.page();
  await logIn(page, s, web.tokens.viewer, '/runbooks/release-comms');
  await page.getByRole('heading', { name: 'Release comms' }).waitFor();
  assert.equal(await page.getByTestId('role').innerText(), 'viewer');
  assert.equal(await page.getByRole('button', { name: /Start/ }).count(), 0, 'no Start button for a viewer');
  // Its triggers: the schedule's next fire times (1 January, 00:00 UTC) and what the Slack trigger listens for.
  const triggers = page.getByTestId('runbook-triggers');
  const next = `${new Date().getUTCFullYear() + 1}-01-01T00:00:00.000Z`;
  await triggers.getByText('Next:').waitFor();
  assert.ok(
    (await triggers.getByTestId('next-fires').first().getAttribute('data-next'))?.startsWith(next),
    'the first fire is next New Year',
  );
  assert.match(await triggers.innerText(), /a Slack message in #releases matching/);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Triggers' }).click();
  const trigger = (key: string) => page.getByTestId('trigger-list').locator(`tr[data-trigger="${key}"]`);
  await trigger('release-comms/new-year').getByText('REHEARSAL').waitFor();
  await trigger('release-comms/on-request')
    .getByText(/a Slack message in #releases/)
    .waitFor();
  assert.equal(await page.getByRole('switch').count(), 0, 'a viewer gets no switch');
  await checkA11y(page, 'triggers as viewer');
  await page.goto(`${s.url}/runs/${run.body.id}/tasks/approve`);
  await page.getByTestId('task-detail').locator('dd', { hasText: 'Check the dashboards' }).waitFor();
  await page
    .getByTestId('run-tasks')
    .locator('tr[data-task=approve][data-status=waiting]')
    .waitFor({ timeout: 30_000 });
  assert.match(await page.getByTestId('mode-banner').innerText(), /LIVE/);
  assert.equal(await page.getByRole('button', { name: /Complete|Skip|Retry|Cancel run/ }).count(), 0);
  await checkA11y(page, 'run as viewer');
  const refused = await page.evaluate(async () => {
    const r = await fetch('/api/runs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ runbook: 'release-comms', mode: 'live' }),
    });
    return { status: r.status, body: (await r.json()) as { error: { code: string } } };
  });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error.code, 'runwire.auth.forbidden');
  web.problems.splice(0).forEach((p) => assert.match(p, /403/, 'only the refused start is logged'));

  // An operator: a schedule firing every second shows its fires with their runs; the switch stops it.
  const ticking = await s.call('/api/runbooks/ticking', {
    method: 'PUT',
    token: web.tokens.admin,
    headers: { 'content-type': 'application/yaml' },
    body: 'name: Ticking\ntriggers:\n  - id: every-second\n    type: schedule\n    cron: "* * * * * *"\n    mode: rehearsal\ntasks:\n  - id: tick\n    type: milestone\n',
  });
  assert.equal(ticking.status, 201, ticking.text);
  await page.getByRole('button', { name: 'Log out' }).click();
  await logIn(page, s, web.tokens.operator, '/triggers');
  const row = trigger('ticking/every-second');
  await row.waitFor();
  for (let i = 0; i < 30 && !(await row.getByText('started').count()); i++) {
    await new Promise((r) => setTimeout(r, 500));
    await page.reload();
    await row.waitFor();
  }
  await row.getByTestId('trigger-entry').getByRole('link', { name: /^r_/ }).waitFor();
  await row.getByRole('button', { name: 'History' }).click();
  await page.getByTestId('trigger-history').getByText('started').first().waitFor();
  const toggle = row.getByRole('switch');
  assert.equal(await toggle.getAttribute('aria-checked'), 'true');
  await checkA11y(page, 'triggers');
  await screenshot(page, 'triggers');
  await toggle.click();
  await page
    .getByTestId('trigger-list')
    .locator('tr[data-trigger="ticking/every-second"][data-enabled=false]')
    .waitFor();
  const listed = await s.call('/api/triggers', { token: web.tokens.viewer });
  const t1 = listed.body.find(
    (x: { runbook: string; id: string }) => x.runbook === 'ticking' && x.id === 'every-second',
  );
  assert.equal(t1.enabled, false);
  assert.equal(t1.updated_by, 'api:operator-person');
  assert.deepEqual(web.problems, []);
});

const FLAKY = `name: Flaky check
tasks:
  - id: probe
    name: Probe the standby
    type: http
    url: "http://127.0.0.1:9/health"
    retry: { attempts: 1 }
  - id: after
    name: After the probe
    type: milestone
    depends_on: [probe]
`;

test('an admin sees an invalid edit refused with its issues at their lines; an operator retries, then skips, a failed task', {
  timeout: 120_000,
}, async (t) => {
  const web = await startWeb();
  t.after(() => web.close());
  const s = web.server;
  const put = await s.call('/api/runbooks/flaky', {
    method: 'PUT',
    token: web.tokens.admin,
    headers: { 'content-type': 'application/yaml' },
    body: FLAKY,
  });
  assert.equal(put.status, 201, put.text);
  const page = await web.page();
  await logIn(page, s, web.tokens.admin, '/runbooks/flaky');
  await page.getByRole('button', { name: 'Edit source' }).click();
  const broken = FLAKY.replace('depends_on: [probe]', 'depends_on: [prob]');
  await page.getByLabel(/Runbook source/).fill(broken);
  await page.getByRole('button', { name: 'Save as a new version' }).click();
  const editor = page.getByTestId('source-editor');
  await editor.getByRole('alert').filter({ hasText: 'Not saved' }).waitFor();
  const line = broken.split('\n').findIndex((l) => l.includes('[prob]')) + 1;
  const marked = editor.locator(`.line.has-issue[data-line="${line}"]`);
  await marked.waitFor();
  assert.match(await marked.innerText(), /prob/);
  await checkA11y(page, 'runbook source with issues');
  await screenshot(page, 'runbook-issues');
  web.problems.splice(0).forEach((p) => assert.match(p, /422/, 'only the refused push is logged'));
  await page.getByLabel(/Runbook source/).fill(FLAKY.replace('name: Flaky check', 'name: Flaky check v2'));
  await page.getByRole('button', { name: 'Save as a new version' }).click();
  await page.getByRole('heading', { name: 'Flaky check v2' }).waitFor();
  assert.match(await page.locator('.meta').first().innerText(), /version 2/);

  // The http task fails; the run ends failed; Retry revives it (it fails again); Skip lets it finish.
  await page.getByRole('button', { name: 'Log out' }).click();
  await logIn(page, s, web.tokens.operator, '/runbooks/flaky');
  await page.getByRole('button', { name: 'Start live' }).click();
  await page.getByRole('button', { name: 'Start live run' }).click();
  await page.getByTestId('mode-banner').filter({ hasText: 'LIVE' }).waitFor();
  const probe = page.getByTestId('run-tasks').locator('tr[data-task=probe]');
  await probe.and(page.locator('[data-status=failed]')).waitFor({ timeout: 30_000 });
  await page.getByTestId('stream-state').filter({ hasText: 'ended' }).waitFor({ timeout: 30_000 });
  await probe.getByRole('link').click();
  const detail = page.getByTestId('task-detail');
  await detail.getByTestId('task-error').waitFor();
  // Port 9 is one HTTP clients refuse: a Runwire code and a fix, not undici's bare "bad port".
  const error = await detail.getByTestId('task-error').innerText();
  assert.match(error, /127\.0\.0\.1:9\/health: port 9 is reserved/);
  assert.match(error, /runwire\.http\.bad_port/);
  assert.match(error, /Fix: serve the endpoint on another port/);
  await checkA11y(page, 'failed task');
  await screenshot(page, 'task-detail-failed');
  await detail.getByRole('button', { name: 'Retry' }).click();
  // The ended stream opens again once the worker applies the retry: the log shows it without a reload.
  const log = page.getByTestId('event-log');
  await log.getByText('Probe the standby: retry requested by api:operator-person').waitFor({ timeout: 30_000 });
  assert.equal(await log.getByText(/Probe the standby: failed/).count(), 2);
  await probe.and(page.locator('[data-status=failed]')).waitFor({ timeout: 30_000 });
  await detail.getByRole('button', { name: 'Skip' }).click();
  await page.getByTestId('progress').filter({ hasText: '2 of 2' }).waitFor({ timeout: 30_000 });
  await detail.getByTestId('task-reason').waitFor();
  web.problems.splice(0).forEach((p) => assert.fail(`unexpected console error: ${p}`));
});
