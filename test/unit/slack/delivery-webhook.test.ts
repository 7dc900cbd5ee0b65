import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ResolvedConnection } from '../../../src/slack/connections/types.js';
import { parseTarget, type SlackTarget } from '../../../src/slack/targets.js';
import {
  outcomeUnknown,
  sameChannel,
  usesWebhook,
  webhookError,
  webhookErrorCatalog,
  webhookProblems,
} from '../../../src/slack/delivery/webhook-errors.js';
import { classifyWebhookAnswer, webhookQueueKey } from '../../../src/slack/delivery/webhook.js';

const URL_ = 'https://hooks.slack.com/services/T1/B1/secretsecret';
function conn(over: Partial<ResolvedConnection>): ResolvedConnection {
  return {
    name: 'hook',
    kind: 'webhook',
    slackUrl: 'https://slack.com',
    apiUrl: 'https://slack.com/api/',
    botScopes: [],
    userScopes: [],
    ...over,
  };
}
function target(raw: string): SlackTarget {
  const p = parseTarget(raw);
  if (!p.ok) throw new Error(p.message);
  return p.target;
}
const shape = { target: undefined, asUser: false, thread: false, update: false };

test('a webhook carries a message only when the connection has no token to do better', () => {
  assert.equal(usesWebhook(conn({ webhookUrl: URL_ })), true);
  assert.equal(
    usesWebhook(conn({ kind: 'oauth_app', webhookUrl: URL_ })),
    true,
    'an OAuth grant of only incoming-webhook',
  );
  assert.equal(
    usesWebhook(conn({ kind: 'oauth_app', webhookUrl: URL_, botToken: 'xoxb-1' })),
    false,
    'a bot token gives exactly-once, threads and any channel',
  );
  assert.equal(usesWebhook(conn({ kind: 'oauth_app', webhookUrl: URL_, userToken: 'xoxp-1' })), false);
  assert.equal(usesWebhook(conn({ kind: 'bot_token', botToken: 'xoxb-1' })), false);
  assert.equal(usesWebhook(conn({})), false, 'no URL, no webhook');
});

test("the channel must be the webhook's when Slack said which it is", () => {
  assert.equal(sameChannel(target('#ops'), '#ops'), true);
  assert.equal(sameChannel(target('#ops'), 'ops'), true);
  assert.equal(sameChannel(target('C0123456'), 'C0123456'), true);
  assert.equal(sameChannel(target('#ops'), '#random'), false);
  assert.equal(sameChannel(target('#ops'), undefined), true, 'unknown: cannot tell, so not an error');
  const mismatch = webhookProblems(conn({ webhookUrl: URL_, webhookChannel: '#random' }), {
    ...shape,
    target: target('#ops'),
  });
  const e = mismatch.find((p) => p.code === 'runwire.slack.webhook_channel_mismatch');
  assert.ok(
    e && e.severity === 'error' && /#random, not #ops/.test(e.message) && /Remove channel:/.test(e.fix ?? ''),
    JSON.stringify(mismatch),
  );
  const unknown = webhookProblems(conn({ webhookUrl: URL_ }), { ...shape, target: target('#ops') });
  assert.equal(unknown.find((p) => p.code === 'runwire.slack.webhook_channel_unknown')?.severity, 'warning');
  assert.deepEqual(
    webhookProblems(conn({ webhookUrl: URL_, webhookChannel: '#ops' }), { ...shape, target: target('#ops') }).map(
      (p) => p.code,
    ),
    ['runwire.slack.at_least_once'],
  );
});

test('thread, update and as_user are refused, each with its field and a fix; every task is warned at-least-once', () => {
  const ps = webhookProblems(conn({ webhookUrl: URL_ }), {
    target: undefined,
    asUser: true,
    thread: true,
    update: true,
  });
  const errors = ps.filter((p) => p.severity === 'error');
  assert.deepEqual(
    errors.map((p) => p.message.split(':')[0]),
    ['as_user', 'thread', 'update'],
  );
  assert.ok(errors.every((p) => p.code === 'runwire.slack.webhook_unsupported' && /bot token/.test(p.fix ?? '')));
  const w = ps.find((p) => p.code === 'runwire.slack.at_least_once');
  assert.equal(w?.severity, 'warning');
  assert.match(w!.message, /at-least-once/);
});

