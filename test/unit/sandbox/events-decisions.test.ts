/** The pure decisions behind sandbox event delivery: which events, which retries, which frames. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_SUBSCRIPTIONS,
  eventsForChange,
  wrapEvent,
  type AppIdentity,
  type ConversationView,
} from '../../../src/sandbox/events/event-callback.js';
import { DEFAULT_RETRY_POLICY, nextStep } from '../../../src/sandbox/events/retry-policy.js';
import { echoedChallenge } from '../../../src/sandbox/events/app-events.js';
import { ackedEnvelopeId, eventsApiEnvelope } from '../../../src/sandbox/socket-mode/messages.js';
import { compareTs, threadedMessages } from '../../../src/sandbox/web/view-model.js';
import type { SandboxMessage } from '../../../src/sandbox/workspace-types.js';

const app: AppIdentity = {
  teamId: 'T0TEAM0000',
  appId: 'A0APP00000',
  botUserId: 'U0BOT00000',
  verificationToken: 'vt',
};
const general: ConversationView = { id: 'C0GENERAL0', type: 'channel', botIsMember: true };

test('a user message in a channel with the bot gives one message event; none without the bot or the subscription', () => {
  const message = { type: 'message', ts: '100.000001', user: 'U0ALICE000', text: 'hi' };
  const [ev, ...rest] = eventsForChange({ kind: 'posted', conversation: general, message }, app, DEFAULT_SUBSCRIPTIONS);
  assert.equal(rest.length, 0);
  assert.deepEqual(ev, {
    type: 'message',
    ts: '100.000001',
    user: 'U0ALICE000',
    text: 'hi',
    channel: 'C0GENERAL0',
    event_ts: '100.000001',
    channel_type: 'channel',
  });
  assert.deepEqual(
    eventsForChange(
      { kind: 'posted', conversation: { ...general, botIsMember: false }, message },
      app,
      DEFAULT_SUBSCRIPTIONS,
    ),
    [],
  );
  assert.deepEqual(eventsForChange({ kind: 'posted', conversation: general, message }, app, ['message.im']), []);
  const dm = eventsForChange(
    { kind: 'posted', conversation: { id: 'D0DM000000', type: 'im', botIsMember: true }, message },
    app,
    ['message.im'],
  );
  assert.equal(dm[0]?.channel_type, 'im');
});

test('mentions add app_mention, but not for the bot mentioning itself; bot posts keep bot_id and get no subtype', () => {
  const mention = { type: 'message', ts: '1.000001', user: 'U0ALICE000', text: `<@${app.botUserId}> go` };
  assert.deepEqual(
    eventsForChange({ kind: 'posted', conversation: general, message: mention }, app, DEFAULT_SUBSCRIPTIONS).map(
      (e) => e.type,
    ),
    ['message', 'app_mention'],
  );
  assert.deepEqual(
    eventsForChange({ kind: 'posted', conversation: general, message: mention }, app, ['app_mention']).map(
      (e) => e.type,
    ),
    ['app_mention'],
  );
  const own = { ...mention, user: app.botUserId, bot_id: 'B0BOT00000', app_id: 'A0APP00000' };
  const events = eventsForChange({ kind: 'posted', conversation: general, message: own }, app, DEFAULT_SUBSCRIPTIONS);
  assert.deepEqual(
    events.map((e) => [e.type, e.subtype, e.bot_id, e.app_id, e.user]),
    [['message', undefined, 'B0BOT00000', 'A0APP00000', app.botUserId]],
  );
  // An incoming webhook's post is stored as the legacy bot_message and arrives so.
  const hook = {
    type: 'message',
    ts: '1.000002',
    text: 'from a webhook',
    subtype: 'bot_message',
    bot_id: 'B0HOOK0000',
  };
  const [fromHook] = eventsForChange(
    { kind: 'posted', conversation: general, message: hook },
    app,
    DEFAULT_SUBSCRIPTIONS,
  );
  assert.equal(fromHook?.subtype, 'bot_message');
});

test('edits and deletions become message_changed / message_deleted', () => {
  const before = { ts: '5.000001', user: 'U0ALICE000', text: 'old' };
  const after = { ...before, text: 'new', edited: { user: 'U0ALICE000', ts: '6.000001' } };
  const [changed] = eventsForChange(
    { kind: 'changed', conversation: general, message: after, previous: before, eventTs: '6.000001' },
    app,
    DEFAULT_SUBSCRIPTIONS,
  );
  assert.equal(changed?.subtype, 'message_changed');
  assert.equal((changed?.message as { text: string }).text, 'new');
  assert.equal((changed?.previous_message as { text: string }).text, 'old');
  const [deleted] = eventsForChange(
    { kind: 'deleted', conversation: general, previous: before, eventTs: '7.000001' },
    app,
    DEFAULT_SUBSCRIPTIONS,
  );
  assert.equal(deleted?.subtype, 'message_deleted');
  assert.equal(deleted?.deleted_ts, '5.000001');
});

test('the wrapper carries team, app, id, time in seconds, the bot authorization and a context', () => {
  const cb = wrapEvent(
    { type: 'message', event_ts: '1.1', channel: 'C0GENERAL0' },
    app,
    'Ev0000000001',
    1_700_000_000_999,
  );
  assert.equal(cb.event_time, 1_700_000_000);
  assert.equal(cb.event_context, '1-message-T0TEAM0000-C0GENERAL0');
  assert.deepEqual(cb.authorizations[0], {
    enterprise_id: null,
    team_id: 'T0TEAM0000',
    user_id: 'U0BOT00000',
    is_bot: true,
    is_enterprise_install: false,
  });
});

test("retries: Slack's count and reasons, no-retry honoured, delays from the policy", () => {
  const p = { ...DEFAULT_RETRY_POLICY, retryDelaysMs: [0, 10, 20] };
  assert.deepEqual(nextStep(0, { kind: 'acked', status: 200 }, p), { kind: 'done' });
  assert.deepEqual(nextStep(0, { kind: 'http_timeout' }, p), {
    kind: 'retry',
    retryNum: 1,
    reason: 'http_timeout',
    delayMs: 0,
  });
  assert.deepEqual(nextStep(1, { kind: 'http_error', status: 500, noRetry: false }, p), {
    kind: 'retry',
    retryNum: 2,
    reason: 'http_error',
    delayMs: 10,
  });
  assert.deepEqual(nextStep(2, { kind: 'connection_failed', detail: 'ECONNREFUSED' }, p), {
    kind: 'retry',
    retryNum: 3,
    reason: 'connection_failed',
    delayMs: 20,
  });
  assert.deepEqual(nextStep(3, { kind: 'http_timeout' }, p), { kind: 'give_up' });
  assert.deepEqual(nextStep(0, { kind: 'http_error', status: 500, noRetry: true }, p), { kind: 'give_up' });
});

test('challenge echo forms and ack frames are read leniently, bad frames ignored', () => {
  assert.equal(echoedChallenge('abc123'), 'abc123');
  assert.equal(echoedChallenge('{"challenge":"abc123"}'), 'abc123');
  assert.equal(echoedChallenge('challenge=abc123'), 'abc123');
  assert.equal(echoedChallenge('{"nope":1}'), '');
  assert.equal(ackedEnvelopeId('{"envelope_id":"e-1","payload":{}}'), 'e-1');
  assert.equal(ackedEnvelopeId('not json'), undefined);
  assert.equal(ackedEnvelopeId('{"envelope_id":5}'), undefined);
  assert.deepEqual(eventsApiEnvelope('e-1', { a: 1 }, 0, ''), {
    envelope_id: 'e-1',
    payload: { a: 1 },
    type: 'events_api',
    accepts_response_payload: false,
    retry_attempt: 0,
    retry_reason: '',
  });
});

test('the web page nests replies under their parent and orders by ts numerically', () => {
  const m = (ts: string, thread_ts?: string): SandboxMessage => ({
    type: 'message',
    ts,
    user: 'U0ALICE000',
    text: ts,
    ...(thread_ts ? { thread_ts } : {}),
  });
  const out = threadedMessages([
    m('10.000002', '10.000002'),
    m('9.000001'),
    m('10.000010', '10.000002'),
    m('10.000003', '10.000002'),
    m('11.000001', '5.000000'),
  ]);
  assert.deepEqual(
    out.map((t) => [t.ts, t.replies.map((r) => r.ts)]),
    [
      ['9.000001', []],
      ['10.000002', ['10.000003', '10.000010']],
      ['11.000001', []],
    ],
  );
  assert.ok(compareTs('9.999999', '10.000000') < 0);
  assert.ok(compareTs('10.000010', '10.000009') > 0);
});
