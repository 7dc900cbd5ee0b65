import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunwireError } from '../../../src/core/errors.js';
import {
  apiUrlOf,
  defaultSlackUrl,
  inferTokenKind,
  normalizeSlackUrl,
  checkConnectionName,
} from '../../../src/slack/connections/model.js';
import { buildAuthorizeUrl, grantFromAccessResponse } from '../../../src/slack/connections/oauth.js';
import { needsRefresh } from '../../../src/slack/connections/resolver.js';
import { oauthAccessError } from '../../../src/slack/connections/oauth-errors.js';

test('token kind comes from the prefix', () => {
  assert.equal(inferTokenKind('xoxb-1-2-abc'), 'bot_token');
  assert.equal(inferTokenKind('xoxp-1-2-abc'), 'user_token');
  assert.equal(inferTokenKind('xoxe.xoxb-1-abc'), 'bot_token');
  assert.throws(
    () => inferTokenKind('xapp-1-abc'),
    (e: unknown) => e instanceof RunwireError && /--app-token/.test(e.fix ?? ''),
  );
  assert.throws(
    () => inferTokenKind('hello'),
    (e: unknown) => e instanceof RunwireError && e.code === 'runwire.slack.bad_token',
  );
});

test('Slack URL: default, env override, normalisation', () => {
  assert.equal(defaultSlackUrl({}), 'https://slack.com');
  assert.equal(defaultSlackUrl({ RUNWIRE_SLACK_URL: 'http://127.0.0.1:4000/' }), 'http://127.0.0.1:4000');
  assert.equal(normalizeSlackUrl('https://slack-gov.com/api/'), 'https://slack-gov.com');
  assert.equal(apiUrlOf('http://127.0.0.1:4000'), 'http://127.0.0.1:4000/api/');
  assert.throws(() => normalizeSlackUrl('ftp://x'), RunwireError);
  assert.throws(() => checkConnectionName('bad name'), RunwireError);
});

test('authorize URL carries client id, scopes, user scopes, redirect and state', () => {
  const u = new URL(
    buildAuthorizeUrl({
      slackUrl: 'http://127.0.0.1:1',
      clientId: 'C1',
      botScopes: ['chat:write', 'chat:write.public'],
      userScopes: ['chat:write'],
      redirectUrl: 'http://localhost:9999',
      state: 'st',
    }),
  );
  assert.equal(u.pathname, '/oauth/v2/authorize');
  assert.equal(u.searchParams.get('client_id'), 'C1');
  assert.equal(u.searchParams.get('scope'), 'chat:write,chat:write.public');
  assert.equal(u.searchParams.get('user_scope'), 'chat:write');
  assert.equal(u.searchParams.get('redirect_uri'), 'http://localhost:9999');
  assert.equal(u.searchParams.get('state'), 'st');
});

test('oauth.v2.access response → grant (bot + user + webhook + rotation)', () => {
  const g = grantFromAccessResponse(
    {
      ok: true,
      access_token: 'xoxe.xoxb-1',
      token_type: 'bot',
      scope: 'chat:write,incoming-webhook',
      bot_user_id: 'U1',
      app_id: 'A1',
      team: { id: 'T1', name: 'Team' },
      expires_in: 43200,
      refresh_token: 'xoxe-1-r',
      authed_user: { id: 'U2', scope: 'chat:write', access_token: 'xoxp-2', token_type: 'user' },
      incoming_webhook: { channel: '#ops', channel_id: 'C1', url: 'https://hooks.example/services/x' },
    },
    1_000,
  );
  assert.equal(g.botToken, 'xoxe.xoxb-1');
  assert.deepEqual(g.botScopes, ['chat:write', 'incoming-webhook']);
  assert.equal(g.botExpiresAt, 1_000 + 43_200_000);
  assert.equal(g.botRefreshToken, 'xoxe-1-r');
  assert.equal(g.userToken, 'xoxp-2');
  assert.equal(g.userExpiresAt, undefined);
  assert.equal(g.webhookChannel, '#ops');
  assert.equal(g.teamName, 'Team');
});

test('a refresh of a user token fills the user side', () => {
  const g = grantFromAccessResponse(
    {
      ok: true,
      access_token: 'xoxe.xoxp-9',
      token_type: 'user',
      scope: 'chat:write',
      refresh_token: 'r2',
      expires_in: 10,
    },
    0,
  );
  assert.equal(g.userToken, 'xoxe.xoxp-9');
  assert.equal(g.botToken, undefined);
  assert.equal(g.userExpiresAt, 10_000);
});

test('needsRefresh: inside the margin or past expiry, never without expiry', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(needsRefresh(undefined, now, 60_000), false);
  assert.equal(needsRefresh('2026-01-01T00:10:00Z', now, 60_000), false);
  assert.equal(needsRefresh('2026-01-01T00:00:30Z', now, 60_000), true);
  assert.equal(needsRefresh('2025-12-31T00:00:00Z', now, 60_000), true);
});

test('each oauth.v2.access error has its own code and a fix', () => {
  for (const e of [
    'invalid_client_id',
    'bad_client_secret',
    'invalid_code',
    'code_already_used',
    'bad_redirect_uri',
    'something_new',
  ]) {
    const err = oauthAccessError(e, { name: 'ops', clientId: 'C1', redirectUrl: 'http://localhost:9999' });
    assert.equal(err.code, `runwire.slack.oauth.${e}`);
    assert.ok(err.fix && err.fix.length > 10);
  }
});
