/**
 * `GET /api/runs/{id}/plan`: the run's tasks as it started them (dependencies, rehearsal field) with
 * inputs rendered from the run's vars, and `GET /api/types`: every built-in type with its rehearsal
 * default — what the web UI draws a run's graph and task detail from.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../../helpers/server.js';

const YAML = `name: Plan demo
vars:
  who: "ops"
tasks:
  - id: start
    type: milestone
  - id: ask
    name: "Ask {{vars.who}}"
    type: manual
    depends_on: [start]
    rehearsal: run
    instructions: "Page {{vars.who}} in {{runbook.name}}"
`;

test('a run plan renders inputs from the run vars and keeps dependencies; types say their rehearsal default', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const { token } = await s.runtime.tokens.create('admin', 'plan-admin');
  const put = await s.call('/api/runbooks/plan', {
    method: 'PUT',
    token,
    headers: { 'content-type': 'application/yaml' },
    body: YAML,
  });
  assert.equal(put.status, 201, put.text);
  const run = await s.call('/api/runs', {
    method: 'POST',
    token,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ runbook: 'plan', mode: 'rehearsal', vars: { who: 'db-team' } }),
  });
  assert.equal(run.status, 201, run.text);
  const plan = await s.call(`/api/runs/${run.body.id}/plan`, { token });
  assert.equal(plan.status, 200, plan.text);
  assert.equal(plan.body.runbook, 'Plan demo');
  const ask = plan.body.tasks.find((x: { id: string }) => x.id === 'ask');
  assert.deepEqual(ask.depends_on, ['start']);
  assert.equal(ask.rehearsal, 'run');
  assert.equal(ask.input.instructions, 'Page db-team in Plan demo');
  assert.equal((await s.call('/api/runs/run_nope/plan', { token })).status, 404);

  const types = await s.call('/api/types', { token });
  const byType = new Map(types.body.map((x: { type: string }) => [x.type, x]));
  assert.equal((byType.get('slack.message') as { rehearsal: string }).rehearsal, 'skip');
  assert.equal((byType.get('manual') as { rehearsal: string }).rehearsal, 'run');
});
