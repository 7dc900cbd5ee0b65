/** The seeded workspace, seeds given as options, reset, and the admin endpoints' input checks. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RunwireError } from '../../../src/core/errors.js';
import { RUNWIRE_BOT_SCOPES } from '../../../src/sandbox/seed.js';
import { checkSeed } from '../../../src/sandbox/seed-file.js';
import { admin, channelId, client, coreSandbox } from './support.js';

describe('sandbox workspace', () => {
  it('the default seed: Runwire Sandbox, a dozen people with e-mails, public/private/archived channels', async () => {
    const sb = await coreSandbox();
    try {
      const ws = sb.workspace;
      assert.equal(ws.team.name, 'Runwire Sandbox');
      assert.match(ws.team.id, /^T[A-Z0-9]{10}$/);
      const people = [...ws.users.values()].filter((u) => !u.is_bot);
      assert.equal(people.length, 12);
      assert.ok(people.every((u) => /^U[A-Z0-9]{10}$/.test(u.id) && /@/.test(u.email)));
      const names = [...ws.channels.values()].map((c) => c.name);
      for (const n of ['general', 'releases', 'ops', 'incidents', 'random']) assert.ok(names.includes(n), n);
      const chans = [...ws.channels.values()];
      const bot = ws.app.bot_user_id;
      assert.ok(
        chans.some((c) => c.type === 'group' && c.members.has(bot)),
        'a private channel with the bot',
      );
      assert.ok(
        chans.some((c) => c.type === 'group' && !c.members.has(bot)),
        'a private channel without the bot',
      );
      assert.ok(
        chans.some((c) => c.is_archived),
        'an archived channel',
      );
      assert.deepEqual(ws.tokens.get(sb.credentials.bot_token)?.scopes, [...RUNWIRE_BOT_SCOPES]);
      assert.match(sb.credentials.app_token, /^xapp-/);
      assert.match(sb.credentials.user_token ?? '', /^xoxp-/);
    } finally {
      await sb.close();
    }
  });

  it('tokens and secrets are random per start', async () => {
    const [a, b] = await Promise.all([coreSandbox(), coreSandbox()]);
    try {
      for (const k of ['bot_token', 'app_token', 'signing_secret', 'client_id', 'client_secret'] as const) {
        assert.notEqual(a.credentials[k], b.credentials[k], k);
      }
      assert.notEqual(a.url, b.url);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('reset restores the seeded state and undoes revocations, keeping the credentials', async () => {
    const sb = await coreSandbox({ rateLimits: false });
    try {
      const c = client(sb);
      await c.chat.postMessage({ channel: '#general', text: 'temporary' });
      await admin(sb, 'POST', 'tokens/revoke', { token: sb.credentials.bot_token });
      await admin(sb, 'POST', 'reset');
      // The revoked bot token works again after the reset.
      const hist = await c.conversations.history({ channel: channelId(sb, 'general') });
      assert.deepEqual(
        hist.messages?.map((m) => m.text),
        ['Welcome to the Runwire sandbox!'],
      );
    } finally {
      await sb.close();
    }
  });

  it('a seed option replaces the workspace; bad seeds are refused with a clear RunwireError', async () => {
    const sb = await coreSandbox({
      workspace: {
        team: { id: 'TFIXED00001', name: 'Fixed' },
        app: { bot_token: 'xoxb-fixed', signing_secret: 'fixed-secret', bot_scopes: ['chat:write'] },
        users: [{ name: 'ann', email: 'ann@x.example' }],
        channels: [{ name: 'only', members: ['ann', 'bot'], messages: [{ user: 'ann', text: 'seeded' }] }],
      },
    });
    try {
      assert.equal(sb.credentials.bot_token, 'xoxb-fixed');
      assert.equal(sb.credentials.signing_secret, 'fixed-secret');
      const r = await client(sb).chat.postMessage({ channel: '#only', text: 'x' });
      assert.equal(r.ok, true);
      assert.equal(sb.workspace.team.id, 'TFIXED00001');
    } finally {
      await sb.close();
    }
    await assert.rejects(
      coreSandbox({ workspace: { users: [{ name: 'a' }], channels: [{ name: 'c', members: ['ghost'] }] } }),
      (e: unknown) =>
        e instanceof RunwireError && e.code === 'runwire.sandbox.bad_workspace' && /ghost/.test(e.message),
    );
    await assert.rejects(
      coreSandbox({ workspace: { users: [{ name: 'a' }, { name: 'a' }] } }),
      /two users are both "a"/,
    );
    await assert.rejects(
      coreSandbox({ workspace: { channels: [{ name: 'c' }, { name: 'c' }] } }),
      /two channels are both "c"/,
    );
    assert.throws(
      () => checkSeed({ channels: [{ name: 'Bad Name!' }] }, 'ws.json'),
      (e: unknown) =>
        e instanceof RunwireError &&
        /ws\.json is not a valid sandbox workspace/.test(e.message) &&
        /channels\/0\/name/.test(e.message),
    );
  });

  it('admin endpoints answer 4xx JSON for bad input', async () => {
    const sb = await coreSandbox();
    try {
      const post = (path: string, body: string) => fetch(`${sb.url}sandbox/${path}`, { method: 'POST', body });
      assert.equal((await post('tokens/revoke', JSON.stringify({ token: 'nope' }))).status, 404);
      assert.equal((await post('tokens', '{broken')).status, 400);
      assert.equal((await post('tokens', JSON.stringify({ scopes: 'chat:write' }))).status, 400);
      assert.equal((await post('webhooks', JSON.stringify({ channel: '#nowhere' }))).status, 404);
      assert.equal((await fetch(`${sb.url}sandbox/nothing-here`)).status, 404);
      const posted = await admin(sb, 'POST', 'post', { user: 'carol', channel: '#random', text: 'typed' });
      assert.match(posted.ts as string, /^\d{10}\.\d{6}$/);
    } finally {
      await sb.close();
    }
  });
});
