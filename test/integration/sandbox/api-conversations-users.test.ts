/** conversations.* and users.* through the official WebClient: visibility, pagination, DMs, lookups. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Sandbox } from '../../../src/sandbox/server.js';
import { admin, botToken, channelId, client, coreSandbox, platformError, userId } from './support.js';

describe('sandbox conversations and users', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await coreSandbox({ rateLimits: false });
  });
  after(async () => {
    await sb.close();
  });

  it('conversations.list pages with cursors and shows private channels only to members', async () => {
    const c = client(sb);
    const names: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await c.conversations.list({
        types: 'public_channel,private_channel',
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      assert.ok((r.channels?.length ?? 0) <= 2);
      names.push(...(r.channels ?? []).map((ch) => ch.name!));
      cursor = r.response_metadata?.next_cursor || undefined;
      pages++;
    } while (cursor);
    assert.ok(pages >= 4, `expected several pages, got ${pages}`);
    assert.ok(names.includes('general') && names.includes('security') && names.includes('old-project'));
    assert.ok(!names.includes('leadership'), 'a private channel without the bot is invisible');
    assert.equal(new Set(names).size, names.length, 'no channel twice across pages');
    const active = await c.conversations.list({ exclude_archived: true, limit: 100 });
    assert.ok(!(active.channels ?? []).some((ch) => ch.is_archived));
    assert.equal((await platformError(c.conversations.list({ cursor: 'bm9wZQ==' }))).error, 'invalid_cursor');
    assert.equal((await platformError(c.conversations.list({ types: 'nonsense' }))).error, 'invalid_types');
    const noIm = await platformError(c.conversations.list({ types: 'im' }));
    assert.deepEqual([noIm.error, noIm.needed], ['missing_scope', 'im:read']);
  });

  it('conversations.info: is_member, private invisibility, missing_scope per channel type', async () => {
    const c = client(sb);
    const ops = await c.conversations.info({ channel: channelId(sb, 'ops') });
    assert.equal(ops.channel?.is_member, true);
    assert.equal(ops.channel?.name, 'ops');
    const deploys = await c.conversations.info({ channel: channelId(sb, 'deploys') });
    assert.equal(deploys.channel?.is_member, false);
    assert.equal(
      (await platformError(c.conversations.info({ channel: channelId(sb, 'leadership') }))).error,
      'channel_not_found',
    );
    const onlyPublic = await botToken(sb, ['channels:read']);
    const err = await platformError(client(sb, onlyPublic).conversations.info({ channel: channelId(sb, 'security') }));
    // The bot is a member of #security, but reading a private channel needs groups:read.
    assert.deepEqual([err.error, err.needed], ['missing_scope', 'groups:read']);
  });

  it('conversations.join needs channels:join and refuses private and archived channels', async () => {
    assert.equal(
      (await platformError(client(sb).conversations.join({ channel: channelId(sb, 'deploys') }))).needed,
      'channels:join',
    );
    const t = await botToken(sb, ['channels:join', 'chat:write']);
    const r = await client(sb, t).conversations.join({ channel: channelId(sb, 'deploys') });
    assert.equal(r.channel?.is_member, true);
    assert.equal((await client(sb, t).chat.postMessage({ channel: '#deploys', text: 'joined' })).ok, true);
    assert.equal(
      (await platformError(client(sb, t).conversations.join({ channel: channelId(sb, 'old-project') }))).error,
      'is_archived',
    );
    assert.equal(
      (await platformError(client(sb, t).conversations.join({ channel: channelId(sb, 'security') }))).error,
      'method_not_supported_for_channel_type',
    );
  });

  it('conversations.open: IM for one user, MPIM for several, too_many_users over 8', async () => {
    const c = client(sb);
    const im = await c.conversations.open({ users: userId(sb, 'dave') });
    assert.match(im.channel!.id!, /^D/);
    assert.equal(
      (await c.conversations.open({ users: userId(sb, 'dave') })).channel?.id,
      im.channel!.id,
      'reopening returns the same IM',
    );
    const three = ['dave', 'erin', 'judy'].map((n) => userId(sb, n)).join(',');
    const mpim = await c.conversations.open({ users: three });
    assert.equal((mpim.channel as Record<string, unknown>).is_mpim, true);
    const nine = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan']
      .map((n) => userId(sb, n))
      .join(',');
    assert.equal((await platformError(c.conversations.open({ users: nine }))).error, 'too_many_users');
    const eight = nine.split(',').slice(0, 8).join(',');
    assert.equal((await c.conversations.open({ users: eight })).ok, true);
    assert.equal((await platformError(c.conversations.open({ users: 'U0NOSUCHUSER' }))).error, 'user_not_found');
    assert.equal((await platformError(c.conversations.open({} as never))).error, 'users_list_not_supplied');
    await c.chat.postMessage({ channel: im.channel!.id!, text: 'dm' });
    const hist = await c.conversations.history({ channel: im.channel!.id! });
    assert.equal(hist.messages?.[0]?.text, 'dm');
  });

  it('conversations.history pages newest first with next_cursor and has_more', async () => {
    const c = client(sb);
    const random = channelId(sb, 'random');
    for (let i = 0; i < 7; i++) await c.chat.postMessage({ channel: random, text: `m${i}` });
    const first = await c.conversations.history({ channel: random, limit: 3 });
    assert.deepEqual(
      first.messages?.map((m) => m.text),
      ['m6', 'm5', 'm4'],
    );
    assert.equal(first.has_more, true);
    const second = await c.conversations.history({
      channel: random,
      limit: 3,
      cursor: first.response_metadata!.next_cursor!,
    });
    assert.deepEqual(
      second.messages?.map((m) => m.text),
      ['m3', 'm2', 'm1'],
    );
    const third = await c.conversations.history({
      channel: random,
      limit: 3,
      cursor: second.response_metadata!.next_cursor!,
    });
    assert.deepEqual(
      third.messages?.map((m) => m.text),
      ['m0'],
    );
    assert.equal(third.has_more, false);
    const windowed = await c.conversations.history({
      channel: random,
      oldest: first.messages![2]!.ts!,
      inclusive: true,
    });
    assert.deepEqual(
      windowed.messages?.map((m) => m.text),
      ['m6', 'm5', 'm4'],
    );
    assert.equal(
      (await platformError(c.conversations.history({ channel: channelId(sb, 'leadership') }))).error,
      'channel_not_found',
    );
    assert.equal(
      (await platformError(c.conversations.history({ channel: random, latest: 'yesterday' }))).error,
      'invalid_ts_latest',
    );
    assert.equal(
      (await platformError(c.conversations.replies({ channel: random, ts: '1111111111.000001' }))).error,
      'thread_not_found',
    );
  });

  it('users.list pages; users.info and users.lookupByEmail find people; e-mail needs users:read.email', async () => {
    const c = client(sb);
    const all: string[] = [];
    let cursor: string | undefined;
    do {
      const r = await c.users.list({ limit: 5, ...(cursor ? { cursor } : {}) });
      all.push(...(r.members ?? []).map((m) => m.name!));
      cursor = r.response_metadata?.next_cursor || undefined;
    } while (cursor);
    assert.equal(all.length, 13, 'twelve people and the bot');
    const alice = await c.users.lookupByEmail({ email: 'Alice@Runwire.example' });
    assert.equal(alice.user?.name, 'alice');
    assert.equal(alice.user?.profile?.email, 'alice@runwire.example');
    assert.equal(
      (await platformError(c.users.lookupByEmail({ email: 'nobody@runwire.example' }))).error,
      'users_not_found',
    );
    const info = await c.users.info({ user: userId(sb, 'bob') });
    assert.equal(info.user?.real_name, 'Bob Baker');
    assert.equal((await platformError(c.users.info({ user: 'U0NOSUCHUSER' }))).error, 'user_not_found');
    const noEmail = await botToken(sb, ['users:read']);
    const withoutEmail = await client(sb, noEmail).users.info({ user: userId(sb, 'bob') });
    assert.equal(withoutEmail.user?.profile?.email, undefined);
  });

  it('the seeded bot is in some public channels but not all', async () => {
    const state = await admin(sb, 'GET', 'state');
    const channels = state.channels as Array<{ type: string; is_archived: boolean; members: string[] }>;
    const pub = channels.filter((ch) => ch.type === 'channel' && !ch.is_archived);
    const withBot = pub.filter((ch) => ch.members.includes(sb.workspace.app.bot_user_id));
    assert.ok(withBot.length > 0 && withBot.length < pub.length);
  });
});
