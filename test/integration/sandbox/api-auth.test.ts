/** Authentication and scopes through the official WebClient, plus token/JSON transport with plain HTTP. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RUNWIRE_BOT_SCOPES } from '../../../src/sandbox/seed.js';
import type { Sandbox } from '../../../src/sandbox/server.js';
import { admin, botToken, client, coreSandbox, platformError } from './support.js';

describe('sandbox authentication and scopes', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await coreSandbox({ rateLimits: false });
  });
  after(async () => {
    await sb.close();
  });

  it('auth.test answers the bot identity and the x-oauth-scopes header', async () => {
    const r = await client(sb).auth.test();
    assert.equal(r.team, 'Runwire Sandbox');
    assert.equal(r.team_id, sb.workspace.team.id);
    assert.equal(r.user_id, sb.workspace.app.bot_user_id);
    assert.equal(r.bot_id, sb.workspace.app.bot_id);
    // WebClient exposes the x-oauth-scopes header as response_metadata.scopes.
    assert.deepEqual(r.response_metadata?.scopes, [...RUNWIRE_BOT_SCOPES]);
  });

  it('not_authed, invalid_auth, token_revoked, token_expired', async () => {
    assert.equal((await platformError(client(sb, '').auth.test())).error, 'not_authed');
    assert.equal((await platformError(client(sb, 'xoxb-not-a-real-token').auth.test())).error, 'invalid_auth');
    const revoked = await botToken(sb, ['chat:write']);
    await client(sb, revoked).auth.test();
    await admin(sb, 'POST', 'tokens/revoke', { token: revoked });
    assert.equal((await platformError(client(sb, revoked).auth.test())).error, 'token_revoked');
    const expiring = await botToken(sb, ['chat:write']);
    await admin(sb, 'POST', 'tokens/expire', { token: expiring });
    assert.equal(
      (await platformError(client(sb, expiring).chat.postMessage({ channel: '#general', text: 'x' }))).error,
      'token_expired',
    );
  });

  it('missing_scope with needed and provided as comma-separated strings', async () => {
    const t = await botToken(sb, ['channels:read', 'users:read']);
    const err = await platformError(client(sb, t).chat.postMessage({ channel: '#general', text: 'x' }));
    assert.equal(err.error, 'missing_scope');
    assert.equal(err.needed, 'chat:write');
    assert.equal(err.provided, 'channels:read,users:read');
    const lookup = await platformError(client(sb, t).users.lookupByEmail({ email: 'alice@runwire.example' }));
    assert.equal(lookup.needed, 'users:read.email');
  });

  it('scopes changed by the admin endpoint take effect at once', async () => {
    const t = await botToken(sb, ['chat:write']);
    await admin(sb, 'POST', 'tokens/scopes', { token: t, scopes: ['users:read'] });
    assert.equal(
      (await platformError(client(sb, t).chat.postMessage({ channel: '#general', text: 'x' }))).error,
      'missing_scope',
    );
    const r = await client(sb, t).users.list({});
    assert.deepEqual(r.response_metadata?.scopes, ['users:read']);
  });

  it('the app-level token is refused by bot methods (not_allowed_token_type)', async () => {
    assert.equal(
      (await platformError(client(sb, sb.credentials.app_token).auth.test())).error,
      'not_allowed_token_type',
    );
  });

  // The official clients always send the token as a Bearer header and form bodies, so the other
  // transports Slack accepts are checked with plain HTTP.
  it('accepts the token as a form field, JSON bodies with Bearer, and query strings', async () => {
    const form = await fetch(`${sb.apiUrl}auth.test`, {
      method: 'POST',
      body: new URLSearchParams({ token: sb.credentials.bot_token }),
    });
    assert.equal(form.headers.get('x-oauth-scopes'), RUNWIRE_BOT_SCOPES.join(','));
    assert.equal(((await form.json()) as { ok: boolean }).ok, true);
    const json = await fetch(`${sb.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${sb.credentials.bot_token}`,
        'content-type': 'application/json; charset=utf-8',
      },
      body: JSON.stringify({
        channel: '#general',
        text: 'json body',
        metadata: { event_type: 'e', event_payload: { n: 1 } },
      }),
    });
    const posted = (await json.json()) as { ok: boolean; ts: string; channel: string };
    assert.equal(posted.ok, true);
    assert.deepEqual(sb.workspace.findMessage(posted.channel, posted.ts)?.metadata, {
      event_type: 'e',
      event_payload: { n: 1 },
    });
    const query = await fetch(`${sb.apiUrl}auth.test?token=${encodeURIComponent(sb.credentials.bot_token)}`);
    assert.equal(((await query.json()) as { ok: boolean }).ok, true);
    const broken = await fetch(`${sb.apiUrl}auth.test`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sb.credentials.bot_token}`, 'content-type': 'application/json' },
      body: '{not json',
    });
    assert.equal(broken.status, 200);
    assert.equal(((await broken.json()) as { error: string }).error, 'invalid_form_data');
    const unknown = await fetch(`${sb.apiUrl}no.such.method`, { method: 'POST' });
    assert.equal(((await unknown.json()) as { error: string }).error, 'unknown_method');
  });
});