test('every webhook error Slack answers has a message and a fix; only rate_limited is retryable', () => {
  const documented = [
    'invalid_payload',
    'no_text',
    'invalid_blocks',
    'too_many_attachments',
    'no_team',
    'no_service_id',
    'no_service',
    'invalid_token',
    'channel_not_found',
    'channel_is_archived',
    'action_prohibited',
    'posting_to_general_channel_denied',
    'team_disabled',
    'user_not_found',
    'rate_limited',
  ];
  for (const code of documented) {
    assert.ok(webhookErrorCatalog[code], code);
    const e = webhookError(code, '#ops', 'hook');
    assert.equal(e.code, `runwire.slack.webhook_${code}`);
    assert.ok(e.message.length > 10 && (e.fix ?? '').length > 10, code);
    assert.equal(e.retryable, code === 'rate_limited', code);
  }
  assert.match(
    webhookError('no_service', '#ops', 'hook').fix!,
    /runwire connection remove hook && runwire connection add hook --webhook-url/,
  );
  const unknown = webhookError('something_new', '#ops', 'hook');
  assert.equal(unknown.code, 'runwire.slack.webhook_something_new');
  assert.equal(unknown.retryable, false, 'an error we do not understand is not retried: it could duplicate');
});

test('an unknown outcome is not retryable and tells how to skip or retry the task', () => {
  const e = outcomeUnknown('#ops', 'timeout', { id: 'r1', taskId: 't1' });
  assert.equal(e.retryable, false);
  assert.match(e.fix!, /runwire task skip r1 t1/);
  assert.match(e.fix!, /runwire task retry r1 t1/);
});

test('a webhook queue key identifies the URL without holding its secret', () => {
  assert.equal(webhookQueueKey(URL_), webhookQueueKey(URL_));
  assert.notEqual(webhookQueueKey(URL_), webhookQueueKey(`${URL_}x`));
  assert.ok(!webhookQueueKey(URL_).includes('secret'));
});

test("a rehearsal redirect over a webhook is refused unless Slack named the webhook's channel: it would land in the live channel", () => {
  const unknown = webhookProblems(conn({ webhookUrl: URL_ }), {
    ...shape,
    target: target('#rehearsals'),
    redirect: true,
  });
  const e = unknown.find((p) => p.severity === 'error');
  assert.equal(e?.code, 'runwire.slack.webhook_channel_unknown');
  assert.match(e!.message, /^rehearsal\.channel:/);
  assert.match(e!.fix ?? '', /rehearsal: skip or rehearsal: send/);
  const known = webhookProblems(conn({ webhookUrl: URL_, webhookChannel: '#ops' }), {
    ...shape,
    target: target('#rehearsals'),
    redirect: true,
  });
  assert.match(
    known.find((p) => p.severity === 'error')?.message ?? '',
    /^rehearsal\.channel: .*posts only to #ops, not #rehearsals/,
  );
});

test("a webhook answer counts as sent only when it is Slack's 200 ok", () => {
  assert.deepEqual(classifyWebhookAnswer(200, 'ok', null), { kind: 'ok', data: {} });
  assert.deepEqual(classifyWebhookAnswer(200, 'ok\n', null), { kind: 'ok', data: {} });
  assert.deepEqual(classifyWebhookAnswer(200, 'invalid_token', null), { kind: 'refused', error: 'invalid_token' });
  assert.deepEqual(classifyWebhookAnswer(200, 'rate_limited', null), { kind: 'refused', error: 'rate_limited' });
  assert.deepEqual(classifyWebhookAnswer(200, '{"ok":true}', null), { kind: 'ok', data: {} });
  assert.deepEqual(classifyWebhookAnswer(200, '{"ok":false,"error":"invalid_workflow"}', null), {
    kind: 'refused',
    error: 'invalid_workflow',
  });
  for (const [status, body] of [
    [200, ''],
    [200, '<html>proxy</html>'],
    [200, '{"ok":"yes"}'],
    [204, ''],
    [201, 'ok'],
  ] as const) {
    const out = classifyWebhookAnswer(status, body, null);
    assert.equal(out.kind, 'unknown', `${status} ${body}`);
  }
  assert.deepEqual(classifyWebhookAnswer(429, 'rate_limited', '7'), { kind: 'rate_limited', retryAfterSec: 7 });
  assert.deepEqual(classifyWebhookAnswer(404, 'no_service', null), { kind: 'refused', error: 'no_service' });
  assert.deepEqual(classifyWebhookAnswer(403, '<html>', null), { kind: 'refused', error: 'http_403' });
  assert.equal(classifyWebhookAnswer(503, '', null).kind, 'unknown');
});
