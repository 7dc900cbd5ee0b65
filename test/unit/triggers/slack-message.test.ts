import { test } from 'node:test';
import assert from 'node:assert/strict';
import { slackMessageTrigger, type SlackMessageEvent } from '../../../src/triggers/slack-message.js';

const config = {
  connection: 'default',
  channel_ids: ['C0DEPLOYS', 'C0OPS'],
  match: '^deploy (?<release>\\d+)( rehearsal)?$',
  user_ids: ['U0ALICE'],
  group_ids: ['S0RELEASE'],
};
const event = (over: Partial<SlackMessageEvent> = {}): SlackMessageEvent => ({
  event_id: 'Ev1',
  team_id: 'T1',
  channel: 'C0DEPLOYS',
  user: 'U0ALICE',
  text: 'deploy 42',
  ts: '1700000000.000100',
  ...over,
});

test('a matching message from an allowed user matches, with the named groups as vars', () => {
  const m = slackMessageTrigger.match(event(), config);
  assert.deepEqual(m, { matched: true, groups: { release: '42' } });
  if (!m.matched) return;
  const vars = slackMessageTrigger.toVars(event({ user_name: 'alice', permalink: 'https://x/p1' }), config, m);
  assert.equal(vars['trigger.match.release'], '42');
  assert.equal(vars['trigger.user_name'], 'alice');
  assert.equal(vars['trigger.permalink'], 'https://x/p1');
  assert.equal(vars['trigger.text'], 'deploy 42');
});

test('other channels, non-matching text, bots, edits and thread replies do not start a run', () => {
  const reasons = [
    event({ channel: 'C0RANDOM' }),
    event({ text: 'deploy now' }),
    event({ bot_id: 'B1', subtype: 'bot_message' }),
    event({ subtype: 'message_changed' }),
    event({ thread_ts: '1699999999.000001' }),
  ].map((e) => {
    const m = slackMessageTrigger.match(e, config);
    return m.matched ? 'matched' : m.reason;
  });
  assert.deepEqual(reasons, ['ignored', 'no_match', 'ignored', 'ignored', 'ignored']);
  // Opt-ins: threads and bots.
  assert.equal(
    slackMessageTrigger.match(event({ thread_ts: '1699999999.000001' }), { ...config, threads: true }).matched,
    true,
  );
  assert.equal(slackMessageTrigger.match(event({ bot_id: 'B1' }), { ...config, bots: true }).matched, true);
});

test('users and user groups limit who may start it', () => {
  const bob = slackMessageTrigger.match(event({ user: 'U0BOB' }), config);
  assert.equal(bob.matched ? 'matched' : bob.reason, 'not_allowed');
  assert.equal(slackMessageTrigger.match(event({ user: 'U0BOB', user_groups: ['S0RELEASE'] }), config).matched, true);
  assert.equal(
    slackMessageTrigger.match(event({ user: 'U0BOB' }), { ...config, user_ids: [], group_ids: [] }).matched,
    true,
  );
});

test('the dedupe key is the same for a retried delivery and differs per message', () => {
  assert.equal(slackMessageTrigger.dedupeKey(event()), slackMessageTrigger.dedupeKey(event({ event_id: 'Ev2' })));
  assert.notEqual(
    slackMessageTrigger.dedupeKey(event()),
    slackMessageTrigger.dedupeKey(event({ ts: '1700000000.000200' })),
  );
});

test('a schedule occurrence is one key per trigger and time, with scheduled_for as a var', async () => {
  const { scheduleTrigger } = await import('../../../src/triggers/schedule.js');
  const o = { trigger: 'dr/nightly', scheduledFor: Date.parse('2026-12-02T02:30:00Z') };
  assert.equal(scheduleTrigger.dedupeKey(o), 'dr/nightly@2026-12-02T02:30:00.000Z');
  assert.deepEqual(scheduleTrigger.toVars(o, { cron: '30 2 * * *' }, { matched: true, groups: {} }), {
    'trigger.scheduled_for': '2026-12-02T02:30:00.000Z',
  });
});
