/**
 * An operator rejects a waiting manual task from the web UI (as Reject in Slack): the task fails with
 * `runwire.task.rejected`, its dependent never runs, the run ends failed, the event log names who
 * rejected it; a viewer sees no Reject button.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkA11y, logIn, startWeb } from '../helpers/web.js';

const GATE = `name: Go or no-go
tasks:
  - id: gate
    name: Go or no-go
    type: manual
    instructions: Reject if the dashboards are red.
  - id: after
    name: Proceed
    type: milestone
    depends_on: [gate]
`;

test('an operator rejects a waiting manual task from the UI: it fails, its dependent never runs, the run fails', {
  timeout: 120_000,
}, async (t) => {
  const web = await startWeb();
  t.after(() => web.close());
  const s = web.server;
  const put = await s.call('/api/runbooks/gate', {
    method: 'PUT',
    token: web.tokens.admin,
    headers: { 'content-type': 'application/yaml' },
    body: GATE,
  });
  assert.equal(put.status, 201, put.text);
  const started = await s.call('/api/runs', {
    method: 'POST',
    token: web.tokens.operator,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ runbook: 'gate', mode: 'live' }),
  });
  assert.equal(started.status, 201, started.text);
  const runId = started.body.id as string;

  const page = await web.page();
  await logIn(page, s, web.tokens.viewer, `/runs/${runId}`);
  const gate = page.getByTestId('run-tasks').locator('tr[data-task=gate]');
  await gate.and(page.locator('[data-status=waiting]')).waitFor({ timeout: 30_000 });
  await gate.getByRole('link').click();
  const detail = page.getByTestId('task-detail');
  await detail.locator('dd', { hasText: 'Reject if the dashboards are red.' }).waitFor();
  assert.equal(await detail.getByRole('button', { name: /Complete|Reject/ }).count(), 0, 'a viewer has no actions');

  await page.getByRole('button', { name: 'Log out' }).click();
  await logIn(page, s, web.tokens.operator, `/runs/${runId}`);
  await gate.getByRole('link').click();
  await detail.getByRole('button', { name: 'Reject' }).waitFor();
  await checkA11y(page, 'manual task with Complete and Reject');
  await detail.getByRole('button', { name: 'Reject' }).click();
  await gate.and(page.locator('[data-status=failed]')).waitFor({ timeout: 30_000 });
  await page
    .getByTestId('event-log')
    .getByText(/Go or no-go: rejected by api:operator-person/)
    .waitFor({ timeout: 30_000 });
  await page.getByTestId('stream-state').filter({ hasText: 'ended' }).waitFor({ timeout: 30_000 });
  assert.equal(
    await detail.getByRole('button', { name: 'Reject' }).count(),
    0,
    'a failed task cannot be rejected again',
  );

  const run = await s.call(`/api/runs/${runId}`, { token: web.tokens.viewer });
  assert.equal(run.body.status, 'failed');
  const tasks = new Map(
    (run.body.tasks as { id: string; status: string; error?: { code: string } }[]).map((x) => [x.id, x]),
  );
  assert.equal(tasks.get('gate')?.status, 'failed');
  assert.equal(tasks.get('gate')?.error?.code, 'runwire.task.rejected');
  assert.notEqual(tasks.get('after')?.status, 'succeeded');
  web.problems.splice(0).forEach((p) => assert.fail(`unexpected console error: ${p}`));
});
