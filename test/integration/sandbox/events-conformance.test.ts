/**
 * What the sandbox sends, checked against Slack's reference material rather than against itself:
 * every delivered event_callback validates against `events-api/slack_common_event_wrapper_schema.json`
 * (the AsyncAPI `message` topic is not used: it was generated from one file-comment deletion sample and
 * requires its `file` and `comment` fields), and Socket Mode's `hello` and
 * `events_api` envelope carry the fields of the `socket-mode/` fixtures.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import WebSocket from 'ws';
import { WebClient } from '@slack/web-api';
import { startSandbox } from '../../../src/sandbox/server.js';
import { eventsExtension } from '../../../src/sandbox/events/extension.js';
import { socketModeExtension } from '../../../src/sandbox/socket-mode/extension.js';
import { slackReferenceDir } from '../../helpers/paths.js';
import { startReceiver } from '../../helpers/event-receiver.js';

function reference(...parts: string[]): any {
  return JSON.parse(readFileSync(join(slackReferenceDir, ...parts), 'utf8'));
}

test('delivered event_callbacks validate against the reference Events API schemas', async () => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const wrapper = reference('events-api', 'slack_common_event_wrapper_schema.json');
  delete wrapper.$schema;
  const validateWrapper = ajv.compile(wrapper);

  const receiver = await startReceiver();
  const sb = await startSandbox({
    rateLimits: false,
    extensions: [eventsExtension({ config: { request_url: receiver.url } })],
  });
  try {
    const web = new WebClient(sb.credentials.bot_token, { slackApiUrl: sb.apiUrl, retryConfig: { retries: 0 } });
    const alice = [...sb.workspace.users.values()].find((u) => u.name === 'alice')!;
    const ops = [...sb.workspace.channels.values()].find((c) => c.name === 'incidents')!;
    sb.workspace.postAsUser(alice.id, ops.id, `<@${sb.workspace.app.bot_user_id}> page the DBA`);
    await receiver.waitFor(2);
    const posted = await web.chat.postMessage({ channel: ops.id, text: 'Paging the DBA' });
    await receiver.waitFor(3);
    await web.chat.update({ channel: ops.id, ts: posted.ts!, text: 'Paged the DBA' });
    await receiver.waitFor(4);
    await web.chat.delete({ channel: ops.id, ts: posted.ts! });
    const all = await receiver.waitFor(5);

    const kinds = all.map((r) => `${r.json.event.type}/${r.json.event.subtype ?? ''}`).sort();
    assert.deepEqual(kinds, [
      'app_mention/',
      'message/',
      'message/',
      'message/message_changed',
      'message/message_deleted',
    ]);
    for (const r of all) {
      assert.ok(
        validateWrapper(r.json),
        `${r.json.event.type}/${r.json.event.subtype ?? ''}: ${ajv.errorsText(validateWrapper.errors)}`,
      );
    }
    const deleted = all.find((r) => r.json.event.subtype === 'message_deleted')!;
    assert.equal(deleted.json.event.deleted_ts, posted.ts);
    assert.equal(deleted.json.event.previous_message.text, 'Paged the DBA');
  } finally {
    await sb.close();
    await receiver.close();
  }
});

test('Socket Mode hello and events_api envelopes carry the fields of the reference fixtures', async () => {
  const sb = await startSandbox({ rateLimits: false, extensions: [eventsExtension(), socketModeExtension()] });
  const ws: { socket?: WebSocket } = {};
  try {
    const app = new WebClient(sb.credentials.app_token, { slackApiUrl: sb.apiUrl, retryConfig: { retries: 0 } });
    const { url } = await app.apps.connections.open();
    const frames: any[] = [];
    const socket = new WebSocket(url!);
    ws.socket = socket;
    const wanted = (n: number): Promise<void> =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (frames.length >= n) resolve();
        };
        socket.on('message', (d) => {
          frames.push(JSON.parse(d.toString()));
          check();
        });
        socket.once('error', reject);
      });
    const gotHello = wanted(1);
    await gotHello;
    const gotEnvelope = new Promise<void>((resolve) =>
      socket.on('message', () => {
        if (frames.length >= 2) resolve();
      }),
    );
    const bob = [...sb.workspace.users.values()].find((u) => u.name === 'bob')!;
    sb.workspace.postAsUser(bob.id, '#general', 'over the raw socket');
    await gotEnvelope;

    const [hello, envelope] = frames;
    const refHello = reference('socket-mode', 'hello.json');
    assert.deepEqual(Object.keys(hello).sort(), Object.keys(refHello).sort());
    assert.deepEqual(Object.keys(hello.debug_info).sort(), Object.keys(refHello.debug_info).sort());
    const refEnvelope = reference('socket-mode', 'socket_mode_envelopes_3_events_api.json');
    assert.deepEqual(Object.keys(envelope).sort(), Object.keys(refEnvelope).sort());
    for (const key of Object.keys(refEnvelope.payload))
      assert.ok(key in envelope.payload, `envelope payload has ${key}`);
    for (const key of Object.keys(refEnvelope.payload.event).filter((k) => k !== 'client_msg_id' && k !== 'team')) {
      assert.ok(key in envelope.payload.event, `event has ${key}`);
    }
    assert.equal(envelope.type, 'events_api');
    assert.equal(envelope.retry_attempt, 0);
    socket.send(JSON.stringify({ envelope_id: envelope.envelope_id, payload: {} }));
  } finally {
    ws.socket?.close();
    await sb.close();
  }
});
