/**
 * Runs over real HTTP with the embedded worker: start, list with filters and cursor pages, a manual
 * task completed over HTTP, the SSE stream read to `end` in order and resumed with Last-Event-ID,
 * idempotency keys, unknown vars, 404/409 for actions that do not fit, on SQLite and PostgreSQL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { openSse } from '../../helpers/sse.js';

const APPROVAL = `name: Approval
vars:
  release: "1"
tasks:
  - id: prepare
    type: milestone
  - id: approve
    type: manual
    instructions: "Approve release {{ vars.release }}"
    depends_on: [prepare]
  - id: ship
    type: milestone
    depends_on: [approve]
`;

async function setup(backend: 'sqlite' | 'postgres'): Promise<{ s: TestServer; op: string; viewer: string }> {
  const s = await startTestServer(backend);
  const admin = (await s.runtime.tokens.create('admin', 'admin')).token;
  const op = (await s.runtime.tokens.create('operator', 'op')).token;
  const viewer = (await s.runtime.tokens.create('viewer', 'viewer')).token;
  const put = await s.call('/api/runbooks/approval', {
    method: 'PUT',
    token: admin,
    headers: { 'content-type': 'application/yaml' },
    body: APPROVAL,
  });
  assert.equal(put.status, 201, put.text);
  return { s, op, viewer };
}

function post(s: TestServer, token: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return s.call(path, {
    method: 'POST',
    token,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

async function until(s: TestServer, token: string, runId: string, status: string): Promise<any> {
  for (let i = 0; i < 200; i++) {
    const r = await s.call(`/api/runs/${runId}`, { token });
    if (r.body.status === status) return r.body;
    await new Promise((res) => setTimeout(res, 25));
  }
  assert.fail(`run ${runId} never became ${status}`);
}

for (const backend of ['sqlite', 'postgres'] as const) {
  test(`a run over HTTP on ${backend}: queued, waits, manual task completed, SSE to end and resumed`, async (t) => {
    const { s, op, viewer } = await setup(backend);
    t.after(() => s.close());

    const created = await post(s, op, '/api/runs', { runbook: 'approval', mode: 'live', vars: { release: '42' } });
    assert.equal(created.status, 201, created.text);
    const run = created.body;
    assert.match(run.id, /^run_|^[0-9a-z]/);
    assert.equal(run.runbook, 'Approval');
    assert.equal(run.mode, 'live');
    assert.deepEqual(run.vars, { release: '42' });
    assert.deepEqual(
      run.tasks.map((x: { id: string }) => x.id),
      ['prepare', 'approve', 'ship'],
    );

    const stream = await openSse(`${s.url}/api/runs/${run.id}/events`, { authorization: `Bearer ${viewer}` });
    assert.equal(stream.status, 200);
    assert.match(stream.headers.get('content-type') ?? '', /text\/event-stream/);
    const early = await stream.read((e) => e.event === 'task.waiting');
    await until(s, viewer, run.id, 'waiting');
    const noTask = await post(s, op, `/api/runs/${run.id}/tasks/nope/skip`);
    assert.equal(noTask.status, 404, noTask.text);
    assert.equal(noTask.body.error.code, 'runwire.task.not_found');
    const notWaiting = await post(s, op, `/api/runs/${run.id}/tasks/ship/complete`);
    assert.equal(notWaiting.status, 409);
    assert.equal(notWaiting.body.error.code, 'runwire.task.bad_action');
    assert.ok(notWaiting.body.error.fix);

    const complete = await post(s, op, `/api/runs/${run.id}/tasks/approve/complete`);
    assert.equal(complete.status, 200, complete.text);
    const rest = await stream.read((e) => e.event === 'end');
    const all = [...early, ...rest];
    assert.equal(all[all.length - 1]!.event, 'end');
    assert.deepEqual(all[all.length - 1]!.data, { status: 'succeeded' });
    const seqs = all.slice(0, -1).map((e) => Number(e.id));
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => i + 1),
      'every event once, in seq order',
    );
    for (const e of all.slice(0, -1)) assert.equal(e.data.kind, e.event);

    const done = await s.call(`/api/runs/${run.id}`, { token: viewer });
    assert.equal(done.body.status, 'succeeded');

    // JSON form and resume with Last-Event-ID: only what came after, then end.
    const json = await s.call(`/api/runs/${run.id}/events?after=2`, { token: viewer });
    assert.deepEqual(
      json.body.events.map((e: { seq: number }) => e.seq),
      seqs.slice(2),
    );
    const resumed = await openSse(`${s.url}/api/runs/${run.id}/events`, {
      authorization: `Bearer ${viewer}`,
      'last-event-id': String(seqs[seqs.length - 3]),
    });
    const tail = await resumed.read((e) => e.event === 'end');
    assert.deepEqual(
      tail.map((e) => e.id),
      [...seqs.slice(-2).map(String), 'end'],
    );

    // The action no longer fits: 409 with code, message and fix; unknown task and run: 404.
    const again = await post(s, op, `/api/runs/${run.id}/tasks/approve/complete`);
    assert.equal(again.status, 409, again.text);
    assert.ok(again.body.error.code && again.body.error.message);
    assert.equal((await post(s, op, '/api/runs/run_nope/cancel')).status, 404);
    assert.equal((await s.call('/api/runs/run_nope/events', { token: viewer })).status, 404);
  });
}

test('idempotency keys, unknown vars, rehearsal, listing with filters and cursor pages, cancel', async (t) => {
  const { s, op, viewer } = await setup('sqlite');
  t.after(() => s.close());

  const body = { runbook: 'approval', mode: 'rehearsal' };
  const first = await post(s, op, '/api/runs', body, { 'idempotency-key': 'deploy-7' });
  assert.equal(first.status, 201);
  assert.equal(first.body.mode, 'rehearsal');
  const repeat = await post(s, op, '/api/runs', body, { 'idempotency-key': 'deploy-7' });
  assert.equal(repeat.status, 200);
  assert.equal(repeat.body.id, first.body.id, 'the same run');
  const mismatch = await post(s, op, '/api/runs', { ...body, mode: 'live' }, { 'idempotency-key': 'deploy-7' });
  assert.equal(mismatch.status, 422);
  assert.equal(mismatch.body.error.code, 'runwire.run.idempotency_mismatch');

  const unknown = await post(s, op, '/api/runs', { runbook: 'approval', vars: { relase: '1' } });
  assert.equal(unknown.status, 422);
  assert.equal(unknown.body.error.code, 'runwire.run.unknown_var');
  assert.match(unknown.body.error.message, /relase/);
  assert.match(unknown.body.error.fix, /release/);
  assert.equal((await post(s, op, '/api/runs', { runbook: 'nope' })).status, 404);
  assert.equal((await post(s, op, '/api/runs', { runbook: 'approval', version: 9 })).status, 404);
  assert.equal((await post(s, op, '/api/runs', { runbook: 'approval', mode: 'dry' })).status, 400);

  const ids = [first.body.id];
  for (let i = 0; i < 4; i++) ids.push((await post(s, op, '/api/runs', { runbook: 'approval' })).body.id);
  const page1 = await s.call('/api/runs?limit=2', { token: viewer });
  assert.equal(page1.body.runs.length, 2);
  const page2 = await s.call(`/api/runs?limit=2&cursor=${page1.body.next_cursor}`, { token: viewer });
  const page3 = await s.call(`/api/runs?limit=2&cursor=${page2.body.next_cursor}`, { token: viewer });
  assert.equal(page3.body.next_cursor, null);
  const listed = [...page1.body.runs, ...page2.body.runs, ...page3.body.runs].map((r: { id: string }) => r.id);
  assert.deepEqual(listed, [...ids].reverse(), 'newest first, every run once');
  const rehearsals = await s.call('/api/runs?mode=rehearsal', { token: viewer });
  assert.deepEqual(
    rehearsals.body.runs.map((r: { id: string }) => r.id),
    [first.body.id],
  );
  assert.equal((await s.call('/api/runs?runbook=Nothing', { token: viewer })).body.runs.length, 0);

  await until(s, viewer, ids[1], 'waiting');
  const cancelled = await post(s, op, `/api/runs/${ids[1]}/cancel`);
  assert.equal(cancelled.status, 200);
  assert.equal(cancelled.body.status, 'cancelled');
  const twice = await post(s, op, `/api/runs/${ids[1]}/cancel`);
  assert.equal(twice.status, 409);
  assert.ok(twice.body.error.code);
});

test('against the sandbox: the default connection added over HTTP, a live run posts, a rehearsal does not', async (t) => {
  const { startSandbox } = await import('../../../src/sandbox/server.js');
  const sb = await startSandbox({ port: 0 });
  t.after(() => sb.close());
  const s = await startTestServer('sqlite');
  t.after(() => s.close());
  const admin = (await s.runtime.tokens.create('admin', 'admin')).token;
  const conn = await s.call('/api/connections', {
    method: 'POST',
    token: admin,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'default', token: sb.credentials.bot_token, slack_url: sb.url }),
  });
  assert.equal(conn.status, 201, conn.text);
  assert.ok(!conn.text.includes(sb.credentials.bot_token), 'the token is not returned');
  assert.ok(conn.body.secrets_set.includes('botToken'));
  const doctor = await post(s, admin, '/api/connections/default/test');
  assert.equal(doctor.status, 200);
  assert.equal(typeof doctor.body.ok, 'boolean');
  assert.ok(!doctor.text.includes(sb.credentials.bot_token));

  const rb =
    'name: Announce\nvars:\n  release: "1"\ntasks:\n  - id: say\n    type: slack.message\n    channel: "#releases"\n    message: "Release {{vars.release}} is out"\n';
  assert.equal(
    (
      await s.call('/api/runbooks/announce', {
        method: 'PUT',
        token: admin,
        headers: { 'content-type': 'application/yaml' },
        body: rb,
      })
    ).status,
    201,
  );
  const channel = [...sb.workspace.channels.values()].find((c) => c.name === 'releases')!;
  const texts = () => sb.workspace.allMessages(channel.id).map((m) => m.text);

  const live = await post(s, admin, '/api/runs', { runbook: 'announce', mode: 'live', vars: { release: '7' } });
  assert.equal(live.status, 201);
  const liveDone = await until(s, admin, live.body.id, 'succeeded');
  assert.equal(liveDone.tasks[0].status, 'succeeded');
  assert.ok(liveDone.tasks[0].slack, 'the delivery state is in the run JSON');
  assert.ok(texts().includes('Release 7 is out'), JSON.stringify(texts()));

  const rehearsal = await post(s, admin, '/api/runs', {
    runbook: 'announce',
    mode: 'rehearsal',
    vars: { release: '8' },
  });
  const rDone = await until(s, admin, rehearsal.body.id, 'succeeded');
  assert.equal(rDone.tasks[0].status, 'skipped');
  assert.ok(!texts().some((x) => x?.includes('Release 8')), 'a rehearsal posts nothing');
});
