import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SocketModeDispatcher } from '../../../src/server/slack/socket-dispatcher.js';
import type { ConnectionRecord } from '../../../src/slack/connections/model.js';

const connection = { name: 'default' } as ConnectionRecord;

test('envelopes go to the handler of their type; the ack carries its answer', async () => {
  const d = new SocketModeDispatcher();
  const seen: string[] = [];
  d.on('events_api', async ({ payload }) => {
    seen.push(`event:${String(payload.event_id)}`);
    return undefined;
  });
  d.on('slash_commands', async ({ payload, connection: c }) => ({ text: `${c.name} ran ${String(payload.command)}` }));
  assert.deepEqual(
    await d.dispatch(connection, { envelope_id: 'e1', type: 'events_api', payload: { event_id: 'Ev1' } }),
    { handled: true },
  );
  assert.deepEqual(
    await d.dispatch(connection, { envelope_id: 'e2', type: 'slash_commands', payload: { command: '/runwire' } }),
    { handled: true, ack: { text: 'default ran /runwire' } },
  );
  assert.deepEqual(await d.dispatch(connection, { envelope_id: 'e3', type: 'interactive', payload: {} }), {
    handled: false,
  });
  assert.deepEqual(seen, ['event:Ev1']);
  assert.throws(() => d.on('events_api', async () => undefined), /already registered/);
});
