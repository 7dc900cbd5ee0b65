/**
 * Events written by another server (another store object, as another process would be) reach this
 * server's streams: two servers on one SQLite data dir (polling) and on one PostgreSQL schema
 * (NOTIFY); the run is started on A, whose worker drives it, and streamed on B (no worker) to `end`.
 * `GET /api/events` carries every run's events.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshSchema, startTestServer, type TestServer } from '../../helpers/server.js';
import { openSse } from '../../helpers/sse.js';

const RB =
  'name: Quick\ntasks:\n  - id: a\n    type: milestone\n  - id: b\n    type: milestone\n    depends_on: [a]\n  - id: c\n    type: milestone\n    depends_on: [b]\n';

for (const backend of ['sqlite', 'postgres'] as const) {
  test(`on ${backend}: a run started on server A streams on server B, and on B's all-runs feed`, async (t) => {
    const a = await startTestServer(backend, { schema: freshSchema() });
    t.after(() => a.close());
    const shared = backend === 'sqlite' ? { dataDir: a.dataDir } : {};
    const schema = backend === 'postgres' ? (a.runtime.runtime.config.databaseUrl ?? '') : '';
    const b: TestServer = await startTestServer(backend, {
      ...shared,
      workers: 0,
      ...(backend === 'postgres' ? { schema: /search_path%3D(\w+)/.exec(schema)![1]! } : {}),
    });
    t.after(() => b.close());
    // Health on B (no worker of its own) lists A's embedded worker, from the workers table.
    const [ha, hb] = [(await a.call('/api/health')).body, (await b.call('/api/health')).body];
    assert.equal(ha.workers.length, 1, JSON.stringify(ha));
    assert.equal(ha.workers[0].in_this_server, true);
    assert.deepEqual(
      hb.workers.map((w: { name: string; in_this_server: boolean }) => [w.name, w.in_this_server]),
      [[ha.workers[0].name, false]],
    );
    const admin = (await a.runtime.tokens.create('admin', 'admin')).token;
    await a.call('/api/runbooks/quick', {
      method: 'PUT',
      token: admin,
      headers: { 'content-type': 'application/yaml' },
      body: RB,
    });

    const feed = await openSse(`${b.url}/api/events`, { authorization: `Bearer ${admin}` });
    const created = await a.call('/api/runs', {
      method: 'POST',
      token: admin,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ runbook: 'quick' }),
    });
    assert.equal(created.status, 201);
    const runId = created.body.id;
    const stream = await openSse(`${b.url}/api/runs/${runId}/events`, { authorization: `Bearer ${admin}` });
    const events = await stream.read((e) => e.event === 'end');
    assert.equal(events[events.length - 1]!.event, 'end', JSON.stringify(events.map((e) => e.data?.message)));
    assert.deepEqual(
      events[events.length - 1]!.data,
      { status: 'succeeded' },
      JSON.stringify(events.map((e) => e.data?.message)),
    );
    const kinds = events.map((e) => e.event);
    assert.ok(kinds.includes('run.created'));
    assert.ok(kinds.includes('task.succeeded'));

    const fromFeed = await feed.read((e) => e.data?.run_id === runId && e.data?.kind === 'run.succeeded');
    const mine = fromFeed.filter((e) => e.data.run_id === runId);
    assert.ok(mine.length >= 4, `the feed carried the run's events (${mine.length})`);
    assert.equal(mine[0]!.id, `${runId}/1`);
    feed.close();
  });
}
