import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mayStillCommit } from '../../../src/slack/delivery/slack-call.js';
import {
  decideStart,
  lateCommitLookAt,
  lookupOldest,
  permalinkFor,
  readDeliveryState,
  readRehearsal,
  rehearsalPlan,
  repostNote,
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

test('a saved state is checked: nothing saved reads as none, a malformed one throws bad_state', () => {
  assert.throws(() => readDeliveryState({ state: 'weird' }), { code: 'runwire.slack.bad_state' });
  assert.throws(() => readDeliveryState({ state: 'sent', ts: 1.2, attempts: 1 }), /ts has an unexpected value/);
  assert.throws(() => readDeliveryState({ state: 'failed', attempts: -1 }), /attempts/);
  assert.throws(() => readDeliveryState({ state: 'failed', attempts: 1, error: { code: 'x' } }), /error/);
  assert.equal(readDeliveryState({}), undefined);
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

test('late-commit window after a crash: from the earlier of now and the old post timing out, plus the grace', () => {
  const now = new Date('2026-01-01T00:01:00Z');
  // The old post was 2 s ago with a 15 s timeout: the old process gave up at most now.
  assert.equal(lateCommitLookAt('2026-01-01T00:00:58Z', now, 15_000, 5_000), now.getTime() + 5_000);
  // A post an hour ago: its window is long over.
  assert.equal(lateCommitLookAt('2026-01-01T00:00:00Z', now, 15_000, 5_000), Date.parse('2026-01-01T00:00:20Z'));
  assert.ok(lateCommitLookAt('2026-01-01T00:00:00Z', now, 15_000, 5_000) < now.getTime());
  // No time saved (a state from an older Runwire): count from now.
  assert.equal(lateCommitLookAt(undefined, now, 15_000, 5_000), now.getTime() + 5_000);
});

test('which unknown outcomes may still be stored by Slack: no answer, or a gateway giving up', () => {
  assert.equal(mayStillCommit({ kind: 'unknown', detail: 'x', transport: 'timeout' }), true);
  assert.equal(mayStillCommit({ kind: 'unknown', detail: 'x', transport: 'network_error' }), true);
  assert.equal(mayStillCommit({ kind: 'unknown', detail: 'HTTP 504', transport: 'http_error', status: 504 }), true);
  assert.equal(mayStillCommit({ kind: 'unknown', detail: 'HTTP 502', transport: 'http_error', status: 502 }), true);
  assert.equal(mayStillCommit({ kind: 'unknown', detail: 'HTTP 503', transport: 'http_error', status: 503 }), false);
  assert.equal(mayStillCommit({ kind: 'refused', error: 'internal_error' }), false);
  assert.equal(mayStillCommit({ kind: 'ok', data: {} }), false);
});

test('the re-post note says how many times it posted and how many copies Slack holds', () => {
  assert.match(repostNote(2, { copies: ['1.1'] }, 5000), /^posted 2 times: .*one copy is in Slack$/);
  const dup = repostNote(2, { copies: ['1.1', '2.2'] }, 5000);
  assert.match(dup, /^duplicate: Slack holds 2 copies of this message \(ts 1\.1, 2\.2\)/);
  assert.match(dup, /within 5s/);
  assert.match(repostNote(3, { reason: 'missing_scope' }, 5000), /^posted 3 times: .*could not check .*missing_scope/);
});
