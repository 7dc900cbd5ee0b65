/**
 * Socket Mode through the official @slack/socket-mode client against the sandbox: a connection with
 * an app-level token gets one socket, events arrive over it and start runs (no Request URL set), a
 * `disconnect` (refresh_requested) is survived, `GET /api/health` shows the socket; with two servers
 * on one PostgreSQL exactly one holds the socket, and when it stops the other takes it over.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { freshSchema, startTestServer, type TestServer } from '../../helpers/server.js';
import { addDefaultConnection, postAs, pushRunbook, runsOf, waitFor } from './harness.js';

const RUNBOOK = `name: Socket deploy\nvars: { release: "0" }\ntriggers:\n  - id: cmd\n    type: slack.message\n    channel: "#releases"\n    match: '^ship (?<release>\\d+)$'\ntasks:\n  - id: done\n    type: milestone\n`;

const opened: Array<{ close(): Promise<void> }> = [];
after(async () => {
  for (const o of opened.reverse()) await o.close();
});

const linkStatus = async (sb: Sandbox) =>
  (await (await fetch(`${sb.url}sandbox/socket-mode`)).json()) as { connections: number };

async function releasesOf(server: TestServer): Promise<string[]> {
  const runs = await runsOf(server, 'Socket deploy');
  const out: string[] = [];
  for (const r of runs) out.push(String((await server.runtime.runtime.store.getRun(r.id))?.vars.release));
  return out.sort();
}

test('events over Socket Mode start runs; a refresh_requested disconnect is survived; health shows the socket', async () => {
  const sb = await startSandbox({ rateLimits: false });
  opened.push(sb);
  const server = await startTestServer('sqlite', { socketMode: { leaseMs: 1500 } });
  opened.push(server);
  await addDefaultConnection(server, sb, { appToken: true });
  const token = (await server.runtime.tokens.create('admin', 'root')).token;
  await pushRunbook({ server, token }, 'socket', RUNBOOK);
  await waitFor('the socket', async () => ((await linkStatus(sb)).connections === 1 ? true : undefined));
  const health = await waitFor('health to show it connected', async () => {
    const h = (await server.call('/api/health')).body;
    return h.socket_mode?.[0]?.connected ? h : undefined;
  });
  assert.deepEqual(
    health.socket_mode.map((s: any) => [s.connection, s.held_here, s.live]),
    [['default', true, true]],
  );

  await postAs(sb, 'alice', 'releases', 'ship 1');
  await waitFor('the first run', async () => ((await releasesOf(server)).length === 1 ? true : undefined));
  const via = await server.runtime.triggers.history({ kind: 'slack.event', limit: 10 });
  assert.match(via[0]?.detail ?? '', /via socket_mode/);

  const r = await fetch(`${sb.url}sandbox/socket-mode/disconnect`, {
    method: 'POST',
    body: '{"reason":"refresh_requested"}',
  });
  assert.equal(r.status, 200);
  await waitFor('a reconnect', async () => {
    const h = (await server.call('/api/health')).body;
    return h.socket_mode?.[0]?.reconnects >= 1 && h.socket_mode[0].connected ? true : undefined;
  });
  await postAs(sb, 'alice', 'releases', 'ship 2');
  await waitFor('the second run', async () => ((await releasesOf(server)).length === 2 ? true : undefined));
  assert.deepEqual(await releasesOf(server), ['1', '2']);
  assert.equal((await linkStatus(sb)).connections, 1);
});

test('two servers on one PostgreSQL: one socket; when its holder stops, the other takes it over', async () => {
  const sb = await startSandbox({ rateLimits: false });
  opened.push(sb);
  const schema = freshSchema('runwire_sock');
  const dataDir = mkdtempSync(join(tmpdir(), 'runwire-sock-'));
  const a = await startTestServer('postgres', { schema, dataDir, socketMode: { leaseMs: 1500 } });
  await addDefaultConnection(a, sb, { appToken: true });
  const b = await startTestServer('postgres', { schema, dataDir, socketMode: { leaseMs: 1500 } });
  opened.push(b);
  const token = (await a.runtime.tokens.create('admin', 'root')).token;
  await pushRunbook({ server: a, token }, 'socket', RUNBOOK);
  await waitFor('one socket', async () => ((await linkStatus(sb)).connections === 1 ? true : undefined));
  // Several lease rounds later, still one.
  await new Promise((res) => setTimeout(res, 2000));
  assert.equal((await linkStatus(sb)).connections, 1);
  const ha = (await a.call('/api/health')).body.socket_mode;
  const hb = (await b.call('/api/health')).body.socket_mode;
  assert.equal(ha.length, 1);
  assert.equal(hb.length, 1);
  assert.equal(ha[0].held_here !== hb[0].held_here, true, 'exactly one of the two holds it');
  const [holder, other] = ha[0].held_here ? [a, b] : [b, a];

  await holder.close();
  await waitFor('the other server to take the socket over', async () => {
    const h = (await other.call('/api/health')).body.socket_mode;
    return h?.[0]?.held_here && h[0].connected ? true : undefined;
  });
  await postAs(sb, 'alice', 'releases', 'ship 7');
  await waitFor('the run through the new holder', async () =>
    (await releasesOf(other)).length === 1 ? true : undefined,
  );
  assert.deepEqual(await releasesOf(other), ['7']);
  if (holder === a) return;
  await a.close();
});
