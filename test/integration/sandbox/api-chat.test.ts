/** chat.* through the official WebClient: posting rules, threads, metadata, blocks, limits on text. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Sandbox } from '../../../src/sandbox/server.js';
import { admin, botToken, channelId, client, coreSandbox, platformError, userId } from './support.js';

describe('sandbox chat methods', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await coreSandbox({ rateLimits: false });
  });
  after(async () => {
    await sb.close();
  });

  it('posts by id, by #name and by bare name, with ts unique per channel', async () => {
    const c = client(sb);
    const general = channelId(sb, 'general');
    const seen = new Set<string>();
    for (const channel of [general, '#general', 'general', general, general]) {
      const r = await c.chat.postMessage({ channel, text: `hello ${seen.size}` });
      assert.equal(r.channel, general);
      assert.match(r.ts!, /^\d{10}\.\d{6}$/);
      assert.ok(!seen.has(r.ts!), `duplicate ts ${r.ts}`);
      seen.add(r.ts!);
      assert.equal(r.message?.text, `hello ${seen.size - 1}`);
      assert.equal(r.message?.bot_id, sb.workspace.app.bot_id);
    }
    const stored = await admin(sb, 'GET', `channels/${general}/messages`);
    const texts = (stored.messages as Array<{ text: string }>).map((m) => m.text);
    assert.deepEqual(texts.slice(-5), ['hello 0', 'hello 1', 'hello 2', 'hello 3', 'hello 4']);
  });

  it('a user id as channel posts to the DM with that user', async () => {
    const carol = userId(sb, 'carol');
    const r = await client(sb).chat.postMessage({ channel: carol, text: 'psst' });
    assert.match(r.channel!, /^D[A-Z0-9]{8,}$/);
    const opened = await client(sb).conversations.open({ users: carol });
    assert.equal(opened.channel?.id, r.channel);
  });

  it('only chat.postMessage and chat.postEphemeral take a channel name; every other method wants the ID (channel_not_found)', async () => {
    const c = client(sb);
    const general = channelId(sb, 'general');
    const posted = await c.chat.postMessage({ channel: general, text: 'by id' });
    const ts = posted.ts!;
    const joiner = await botToken(sb, ['channels:join']);
    const eph = await c.chat.postEphemeral({ channel: '#general', user: userId(sb, 'alice'), text: 'by name' });
    assert.equal(eph.ok, true);
    for (const name of ['#general', 'general']) {
      const refusals = await Promise.all([
        platformError(c.chat.update({ channel: name, ts, text: 'edited' })),
        platformError(c.chat.delete({ channel: name, ts })),
        platformError(c.chat.getPermalink({ channel: name, message_ts: ts })),
        platformError(c.conversations.info({ channel: name })),
        platformError(c.conversations.history({ channel: name })),
        platformError(c.conversations.replies({ channel: name, ts })),
        platformError(client(sb, joiner).conversations.join({ channel: name })),
      ]);
      assert.deepEqual(
        refusals.map((r) => r.error),
        Array(7).fill('channel_not_found'),
        name,
      );
    }
    // chat.update of a DM wants the D… id, not the person's user id (Slack's reference says so).
    const dm = await c.chat.postMessage({ channel: userId(sb, 'dave'), text: 'psst' });
    assert.equal(
      (await platformError(c.chat.update({ channel: userId(sb, 'dave'), ts: dm.ts!, text: 'x' }))).error,
      'channel_not_found',
    );
    assert.equal((await c.chat.update({ channel: dm.channel!, ts: dm.ts!, text: 'edited' })).ok, true);
    assert.equal((await c.chat.update({ channel: general, ts, text: 'edited' })).ok, true);
  });

  it('private channel the bot is not in → channel_not_found; archived → is_archived', async () => {
    assert.equal(
      (await platformError(client(sb).chat.postMessage({ channel: '#leadership', text: 'x' }))).error,
      'channel_not_found',
    );
    assert.equal(
      (await platformError(client(sb).chat.postMessage({ channel: '#old-project', text: 'x' }))).error,
      'is_archived',
    );
    assert.equal(
      (await platformError(client(sb).chat.postMessage({ channel: 'C0NOSUCHCHAN', text: 'x' }))).error,
      'channel_not_found',
    );
    const ok = await client(sb).chat.postMessage({ channel: '#security', text: 'the bot is a member here' });
    assert.equal(ok.ok, true);
  });

  it('public channel without membership: not_in_channel unless the bot token has chat:write.public', async () => {
    const plain = await botToken(sb, ['chat:write']);
    const err = await platformError(client(sb, plain).chat.postMessage({ channel: '#deploys', text: 'x' }));
    assert.equal(err.error, 'not_in_channel');
    const r = await client(sb).chat.postMessage({ channel: '#deploys', text: 'via chat:write.public' });
    assert.equal(r.ok, true);
    // chat:write.public does not make the bot a member.
    assert.equal(sb.workspace.channels.get(channelId(sb, 'deploys'))!.members.has(sb.workspace.app.bot_user_id), false);
  });

  it('a user token without chat:write.public semantics needs membership', async () => {
    const userToken = (
      await admin(sb, 'POST', 'tokens', { kind: 'user', user: 'grace', scopes: ['chat:write', 'chat:write.public'] })
    ).token as string;
    assert.equal(
      (await platformError(client(sb, userToken).chat.postMessage({ channel: '#ops', text: 'x' }))).error,
      'not_in_channel',
    );
    const r = await client(sb, userToken).chat.postMessage({ channel: '#general', text: 'from grace' });
    assert.equal(r.message?.user, userId(sb, 'grace'));
    assert.equal(r.message?.bot_id, undefined);
  });

  it('no_text without text, blocks or attachments; text over 40,000 characters truncated by chat.postMessage (msg_too_long from chat.update)', async () => {
    const c = client(sb);
    assert.equal((await platformError(c.chat.postMessage({ channel: '#general' } as never))).error, 'no_text');
    // Slack truncates really long messages; chat.postMessage's reference lists no msg_too_long.
    const long = await c.chat.postMessage({ channel: '#general', text: 'x'.repeat(40_001) });
    assert.equal(long.message?.text?.length, 40_000);
    assert.deepEqual(long.response_metadata?.warnings, ['message_truncated']);
    assert.equal(
      (await platformError(c.chat.update({ channel: long.channel!, ts: long.ts!, text: 'x'.repeat(40_001) }))).error,
      'msg_too_long',
    );
    const exact = await c.chat.postMessage({ channel: '#general', text: 'y'.repeat(40_000) });
    assert.equal(exact.message?.text?.length, 40_000);
    const blocksOnly = await c.chat.postMessage({ channel: '#general', blocks: [{ type: 'divider' }] });
    assert.equal(blocksOnly.ok, true);
  });

  it('invalid_blocks for malformed blocks; good blocks are stored and returned', async () => {
    const c = client(sb);
    for (const blocks of [
      [{ type: 'no_such_block' }],
      [{ text: 'no type' }],
      [{ type: 'section' }],
      [{ type: 'header', text: { type: 'mrkdwn', text: '*x*' } }],
    ]) {
      assert.equal(
        (await platformError(c.chat.postMessage({ channel: '#general', text: 'x', blocks: blocks as never }))).error,
        'invalid_blocks',
      );
    }
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*deploy* done' } }];
    const r = await c.chat.postMessage({ channel: '#general', text: 'deploy done', blocks });
    assert.deepEqual(r.message?.blocks, blocks);
  });

  it('threads: thread_ts replies, reply_broadcast shows in history, replies lists the thread', async () => {
    const c = client(sb);
    const parent = await c.chat.postMessage({ channel: '#ops', text: 'parent' });
    const r1 = await c.chat.postMessage({ channel: '#ops', text: 'reply 1', thread_ts: parent.ts! });
    const r2 = await c.chat.postMessage({
      channel: '#ops',
      text: 'reply 2 broadcast',
      thread_ts: parent.ts!,
      reply_broadcast: true,
    });
    assert.equal(r1.message?.thread_ts, parent.ts);
    const replies = await c.conversations.replies({ channel: parent.channel!, ts: parent.ts! });
    assert.deepEqual(
      replies.messages?.map((m) => m.text),
      ['parent', 'reply 1', 'reply 2 broadcast'],
    );
    assert.equal(replies.messages?.[0]?.reply_count, 2);
    const hist = await c.conversations.history({ channel: parent.channel!, limit: 10 });
    const texts = hist.messages?.map((m) => m.text) ?? [];
    assert.ok(texts.includes('reply 2 broadcast'), 'broadcast reply is in channel history');
    assert.ok(!texts.includes('reply 1'), 'plain reply is only in the thread');
    assert.equal(
      (await platformError(c.chat.postMessage({ channel: '#ops', text: 'x', thread_ts: '1234567890.123456' }))).error,
      'cannot_reply_to_message',
    );
    assert.ok(r2.ts! > r1.ts!);
  });

  it('metadata is stored and returned by history only with include_all_metadata', async () => {
    const c = client(sb);
    const metadata = { event_type: 'runwire_task', event_payload: { run: 'r1', task: 't1' } };
    const r = await c.chat.postMessage({ channel: '#releases', text: 'with metadata', metadata });
    const plain = await c.conversations.history({ channel: r.channel!, limit: 1 });
    assert.equal(plain.messages?.[0]?.ts, r.ts);
    assert.equal((plain.messages?.[0] as Record<string, unknown>).metadata, undefined);
    const withMeta = await c.conversations.history({ channel: r.channel!, limit: 1, include_all_metadata: true });
    assert.deepEqual((withMeta.messages?.[0] as Record<string, unknown>).metadata, metadata);
    const bad = await platformError(
      c.chat.postMessage({ channel: '#releases', text: 'x', metadata: { event_type: 'x' } as never }),
    );
    assert.equal(bad.error, 'invalid_metadata_format');
  });

  it('conversations.replies returns metadata with include_all_metadata, filters replies by oldest/latest, keeps the parent', async () => {
    const c = client(sb);
    const metadata = { event_type: 'runwire_task', event_payload: { delivery_id: 'd-1' } };
    const parent = await c.chat.postMessage({ channel: '#releases', text: 'thread parent' });
    const early = await c.chat.postMessage({ channel: '#releases', text: 'early reply', thread_ts: parent.ts! });
    const reply = await c.chat.postMessage({ channel: '#releases', text: 'tagged', thread_ts: parent.ts!, metadata });
    const plain = await c.conversations.replies({ channel: parent.channel!, ts: parent.ts! });
    assert.equal((plain.messages?.find((m) => m.ts === reply.ts) as Record<string, unknown>).metadata, undefined);
    const withMeta = await c.conversations.replies({
      channel: parent.channel!,
      ts: parent.ts!,
      include_all_metadata: true,
    });
    assert.deepEqual((withMeta.messages?.find((m) => m.ts === reply.ts) as Record<string, unknown>).metadata, metadata);
    const since = await c.conversations.replies({ channel: parent.channel!, ts: parent.ts!, oldest: early.ts! });
    assert.deepEqual(
      since.messages?.map((m) => m.text),
      ['thread parent', 'tagged'],
      'the parent, then only the replies after oldest (exclusive)',
    );
    const inclusive = await c.conversations.replies({
      channel: parent.channel!,
      ts: reply.ts!,
      oldest: early.ts!,
      inclusive: true,
    });
    assert.deepEqual(
      inclusive.messages?.map((m) => m.text),
      ['thread parent', 'early reply', 'tagged'],
      'ts may name a reply; inclusive keeps the oldest one',
    );
  });

  it('chat.update and chat.delete own messages; others get cant_update_message / cant_delete_message', async () => {
    const c = client(sb);
    const r = await c.chat.postMessage({ channel: '#general', text: 'v1' });
    const u = await c.chat.update({ channel: r.channel!, ts: r.ts!, text: 'v2' });
    assert.equal(u.text, 'v2');
    assert.equal(sb.workspace.findMessage(r.channel!, r.ts!)?.text, 'v2');
    const welcome = sb.workspace.history(r.channel!).find((m) => m.text.startsWith('Welcome'))!;
    assert.equal(
      (await platformError(c.chat.update({ channel: r.channel!, ts: welcome.ts, text: 'hijack' }))).error,
      'cant_update_message',
    );
    assert.equal(
      (await platformError(c.chat.delete({ channel: r.channel!, ts: welcome.ts }))).error,
      'cant_delete_message',
    );
    assert.equal(
      (await platformError(c.chat.update({ channel: r.channel!, ts: '1111111111.000001', text: 'x' }))).error,
      'message_not_found',
    );
    const d = await c.chat.delete({ channel: r.channel!, ts: r.ts! });
    assert.equal(d.ts, r.ts);
    assert.equal(sb.workspace.findMessage(r.channel!, r.ts!), undefined);
  });

  it('chat.update keeps blocks, attachments and metadata left out, and removes them when sent empty (as Slack documents)', async () => {
    const c = client(sb);
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*v1*' } }];
    const attachments = [{ text: 'att' }];
    const metadata = { event_type: 'qa', event_payload: { n: 1 } };
    const r = await c.chat.postMessage({ channel: '#general', text: 'v1', blocks, attachments, metadata });
    await c.chat.update({ channel: r.channel!, ts: r.ts!, text: 'v2' });
    let m = sb.workspace.findMessage(r.channel!, r.ts!)!;
    assert.equal(m.text, 'v2');
    assert.deepEqual(m.blocks, blocks, 'blocks left out are retained');
    assert.deepEqual(m.attachments, attachments, 'attachments left out are retained');
    assert.deepEqual(m.metadata, metadata, 'metadata left out is retained');
    await c.chat.update({
      channel: r.channel!,
      ts: r.ts!,
      text: 'v3',
      blocks: [],
      attachments: [],
      metadata: {} as never,
    });
    m = sb.workspace.findMessage(r.channel!, r.ts!)!;
    assert.equal(m.text, 'v3');
    assert.equal(m.blocks, undefined, 'an empty blocks array removes them');
    assert.equal(m.attachments, undefined, 'an empty attachments array removes them');
    assert.equal(m.metadata, undefined, 'an empty metadata object removes it');
  });

  it('chat.getPermalink and chat.postEphemeral', async () => {
    const c = client(sb);
    const r = await c.chat.postMessage({ channel: '#general', text: 'link me' });
    const p = await c.chat.getPermalink({ channel: r.channel!, message_ts: r.ts! });
    assert.equal(p.permalink, `${sb.url}archives/${r.channel}/p${r.ts!.replace('.', '')}`);
    assert.equal(
      (await platformError(c.chat.getPermalink({ channel: r.channel!, message_ts: '1111111111.000001' }))).error,
      'message_not_found',
    );
    const e = await c.chat.postEphemeral({ channel: '#general', user: userId(sb, 'alice'), text: 'only for alice' });
    assert.match(e.message_ts!, /^\d{10}\.\d{6}$/);
    assert.ok(
      !sb.workspace.allMessages(r.channel!).some((m) => m.text === 'only for alice'),
      'ephemeral messages are not stored',
    );
    // In a thread: thread_ts names the parent (a reply's ts means its thread); an unknown one is refused.
    const seen: Array<{ message: { thread_ts?: string } }> = [];
    const onEphemeral = (e: { message: { thread_ts?: string } }) => seen.push(e);
    sb.workspace.on('ephemeral', onEphemeral);
    const reply = await c.chat.postMessage({ channel: r.channel!, thread_ts: r.ts!, text: 'a reply' });
    await c.chat.postEphemeral({
      channel: r.channel!,
      user: userId(sb, 'alice'),
      text: 'in thread',
      thread_ts: reply.ts!,
    });
    sb.workspace.off('ephemeral', onEphemeral);
    assert.equal(seen[0]?.message.thread_ts, r.ts, 'the ephemeral is in the thread of the parent');
    assert.equal(
      (
        await platformError(
          c.chat.postEphemeral({
            channel: r.channel!,
            user: userId(sb, 'alice'),
            text: 'x',
            thread_ts: '1111111111.000001',
          }),
        )
      ).error,
      'cannot_reply_to_message',
    );
    assert.equal(
      (await platformError(c.chat.postEphemeral({ channel: '#ops', user: userId(sb, 'grace'), text: 'x' }))).error,
      'user_not_in_channel',
    );
  });

  it('emits message, message_changed and message_deleted on the workspace', async () => {
    const seen: string[] = [];
    const on = (kind: string) => (e: { message: { text: string } }) => seen.push(`${kind}:${e.message.text}`);
    const onMessage = on('message');
    const onChanged = on('changed');
    const onDeleted = on('deleted');
    sb.workspace.on('message', onMessage);
    sb.workspace.on('message_changed', onChanged);
    sb.workspace.on('message_deleted', onDeleted);
    try {
      const c = client(sb);
      const r = await c.chat.postMessage({ channel: '#random', text: 'e1' });
      await c.chat.update({ channel: r.channel!, ts: r.ts!, text: 'e2' });
      await c.chat.delete({ channel: r.channel!, ts: r.ts! });
      sb.workspace.postAsUser(userId(sb, 'bob'), '#random', 'typed by bob');
    } finally {
      sb.workspace.off('message', onMessage);
      sb.workspace.off('message_changed', onChanged);
      sb.workspace.off('message_deleted', onDeleted);
    }
    assert.deepEqual(seen, ['message:e1', 'changed:e2', 'deleted:e2', 'message:typed by bob']);
  });
});
