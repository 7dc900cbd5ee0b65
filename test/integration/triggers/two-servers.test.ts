/**
 * Two servers on one PostgreSQL (one schema, one data dir's secret key) receive the same Slack
 * events — as when a load balancer or a retry lands a delivery on each — and start one run per
 * event: the event id is unique in the database, and the run's idempotency key per trigger and
 * message covers a process that decides a delivery the other recorded.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { freshSchema, startTestServer, type TestServer } from '../../helpers/server.js';
import { addDefaultConnection, channelId, pushRunbook, runsOf, signedEvent, userId, waitFor } from './harness.js';

let sb: Sandbox;
let a: TestServer;
let b: TestServer;

before(async () => {
  sb = await startSandbox({ rateLimits: false });
  const schema = freshSchema('runwire_trig2');
  const dataDir = mkdtempSync(join(tmpdir(), 'runwire-trig2-'));
  a = await startTestServer('postgres', { schema, dataDir });
  b = await startTestServer('postgres', { schema, dataDir });
  await addDefaultConnection(a, sb);
  const token = (await a.runtime.tokens.create('admin', 'root')).token;
  await pushRunbook(
    { server: a, token },
    'deploy',
    `name: Deploy\nvars: { release: "0" }\ntriggers:\n  - id: cmd\n    type: slack.message\n    channel: "#releases"\n    match: '^deploy (?<release>\\d+)$'\ntasks:\n  - id: done\n    type: milestone\n`,
  );
});
after(async () => {
  await a?.close();
  await b?.close();
  await sb?.close();
});

test('20 events each delivered to both servers at once start 20 runs, one each', async () => {
  const now = Math.floor(Date.now() / 1000);
  const bodies = Array.from({ length: 20 }, (_, i) => ({
    type: 'event_callback',
    team_id: sb.workspace.team.id,
    api_app_id: sb.workspace.app.id,
    event_id: `Ev0TWO${String(i).padStart(4, '0')}`,
    event_time: now,
    event: {
      type: 'message',
      channel: channelId(sb, 'releases'),
      user: userId(sb, 'alice'),
      text: `deploy ${100 + i}`,
      ts: `${now}.${String(i).padStart(6, '0')}`,
    },
  }));
  const sends = await Promise.all(
    bodies.flatMap((body) => [a, b].map((s) => fetch(`${s.url}/slack/events`, signedEvent(sb, body)))),
  );
  assert.ok(sends.every((r) => r.status === 200));
  const runs = await waitFor('20 runs', async () => {
    const r = await runsOf(a, 'Deploy');
    return r.length >= 20 ? r : undefined;
  });
  // Both servers decided what they recorded; nothing is left, and nothing more comes.
  await waitFor('every delivery decided', async () => {
    const all = await a.runtime.triggers.history({ kind: 'slack.event', limit: 500 });
    return all.every((e) => e.outcome !== 'received') ? true : undefined;
  });
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await runsOf(a, 'Deploy')).length, 20);
  const releases = await Promise.all(runs.map(async (r) => (await a.runtime.runtime.store.getRun(r.id))?.vars.release));
  assert.deepEqual(releases.sort(), bodies.map((_, i) => String(100 + i)).sort());
  const dups = (await a.runtime.triggers.history({ kind: 'slack.event', limit: 500 })).filter(
    (e) => e.outcome === 'duplicate',
  );
  assert.equal(dups.length, 20);
});
