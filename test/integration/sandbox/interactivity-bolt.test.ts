/**
 * Interactivity through Slack's official framework: a `@slack/bolt` app receives the sandbox's
 * button clicks (block_actions) and slash commands — signed over HTTP with the app's signing secret
 * (Bolt verifies them), or as Socket Mode envelopes — acks them, and answers through response_url
 * and the slash command's reply, which the sandbox applies as Slack does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import bolt from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';

const { App, LogLevel, SocketModeReceiver } = bolt;

function userId(sb: Sandbox, name: string): string {
  return [...sb.workspace.users.values()].find((x) => x.name === name)!.id;
}

function channelId(sb: Sandbox, name: string): string {
  return [...sb.workspace.channels.values()].find((c) => c.name === name)!.id;
}

async function until<T>(what: string, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function admin(sb: Sandbox, path: string, body: unknown): Promise<any> {
  const res = await fetch(`${sb.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return res.json();
}

const APPROVAL_BLOCKS = [
  { type: 'section', text: { type: 'mrkdwn', text: 'Cut over release 42?' } },
  {
    type: 'actions',
    block_id: 'decide',
    elements: [
      {
        type: 'button',
        action_id: 'approve',
        text: { type: 'plain_text', text: 'Approve' },
        value: 'ref-1',
        style: 'primary',
      },
      {
        type: 'button',
        action_id: 'reject',
        text: { type: 'plain_text', text: 'Reject' },
        value: 'ref-1',
        style: 'danger',
      },
    ],
  },
];

async function postApproval(sb: Sandbox, channel: string): Promise<string> {
  const web = new WebClient(sb.credentials.bot_token, { slackApiUrl: sb.apiUrl });
  const r = await web.chat.postMessage({ channel, text: 'Cut over release 42?', blocks: APPROVAL_BLOCKS });
  return r.ts!;
}

test('a Bolt app over HTTP gets signed clicks and slash commands, and its answers land in the channel', async (t) => {
  const sb = await startSandbox({ port: 0 });
  t.after(() => sb.close());
  const app = new App({
    token: sb.credentials.bot_token,
    signingSecret: sb.workspace.app.signing_secret,
    clientOptions: { slackApiUrl: sb.apiUrl },
    logLevel: LogLevel.ERROR,
  });
  const clicks: any[] = [];
  app.action('approve', async ({ ack, body, action, respond }) => {
    await ack();
    clicks.push({ body, action });
    await respond({ replace_original: true, text: `Approved by <@${body.user.id}>` });
  });
  app.command('/runwire', async ({ ack, command, respond }) => {
    await ack({ text: `Working on: ${command.text}` });
    await respond({ response_type: 'in_channel', text: `Started ${command.text}` });
  });
  const server = (await app.start(0)) as Server;
  t.after(() => app.stop());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  const settings = await admin(sb, 'sandbox/app/interactivity', {
    request_url: url,
    slash_commands: { '/runwire': url },
  });
  assert.equal(settings.ok, true);
  // Socket Mode is off for this app: no client is connected, so HTTP is used.

  const ops = channelId(sb, 'ops');
  const alice = userId(sb, 'alice');
  const ts = await postApproval(sb, ops);
  const click = await admin(sb, 'sandbox/interactivity/click', { user: alice, channel: ops, ts, action_id: 'approve' });
  assert.deepEqual([click.ok, click.via, click.acked], [true, 'http', true]);
  const got = await until('the click', () => clicks[0]);
  assert.equal(got.body.type, 'block_actions');
  assert.equal(got.body.user.id, alice);
  assert.equal(got.body.container.message_ts, ts);
  assert.equal(got.body.channel.id, ops);
  assert.equal(got.action.value, 'ref-1');
  assert.equal(got.action.block_id, 'decide');
  assert.match(got.body.response_url, /\/sandbox\/response\/[0-9a-f]{32}$/);
  const replaced = await until('the message replaced', () => {
    const m = sb.workspace.findMessage(ops, ts);
    return m?.text.startsWith('Approved') ? m : undefined;
  });
  assert.equal(replaced.text, `Approved by <@${alice}>`);
  assert.deepEqual(replaced.blocks, [], 'replace_original without blocks removes the buttons');

  const ephemerals: any[] = [];
  sb.workspace.on('ephemeral', (e: any) => ephemerals.push(e));
  const before = sb.workspace.history(ops).length;
  const cmd = await admin(sb, 'sandbox/interactivity/command', { user: alice, channel: ops, text: '/runwire run dr' });
  assert.deepEqual([cmd.ok, cmd.via, cmd.acked], [true, 'http', true]);
  const eph = await until('the ephemeral ack', () => ephemerals[0]);
  assert.equal(eph.to, alice);
  assert.equal(eph.message.text, 'Working on: run dr');
  const posted = await until('the in_channel answer', () =>
    sb.workspace.history(ops).length > before ? sb.workspace.history(ops)[0] : undefined,
  );
  assert.equal(posted.text, 'Started run dr');
});

test('a forged click or command (wrong signing secret) is refused by Bolt and the person sees the failure', async (t) => {
  const sb = await startSandbox({ port: 0 });
  t.after(() => sb.close());
  const app = new App({
    token: sb.credentials.bot_token,
    signingSecret: 'not-the-apps-secret',
    clientOptions: { slackApiUrl: sb.apiUrl },
    logLevel: LogLevel.ERROR,
  });
  let handled = 0;
  app.command('/runwire', async ({ ack }) => {
    handled++;
    await ack();
  });
  const server = (await app.start(0)) as Server;
  t.after(() => app.stop());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  await admin(sb, 'sandbox/app/interactivity', { slash_commands: { '/runwire': url } });
  const ops = channelId(sb, 'ops');
  const ephemerals: any[] = [];
  sb.workspace.on('ephemeral', (e: any) => ephemerals.push(e));
  // By name, as /sandbox/post takes them: the person `alice`, the channel `#ops`.
  const cmd = await admin(sb, 'sandbox/interactivity/command', {
    user: 'alice',
    channel: '#ops',
    text: '/runwire help',
  });
  assert.equal(cmd.acked, false);
  assert.equal(ephemerals[0].channel.id, ops);
  assert.equal(ephemerals[0].to, userId(sb, 'alice'));
  assert.equal(handled, 0);
  assert.match(ephemerals[0].message.text, /\/runwire failed with the error/);
});

test('over Socket Mode, a Bolt SocketModeReceiver gets interactive and slash_commands envelopes', async (t) => {
  const sb = await startSandbox({ port: 0 });
  t.after(() => sb.close());
  const receiver = new SocketModeReceiver({
    appToken: sb.credentials.app_token,
    logLevel: LogLevel.ERROR,
    installerOptions: { clientOptions: { slackApiUrl: sb.apiUrl } },
  });
  const app = new App({
    token: sb.credentials.bot_token,
    receiver,
    clientOptions: { slackApiUrl: sb.apiUrl },
    logLevel: LogLevel.ERROR,
  });
  const clicks: any[] = [];
  app.action('reject', async ({ ack, body }) => {
    await ack();
    clicks.push(body);
  });
  app.command('/runwire', async ({ ack, command }) => {
    await ack({ text: `socket: ${command.text}` });
  });
  await app.start();
  t.after(() => app.stop());
  await until('the socket', () => ((sb.services.socketMode as any)?.connected ? true : undefined));

  const ops = channelId(sb, 'ops');
  const bob = userId(sb, 'bob');
  const ts = await postApproval(sb, ops);
  const click = await admin(sb, 'sandbox/interactivity/click', { user: bob, channel: ops, ts, action_id: 'reject' });
  assert.deepEqual([click.ok, click.via, click.acked], [true, 'socket_mode', true]);
  const got = await until('the click', () => clicks[0]);
  assert.equal(got.user.id, bob);
  assert.equal(got.actions[0].action_id, 'reject');

  const ephemerals: any[] = [];
  sb.workspace.on('ephemeral', (e: any) => ephemerals.push(e));
  const cmd = await admin(sb, 'sandbox/interactivity/command', { user: bob, channel: ops, text: '/runwire status' });
  assert.deepEqual([cmd.ok, cmd.via, cmd.acked], [true, 'socket_mode', true]);
  assert.equal((await until('the reply', () => ephemerals[0])).message.text, 'socket: status');
});

test('bad clicks and response URLs get Slack-like errors', async (t) => {
  const sb = await startSandbox({ port: 0 });
  t.after(() => sb.close());
  const ops = channelId(sb, 'ops');
  const alice = userId(sb, 'alice');
  const ts = await postApproval(sb, ops);
  const noUrl = await admin(sb, 'sandbox/interactivity/click', { user: alice, channel: ops, ts, action_id: 'approve' });
  assert.equal(noUrl.error, 'no_request_url');
  const noAction = await admin(sb, 'sandbox/interactivity/click', { user: alice, channel: ops, ts, action_id: 'nope' });
  assert.equal(noAction.error, 'action_not_found');
  const bad = await fetch(`${sb.url}sandbox/response/0123456789abcdef0123456789abcdef`, {
    method: 'POST',
    body: '{"text":"x"}',
  });
  assert.equal(bad.status, 404);
});
