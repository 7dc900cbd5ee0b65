/**
 * Live streams resumed after a disconnect: events written while no stream was open reach the
 * reconnected one through `Last-Event-ID`, none missed — on a run's stream (exactly the ones after
 * the last seq, then `end`) and on the all-runs feed (the rest of the run it left off in, once each,
 * and a run started meanwhile). On SQLite and PostgreSQL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { openSse, type SseEvent } from '../../helpers/sse.js';

const RUNBOOK = `name: Two steps
tasks:
  - id: prepare
    type: milestone
  - id: approve
    type: manual
    instructions: "Approve"
    depends_on: [prepare]
  - id: ship
    type: milestone
    depends_on: [approve]
`;

async function call(s: TestServer, token: string, path: string, body?: unknown) {
  return s.call(path, {
    method: body === undefined ? 'GET' : 'POST',
    token,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
}

async function until(s: TestServer, token: string, runId: string, status: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if ((await call(s, token, `/api/runs/${runId}`)).body.status === status) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`run ${runId} never became ${status}`);
}

const seqsOf = async (s: TestServer, token: string, runId: string): Promise<number[]> =>
  (await call(s, token, `/api/runs/${runId}/events`)).body.events.map((e: { seq: number }) => e.seq);

const key = (e: SseEvent) => `${e.data.run_id}/${e.data.seq}`;

for (const backend of ['sqlite', 'postgres'] as const) {
  test(`${backend}: a run's stream and the all-runs feed resume from Last-Event-ID with nothing missed`, {
    timeout: 60_000,
  }, async (t) => {
    const s = await startTestServer(backend);
    t.after(() => s.close());
    const admin = (await s.runtime.tokens.create('admin', 'admin')).token;
    const auth = { authorization: `Bearer ${admin}` };
    const put = await s.call('/api/runbooks/two', {
      method: 'PUT',
      token: admin,
      headers: { 'content-type': 'application/yaml' },
      body: RUNBOOK,
    });
    assert.equal(put.status, 201, put.text);

    const feed1 = await openSse(`${s.url}/api/events`, auth);
    const a = (await call(s, admin, '/api/runs', { runbook: 'two' })).body.id as string;
    await until(s, admin, a, 'waiting');
    const aSoFar = await seqsOf(s, admin, a);
    const gotFeed1 = await feed1.read((e) => e.data?.run_id === a && e.data.seq === aSoFar.at(-1));
    feed1.close();
    const run1 = await openSse(`${s.url}/api/runs/${a}/events`, auth);
    const gotRun1 = await run1.read((e) => Number(e.id) === aSoFar.at(-1));
    run1.close();
    assert.deepEqual(
      gotRun1.map((e) => Number(e.id)),
      aSoFar,
    );
    const feedLast = gotFeed1.at(-1)!.id!;
    assert.equal(feedLast, `${a}/${aSoFar.at(-1)}`);

    // While nobody listens: the manual task is completed (run A finishes) and run B starts and waits.
    assert.equal((await call(s, admin, `/api/runs/${a}/tasks/approve/complete`, {})).status, 200);
    await until(s, admin, a, 'succeeded');
    const b = (await call(s, admin, '/api/runs', { runbook: 'two' })).body.id as string;
    await until(s, admin, b, 'waiting');
    const aAll = await seqsOf(s, admin, a);
    const bAll = await seqsOf(s, admin, b);
    assert.ok(aAll.length > aSoFar.length);

    // The run's stream: exactly what came after, in order, then end.
    const run2 = await openSse(`${s.url}/api/runs/${a}/events`, { ...auth, 'last-event-id': String(aSoFar.at(-1)) });
    const gotRun2 = await run2.read((e) => e.event === 'end');
    run2.close();
    assert.deepEqual(
      gotRun2.filter((e) => e.event !== 'end').map((e) => Number(e.id)),
      aAll.filter((q) => q > aSoFar.at(-1)!),
    );
    assert.equal(gotRun2.at(-1)!.data.status, 'succeeded');

    // The feed: A's rest and all of B, each once, nothing of A it had before.
    const want = new Set([
      ...aAll.filter((q) => q > aSoFar.at(-1)!).map((q) => `${a}/${q}`),
      ...bAll.map((q) => `${b}/${q}`),
    ]);
    const feed2 = await openSse(`${s.url}/api/events`, { ...auth, 'last-event-id': feedLast });
    const seen = new Set<string>();
    const gotFeed2 = await feed2.read((e) => {
      seen.add(key(e));
      return [...want].every((k) => seen.has(k));
    });
    const keys = gotFeed2.map(key);
    assert.deepEqual(
      keys.filter((k) => !want.has(k)),
      [],
      'nothing it had before',
    );
    assert.equal(new Set(keys).size, keys.length, 'each event once');
    for (const run of [a, b]) {
      const seqs = gotFeed2.filter((e) => e.data.run_id === run).map((e) => e.data.seq as number);
      assert.deepEqual(
        seqs,
        [...seqs].sort((x, y) => x - y),
        `run ${run} in seq order`,
      );
    }

    // Live after the replay: B's manual task completed now reaches the same stream.
    assert.equal((await call(s, admin, `/api/runs/${b}/tasks/approve/complete`, {})).status, 200);
    await until(s, admin, b, 'succeeded');
    const bLast = (await seqsOf(s, admin, b)).at(-1)!;
    const live = await feed2.read((e) => e.data?.run_id === b && e.data.seq === bLast);
    feed2.close();
    assert.ok(live.length > 0);
    assert.ok(live.every((e) => e.data.run_id === b && e.data.seq > bAll.at(-1)!));

    // A Last-Event-ID that is not the feed's (`<run id>/<seq>`) starts from now, as without one.
    const feed3 = await openSse(`${s.url}/api/events`, { ...auth, 'last-event-id': 'garbage' });
    assert.equal(feed3.status, 200);
    feed3.close();
  });
}
