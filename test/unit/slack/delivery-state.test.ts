import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decideStart,
  lookupOldest,
  permalinkFor,
  readDeliveryState,
  readRehearsal,
  rehearsalPlan,
} from '../../../src/slack/delivery/state.js';

test('a task that finds nothing sends; one found sent is done; one found sending looks up first', () => {
  assert.deepEqual(decideStart(undefined), { kind: 'send' });
  const sent = readDeliveryState({ state: 'sent', ts: '1.2', attempts: 1 });
  assert.equal(decideStart(sent).kind, 'done');
  const sending = readDeliveryState({
    state: 'sending',
    delivery_id: 'd1',
    attempts: 1,
    intent_at: '2026-01-01T00:00:00Z',
  });
  assert.equal(decideStart(sending).kind, 'lookup_then_send');
  // Pending: the intent was saved but the message was still queued — nothing went out.
  assert.equal(decideStart(readDeliveryState({ state: 'pending', delivery_id: 'd0', attempts: 0 })).kind, 'send');
  // Failed with an unknown outcome: look first.
  assert.equal(
    decideStart(readDeliveryState({ state: 'failed', delivery_id: 'd2', maybe_sent: true, attempts: 7 })).kind,
    'lookup_then_send',
  );
  const failed = readDeliveryState({ state: 'failed', attempts: 2 });
  assert.equal(decideStart(failed).kind, 'send');
  // An update is idempotent: it is simply done again.
  assert.equal(
    decideStart(readDeliveryState({ state: 'sending', delivery_id: 'd', operation: 'update', attempts: 1 })).kind,
    'send',
  );
});

test('unrecognised state reads as none', () => {
  assert.equal(readDeliveryState({ state: 'weird' }), undefined);
  assert.equal(readDeliveryState(undefined), undefined);
  assert.equal(readDeliveryState({ state: 'sent' })?.attempts, 0);
});

test('the lookup starts a margin before the intent', () => {
  const oldest = Number(lookupOldest('2026-01-01T00:02:00Z', new Date('2026-01-01T00:05:00Z')));
  assert.equal(oldest, Date.parse('2026-01-01T00:00:00Z') / 1000);
});

test('rehearsal: skip by default, send prefixes, a channel redirects', () => {
  assert.deepEqual(readRehearsal(undefined), { kind: 'skip' });
  assert.deepEqual(readRehearsal('skip'), { kind: 'skip' });
  assert.deepEqual(readRehearsal('send'), { kind: 'send' });
  assert.deepEqual(readRehearsal({ channel: '#rehearsal' }), { kind: 'redirect', channel: '#rehearsal' });
  assert.deepEqual(rehearsalPlan('live', { kind: 'skip' }), { send: true, prefix: '' });
  assert.deepEqual(rehearsalPlan('rehearsal', { kind: 'skip' }), { send: false });
  assert.deepEqual(rehearsalPlan('rehearsal', { kind: 'send' }), { send: true, prefix: '[REHEARSAL] ' });
  assert.deepEqual(rehearsalPlan('rehearsal', { kind: 'redirect', channel: '#r' }), {
    send: true,
    prefix: '[REHEARSAL] ',
    channelOverride: '#r',
  });
});

test("permalinks follow Slack's shape", () => {
  assert.equal(
    permalinkFor('https://acme.slack.com/', 'C1', '1503435956.000247'),
    'https://acme.slack.com/archives/C1/p1503435956000247',
  );
  assert.match(
    permalinkFor('https://acme.slack.com', 'C1', '2.000001', '1.000001'),
    /\/archives\/C1\/p2000001\?thread_ts=1\.000001/,
  );
});
