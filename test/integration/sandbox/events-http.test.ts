/**
 * Events API delivery over HTTP: a user's message in the sandbox reaches a real local Request URL,
 * signed; unacknowledged deliveries are retried like Slack (X-Slack-Retry-Num / -Reason, same
 * event_id); url_verification guards a new Request URL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebClient } from '@slack/web-api';
import { IncomingWebhook } from '@slack/webhook';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { eventsExtension, type EventsExtensionOptions } from '../../../src/sandbox/events/extension.js';
import { startReceiver, type EventReceiver, type ReceivedRequest } from '../../helpers/event-receiver.js';
import { verifySlackRequest } from '../../../src/slack/verify-request.js';

/** Runwire's verifier on a delivery, with the sandbox app's signing secret. */
function verified(sb: Sandbox, req: ReceivedRequest) {
  return verifySlackRequest({
    signingSecret: sb.credentials.signing_secret,
    headers: req.headers,
    rawBody: req.raw,
    nowMs: Date.now(),
  });
}

async function withSandbox(
  events: EventsExtensionOptions,
  receiver: EventReceiver,
  fn: (sb: Sandbox) => Promise<void>,
): Promise<void> {
  const sb = await startSandbox({ rateLimits: false, extensions: [eventsExtension(events)] });
  try {
    await fn(sb);
  } finally {
    await sb.close();
    await receiver.close();
  }
}

function userId(sb: Sandbox, name: string): string {
  const u = [...sb.workspace.users.values()].find((x) => x.name === name);
  assert.ok(u, `seed has user ${name}`);
  return u.id;
}

function channelId(sb: Sandbox, name: string): string {
  const c = [...sb.workspace.channels.values()].find((x) => x.name === name);
  assert.ok(c, `seed has channel ${name}`);
  return c.id;
}

async function appSettings(sb: Sandbox): Promise<any> {
  return (await fetch(`${sb.url}sandbox/app`)).json();
}

/** Polls the admin API until `pred` holds (state changes after the receiver has answered). */
async function waitForSettings(sb: Sandbox, pred: (s: any) => boolean, what: string): Promise<any> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const s = await appSettings(sb);
    if (pred(s)) return s;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(s.dispatches)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a user message in a channel the bot is in arrives at the Request URL, signed', async () => {
  const receiver = await startReceiver();
  await withSandbox({ config: { request_url: receiver.url } }, receiver, async (sb) => {
    const before = Math.floor(Date.now() / 1000);
    const msg = sb.workspace.postAsUser(userId(sb, 'bob'), '#general', 'deploy is green');
    const [req] = await receiver.waitFor(1);
    assert.ok(req);
    assert.match(String(req.headers['content-type']), /^application\/json/);
    const ts = String(req.headers['x-slack-request-timestamp']);
    assert.match(ts, /^\d+$/);
    assert.ok(Math.abs(Number(ts) - before) < 60, 'timestamp is the current time in seconds');
    assert.deepEqual(verified(sb, req), { ok: true, timestamp: Number(ts) });
    assert.equal(req.headers['x-slack-retry-num'], undefined, 'a first delivery is not a retry');

    const body = req.json;
    assert.equal(body.type, 'event_callback');
    assert.equal(body.team_id, sb.workspace.team.id);
    assert.equal(body.api_app_id, sb.workspace.app.id);
    assert.match(body.event_id, /^Ev[A-Z0-9]{8,}$/);
    assert.equal(typeof body.token, 'string');
    assert.ok(Number.isInteger(body.event_time));
    assert.deepEqual(body.authorizations, [
      {
        enterprise_id: null,
        team_id: sb.workspace.team.id,
        user_id: sb.workspace.app.bot_user_id,
        is_bot: true,
        is_enterprise_install: false,
      },
    ]);
    assert.equal(body.event.type, 'message');
    assert.equal(body.event.text, 'deploy is green');
    assert.equal(body.event.user, userId(sb, 'bob'));
    assert.equal(body.event.channel, channelId(sb, 'general'));
    assert.equal(body.event.channel_type, 'channel');
    assert.equal(body.event.ts, msg.ts);
    assert.equal(body.event.event_ts, msg.ts);
    assert.equal(body.event.subtype, undefined);
  });
});

