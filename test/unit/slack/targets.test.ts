import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTarget } from '../../../src/slack/targets.js';

test('channel ids, #names and bare names are channels', () => {
  assert.deepEqual(parseTarget('C0123ABCD'), {
    ok: true,
    target: { kind: 'channel_id', id: 'C0123ABCD', label: 'C0123ABCD' },
  });
  assert.deepEqual(parseTarget('G0123ABCD'), {
    ok: true,
    target: { kind: 'channel_id', id: 'G0123ABCD', label: 'G0123ABCD' },
  });
  assert.deepEqual(parseTarget('#ops-alerts'), {
    ok: true,
    target: { kind: 'channel_name', name: 'ops-alerts', label: '#ops-alerts' },
  });
  assert.deepEqual(parseTarget('release'), {
    ok: true,
    target: { kind: 'channel_name', name: 'release', label: '#release' },
  });
});

test('users by id, @name and e-mail are DMs', () => {
  const id = parseTarget('U0123ABCD');
  assert.ok(id.ok && id.target.kind === 'dm' && id.target.user.kind === 'user_id');
  const name = parseTarget('@alice');
  assert.ok(
    name.ok && name.target.kind === 'dm' && name.target.user.kind === 'user_name' && name.target.user.name === 'alice',
  );
  const mail = parseTarget('Alice@Example.com');
  assert.ok(
    mail.ok &&
      mail.target.kind === 'dm' &&
      mail.target.user.kind === 'email' &&
      mail.target.user.email === 'alice@example.com',
  );
});

test('a list of 2 to 8 users is a group DM; one user is a DM', () => {
  const g = parseTarget(['@alice', 'U0123ABCD', 'bob@example.com']);
  assert.ok(g.ok && g.target.kind === 'group_dm');
  assert.equal(g.ok && g.target.kind === 'group_dm' ? g.target.users.length : 0, 3);
  const one = parseTarget(['@alice']);
  assert.ok(one.ok && one.target.kind === 'dm');
});

test('bad targets get a message saying what is accepted', () => {
  const nine = parseTarget(Array.from({ length: 9 }, (_, i) => `@user${i}`));
  assert.ok(!nine.ok && /at most 8/.test(nine.message));
  const bad = parseTarget('#Not A Channel');
  assert.ok(!bad.ok && /not a valid channel name/.test(bad.message));
  const empty = parseTarget('');
  assert.ok(!empty.ok);
  const num = parseTarget(42);
  assert.ok(!num.ok);
  const badUser = parseTarget(['@alice', '#ops']);
  assert.ok(!badUser.ok && /not a user/.test(badUser.message));
});

test('a list of channels is refused with "one task per channel"', () => {
  for (const list of [['#ops', '#releases'], ['@alice', 'C0123456'], ['ops']]) {
    const p = parseTarget(list);
    assert.ok(!p.ok && /write one task per channel/.test(p.message), JSON.stringify(list));
  }
  const nine = parseTarget(['@a', '@b', '@c', '@d', '@e', '@f', '@g', '@h', '@i']);
  assert.ok(!nine.ok && /at most 8 users \(got 9\)/.test(nine.message));
  assert.ok(parseTarget(['@alice', 'U0123456', 'bob@runwire.example']).ok);
});
