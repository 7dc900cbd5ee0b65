/**
 * Socket Mode through Slack's official client: `@slack/socket-mode`'s SocketModeClient opens a
 * connection via apps.connections.open, receives events_api envelopes, acks them, gets un-acked
 * ones again, and reconnects after a `disconnect`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SocketModeClient, LogLevel } from '@slack/socket-mode';
import { WebClient } from '@slack/web-api';
import WebSocket from 'ws';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { eventsExtension } from '../../../src/sandbox/events/extension.js';
import { socketModeExtension } from '../../../src/sandbox/socket-mode/extension.js';
import { startReceiver } from '../../helpers/event-receiver.js';

/** Long enough that a loaded machine still acks in time; short enough to keep the redelivery test quick. */
const ACK_TIMEOUT_MS = 4000;

interface Received {
  envelope_id: string;
  retry_num: number;
  retry_reason: string;
  event: any;
  body: any;
  ack: () => Promise<void>;
}

function userId(sb: Sandbox, name: string): string {
  return [...sb.workspace.users.values()].find((x) => x.name === name)!.id;
}

async function linkStatus(sb: Sandbox): Promise<any> {
  return (await fetch(`${sb.url}sandbox/socket-mode`)).json();
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Collects `message` events as the client emits them; `next(pred)` waits for a matching one. */
function collect(client: SocketModeClient): {
  all: Received[];
  next(pred: (r: Received) => boolean): Promise<Received>;
} {
  const all: Received[] = [];
  client.on('message', (r: Received) => {
    all.push(r);
  });
  return {
    all,
    next: (pred) => until('a matching envelope', () => all.find(pred)),
  };
}

test('apps.connections.open: app-level token only, a ws:// URL on the sandbox port', async () => {
  const sb = await startSandbox({ rateLimits: false, extensions: [eventsExtension(), socketModeExtension()] });
  try {
    const app = new WebClient(sb.credentials.app_token, { slackApiUrl: sb.apiUrl, retryConfig: { retries: 0 } });
    const res = await app.apps.connections.open();
    assert.equal(res.ok, true);
    const url = new URL(res.url!);
    const port = new URL(sb.url).port;
    assert.equal(url.protocol, 'ws:');
    assert.equal(url.host, `127.0.0.1:${port}`);
    assert.equal(url.pathname, '/link/');
    assert.equal(url.searchParams.get('app_id'), sb.workspace.app.id);
    assert.ok((url.searchParams.get('ticket') ?? '').length >= 16);

    const bot = new WebClient(sb.credentials.bot_token, { slackApiUrl: sb.apiUrl, retryConfig: { retries: 0 } });
    await assert.rejects(bot.apps.connections.open(), (e: any) => e.data?.error === 'not_allowed_token_type');
    const forged = new WebClient('xapp-1-A000-000-deadbeef', { slackApiUrl: sb.apiUrl, retryConfig: { retries: 0 } });
    await assert.rejects(forged.apps.connections.open(), (e: any) => e.data?.error === 'invalid_auth');
    const unscoped = sb.workspace.issueToken('app', ['authorizations:read']);
    const weak = new WebClient(unscoped.token, { slackApiUrl: sb.apiUrl, retryConfig: { retries: 0 } });
    await assert.rejects(
      weak.apps.connections.open(),
      (e: any) => e.data?.error === 'missing_scope' && e.data?.needed === 'connections:write',
    );

    // A ticket is good for one connection only.
    const first = new WebSocket(res.url!);
    const hello = await new Promise<any>((resolve, reject) => {
      first.once('message', (d) => resolve(JSON.parse(d.toString())));
      first.once('error', reject);
    });
    assert.equal(hello.type, 'hello');
    assert.equal(hello.connection_info.app_id, sb.workspace.app.id);
    assert.equal(hello.num_connections, 1);
    const status = await new Promise<number>((resolve) => {
      const again = new WebSocket(res.url!);
      again.once('unexpected-response', (_req, r) => resolve(r.statusCode ?? 0));
      again.once('open', () => resolve(101));
      again.once('error', () => undefined);
    });
    assert.equal(status, 401);
    first.close();
  } finally {
    await sb.close();
  }
});

test('SocketModeClient receives envelopes, acks stop redelivery, un-acked ones come back, and it reconnects after disconnect', async () => {
  // A Request URL is configured too: while a Socket Mode client is connected, it must get nothing.
  const receiver = await startReceiver();
  const sb = await startSandbox({
    rateLimits: false,
    extensions: [
      eventsExtension({ config: { request_url: receiver.url } }),
      socketModeExtension({ ackTimeoutMs: ACK_TIMEOUT_MS, warningLeadMs: 200 }),
    ],
  });
  const client = new SocketModeClient({
    appToken: sb.credentials.app_token,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: sb.apiUrl },
  });
  try {
    const inbox = collect(client);
    await client.start();
    assert.equal((await linkStatus(sb)).connections, 1);

    // 1. Delivered as an events_api envelope and acked: nothing stays pending.
    sb.workspace.postAsUser(userId(sb, 'bob'), '#general', 'hello over the socket');
    const got = await inbox.next((r) => r.event.text === 'hello over the socket');
    assert.equal(got.retry_num, 0);
    assert.equal(got.body.type, 'event_callback');
    assert.equal(got.body.api_app_id, sb.workspace.app.id);
    assert.match(got.body.event_id, /^Ev/);
    assert.equal(got.event.user, userId(sb, 'bob'));
    await got.ack();
    await until('the ack to register', async () => {
      const s = await linkStatus(sb);
      return s.acked >= 1 && !s.pending.includes(got.envelope_id) ? s : undefined;
    });

    // 2. Not acked: redelivered with retry_attempt 1, same envelope and event id.
    sb.workspace.postAsUser(userId(sb, 'carol'), '#ops', 'ignore me once');
    const firstTry = await inbox.next((r) => r.event.text === 'ignore me once');
    const secondTry = await inbox.next((r) => r.event.text === 'ignore me once' && r !== firstTry);
    assert.equal(secondTry.envelope_id, firstTry.envelope_id);
    assert.equal(secondTry.body.event_id, firstTry.body.event_id);
    assert.equal(secondTry.retry_num, 1);
    assert.equal(secondTry.retry_reason, 'timeout');
    await secondTry.ack();
    await until('the late ack', async () => ((await linkStatus(sb)).pending.length === 0 ? true : undefined));
    // The acked envelope of step 1 was never sent again, though more than an ack timeout has passed.
    assert.equal(inbox.all.filter((r) => r.envelope_id === got.envelope_id).length, 1);

    // 3. disconnect (warning, then refresh_requested): the client reconnects through apps.connections.open.
    const reconnected = new Promise<void>((resolve) => client.once('connected', () => resolve()));
    const dis = await fetch(`${sb.url}sandbox/socket-mode/disconnect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"reason":"warning"}',
    });
    assert.deepEqual(await dis.json(), { ok: true, sent_to: 1 });
    await reconnected;
    await until('one live connection again', async () => ((await linkStatus(sb)).connections === 1 ? true : undefined));
    sb.workspace.postAsUser(userId(sb, 'alice'), '#general', 'after the reconnect');
    const after = await inbox.next((r) => r.event.text === 'after the reconnect');
    await after.ack();

    const app = (await (await fetch(`${sb.url}sandbox/app`)).json()) as any;
    assert.ok(app.dispatches.length >= 3);
    assert.ok(app.dispatches.every((d: any) => d.via === 'socket_mode'));
    assert.equal(receiver.received.length, 0, 'nothing went over HTTP while Socket Mode was connected');
  } finally {
    await client.disconnect();
    await sb.close();
    await receiver.close();
  }
});

test('with no client connected events go to the Request URL; bad disconnect reasons are refused; Socket Mode can be switched off', async () => {
  const receiver = await startReceiver();
  const sb = await startSandbox({
    rateLimits: false,
    extensions: [eventsExtension({ config: { request_url: receiver.url } }), socketModeExtension()],
  });
  try {
    sb.workspace.postAsUser(userId(sb, 'bob'), '#general', 'nobody on the socket');
    const [req] = await receiver.waitFor(1);
    assert.equal(req!.json.event.text, 'nobody on the socket');
    const bad = await fetch(`${sb.url}sandbox/socket-mode/disconnect`, {
      method: 'POST',
      body: '{"reason":"because"}',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as any).error, 'invalid_reason');

    // Socket Mode switched off in the app settings: connected clients are told (link_disabled) and
    // no Socket Mode URL is handed out any more.
    const app0 = new WebClient(sb.credentials.app_token, { slackApiUrl: sb.apiUrl, retryConfig: { retries: 0 } });
    const raw = new WebSocket((await app0.apps.connections.open()).url!);
    const frames: any[] = [];
    const disabled = new Promise<void>((resolve, reject) => {
      raw.on('message', (d) => {
        frames.push(JSON.parse(d.toString()));
        if (frames.some((f) => f.type === 'disconnect')) resolve();
      });
      raw.once('error', reject);
    });
    await until('the raw client to connect', async () => ((await linkStatus(sb)).connections === 1 ? true : undefined));
    const off = await fetch(`${sb.url}sandbox/app`, {
      method: 'POST',
      body: '{"socket_mode":false}',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(off.status, 200);
    const app = new WebClient(sb.credentials.app_token, { slackApiUrl: sb.apiUrl, retryConfig: { retries: 0 } });
    await assert.rejects(app.apps.connections.open(), (e: any) => e.data?.error === 'access_denied');
    await disabled;
    assert.equal(frames.find((f) => f.type === 'disconnect').reason, 'link_disabled');
    raw.close();
  } finally {
    await sb.close();
    await receiver.close();
  }
});