test('an endpoint that does not ack within 3 s gets a retry with X-Slack-Retry-Num 1 and the same event_id', async () => {
  // The first delivery is never answered; the retry is acknowledged.
  const receiver = await startReceiver((_req, i) => (i === 0 ? 'hang' : { status: 200 }));
  await withSandbox({ config: { request_url: receiver.url } }, receiver, async (sb) => {
    sb.workspace.postAsUser(userId(sb, 'carol'), '#ops', 'is anyone there?');
    const [first, retry] = await receiver.waitFor(2);
    assert.ok(first && retry);
    assert.equal(first.headers['x-slack-retry-num'], undefined);
    assert.equal(retry.headers['x-slack-retry-num'], '1');
    assert.equal(retry.headers['x-slack-retry-reason'], 'http_timeout');
    assert.equal(retry.json.event_id, first.json.event_id);
    assert.equal(retry.raw, first.raw, 'the same payload is redelivered');
    const s = await waitForSettings(sb, (x) => x.dispatches[0]?.http?.state === 'acked', 'the retry to be acked');
    assert.deepEqual(
      s.dispatches[0].http.attempts.map((a: any) => a.outcome),
      ['http_timeout', 'acked'],
    );
  });
});

test('an endpoint answering 500 is retried, with reason http_error', async () => {
  const receiver = await startReceiver((_req, i) => (i === 0 ? { status: 500, body: 'boom' } : { status: 200 }));
  await withSandbox({ config: { request_url: receiver.url } }, receiver, async (sb) => {
    sb.workspace.postAsUser(userId(sb, 'alice'), '#releases', 'cutting 2.4.0');
    const [first, retry] = await receiver.waitFor(2);
    assert.ok(first && retry);
    assert.equal(retry.headers['x-slack-retry-num'], '1');
    assert.equal(retry.headers['x-slack-retry-reason'], 'http_error');
    assert.equal(retry.json.event_id, first.json.event_id);
    // Re-signed with a fresh timestamp: still valid for the same body.
    const ts = String(retry.headers['x-slack-request-timestamp']);
    assert.deepEqual(verified(sb, retry), { ok: true, timestamp: Number(ts) });
    await waitForSettings(sb, (x) => x.dispatches[0]?.http?.state === 'acked', 'the retry to be acked');
  });
});

test('after 3 retries the sandbox gives up; X-Slack-No-Retry stops retries at once', async () => {
  const receiver = await startReceiver((req) =>
    req.json?.event?.text === 'no retry please'
      ? { status: 500, headers: { 'X-Slack-No-Retry': '1' } }
      : { status: 503 },
  );
  await withSandbox({ config: { request_url: receiver.url }, policy: { retryDelaysMs: [0] } }, receiver, async (sb) => {
    sb.workspace.postAsUser(userId(sb, 'alice'), '#general', 'keep failing');
    await receiver.waitFor(4);
    const s = await waitForSettings(
      sb,
      (x) => x.dispatches[0]?.http?.state === 'failed',
      'the delivery to be given up',
    );
    assert.deepEqual(
      receiver.received.map((r) => r.headers['x-slack-retry-num']),
      [undefined, '1', '2', '3'],
    );
    assert.equal(s.dispatches[0].http.attempts.length, 4);

    sb.workspace.postAsUser(userId(sb, 'alice'), '#general', 'no retry please');
    const s2 = await waitForSettings(
      sb,
      (x) => x.dispatches[1]?.http?.state === 'failed',
      'the no-retry delivery to end',
    );
    assert.equal(s2.dispatches[1].http.attempts.length, 1);
    assert.equal(receiver.received.filter((r) => r.json?.event?.text === 'no retry please').length, 1);
  });
});

test('url_verification: a new Request URL must echo the signed challenge', async () => {
  const receiver = await startReceiver((req) =>
    req.json?.type === 'url_verification'
      ? { status: 200, body: JSON.stringify({ challenge: req.json.challenge }) }
      : { status: 200 },
  );
  const liar = await startReceiver(() => ({ status: 200, body: 'not the challenge' }));
  await withSandbox({}, receiver, async (sb) => {
    try {
      const ok = await fetch(`${sb.url}sandbox/app`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ request_url: receiver.url }),
      });
      const okBody = (await ok.json()) as any;
      assert.equal(ok.status, 200, JSON.stringify(okBody));
      assert.equal(okBody.request_url, receiver.url);
      const [hs] = receiver.received;
      assert.ok(hs);
      assert.equal(hs.json.type, 'url_verification');
      assert.equal(typeof hs.json.challenge, 'string');
      assert.ok(hs.json.challenge.length >= 20);
      const ts = String(hs.headers['x-slack-request-timestamp']);
      assert.deepEqual(verified(sb, hs), { ok: true, timestamp: Number(ts) });

      const bad = await fetch(`${sb.url}sandbox/app`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ request_url: liar.url }),
      });
      const badBody = (await bad.json()) as any;
      assert.equal(bad.status, 400);
      assert.equal(badBody.error, 'url_verification_failed');
      assert.equal((await appSettings(sb)).request_url, receiver.url, 'a URL that fails verification is not saved');

      // Events now flow to the verified URL.
      sb.workspace.postAsUser(userId(sb, 'dave'), '#general', 'after verification');
      const got = await receiver.waitFor(2);
      assert.equal(got[1]!.json.event.text, 'after verification');
    } finally {
      await liar.close();
    }
  });
});

test("the bot's own posts come back with bot_id, app_id and bot_profile (no subtype); channels without the bot stay silent; mentions add app_mention", async () => {
  const receiver = await startReceiver();
  await withSandbox({ config: { request_url: receiver.url } }, receiver, async (sb) => {
    const web = new WebClient(sb.credentials.bot_token, { slackApiUrl: sb.apiUrl, retryConfig: { retries: 0 } });
    // #deploys does not have the bot: nothing is dispatched for it.
    sb.workspace.postAsUser(userId(sb, 'dave'), '#deploys', 'shipping quietly');
    const posted = await web.chat.postMessage({ channel: channelId(sb, 'general'), text: 'Runbook started' });
    const [botEvent] = await receiver.waitFor(1);
    assert.equal(botEvent!.json.event.text, 'Runbook started');
    assert.equal(botEvent!.json.event.bot_id, sb.workspace.app.bot_id);
    // Slack: a message an app posts with its bot token carries bot_id, app_id, bot_profile and the bot
    // user; `subtype: bot_message` is only for legacy integrations and incoming webhooks.
    assert.equal(botEvent!.json.event.subtype, undefined);
    assert.equal(botEvent!.json.event.app_id, sb.workspace.app.id);
    assert.equal(botEvent!.json.event.user, sb.workspace.app.bot_user_id);
    assert.equal(botEvent!.json.event.bot_profile.id, sb.workspace.app.bot_id);
    assert.equal(botEvent!.json.event.bot_profile.app_id, sb.workspace.app.id);
    assert.equal(botEvent!.json.event.ts, posted.ts);

    sb.workspace.postAsUser(userId(sb, 'erin'), '#general', `<@${sb.workspace.app.bot_user_id}> start the release`);
    const got = await receiver.waitFor(3);
    const types = got
      .slice(1)
      .map((r) => r.json.event.type)
      .sort();
    assert.deepEqual(types, ['app_mention', 'message']);
    assert.notEqual(got[1]!.json.event_id, got[2]!.json.event_id, 'each event has its own id');

    await web.chat.update({ channel: channelId(sb, 'general'), ts: posted.ts!, text: 'Runbook finished' });
    const [, , , changed] = await receiver.waitFor(4);
    sb.workspace.postAsUser(userId(sb, 'erin'), '#general', 'thanks!', posted.ts!);
    const [, , , , reply] = await receiver.waitFor(5);
    assert.equal(reply!.json.event.thread_ts, posted.ts);
    assert.equal(reply!.json.event.parent_user_id, sb.workspace.app.bot_user_id);
    assert.equal(changed!.json.event.subtype, 'message_changed');
    assert.equal(changed!.json.event.message.text, 'Runbook finished');
    assert.equal(changed!.json.event.previous_message.text, 'Runbook started');

    const s = await appSettings(sb);
    assert.equal(s.dispatches.filter((d: any) => d.channel === channelId(sb, 'deploys')).length, 0);
    assert.equal(receiver.received.filter((r) => r.json.event.text === 'shipping quietly').length, 0);
  });
});

test("an incoming webhook's post arrives as Slack's legacy bot_message (no user); another app's bot post with that app's ids", async () => {
  const receiver = await startReceiver();
  await withSandbox({ config: { request_url: receiver.url } }, receiver, async (sb) => {
    const general = channelId(sb, 'general');
    const admin = (path: string, body: unknown) =>
      fetch(`${sb.url}sandbox/${path}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json() as any);
    const { url } = await admin('webhooks', { channel: general });
    await new IncomingWebhook(url).send({ text: 'from the webhook' });
    const [hooked] = await receiver.waitFor(1);
    assert.equal(hooked!.json.event.subtype, 'bot_message');
    assert.equal(hooked!.json.event.bot_id, sb.workspace.app.bot_id);
    assert.equal(hooked!.json.event.user, undefined);
    const history = await new WebClient(sb.credentials.bot_token, { slackApiUrl: sb.apiUrl }).conversations.history({
      channel: general,
    });
    assert.equal(history.messages?.[0]?.subtype, 'bot_message');

    const other = await admin('bots', { name: 'pagerbot', channels: ['#general'] });
    const web = new WebClient(other.token, { slackApiUrl: sb.apiUrl, retryConfig: { retries: 0 } });
    await web.chat.postMessage({ channel: general, text: 'paging' });
    const [, paged] = await receiver.waitFor(2);
    assert.equal(paged!.json.event.subtype, undefined);
    assert.equal(paged!.json.event.bot_id, other.bot_id);
    assert.equal(paged!.json.event.app_id, other.app_id);
    assert.equal(paged!.json.event.user, other.user_id);
    assert.equal(paged!.json.event.bot_profile.name, 'pagerbot');
    assert.notEqual(other.bot_id, sb.workspace.app.bot_id);
  });
});
