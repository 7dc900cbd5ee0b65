/** The in-memory workspace on its own (no HTTP): channel references, DMs, threads, edits, reset. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Workspace } from '../../../src/sandbox/workspace.js';

function small(clock = () => 1_700_000_000_000): Workspace {
  return new Workspace(
    {
      team: { name: 'T' },
      users: [{ name: 'ann', email: 'Ann@X.example' }, { name: 'ben' }, { name: 'cat' }],
      channels: [
        { name: 'pub', members: ['ann', 'bot'], messages: [{ user: 'ann', text: 'seeded' }] },
        { name: 'priv', private: true, members: ['ann'] },
      ],
    },
    { clock },
  );
}

describe('sandbox workspace model', () => {
  it('resolves ids, #names, bare names and user ids (→ a DM opened once)', () => {
    const ws = small();
    const ann = ws.userRef('ann')!.id;
    const ben = ws.userRef('@ben')!.id;
    const pub = ws.resolveChannel('#pub', ann)!;
    assert.equal(ws.resolveChannel('pub', ann), pub);
    assert.equal(ws.resolveChannel(pub.id, ann), pub);
    assert.equal(ws.resolveChannel('#nope', ann), undefined);
    const dm = ws.resolveChannel(ben, ann)!;
    assert.equal(dm.type, 'im');
    assert.equal(ws.resolveChannel(ben, ann), dm);
    assert.equal(ws.openIm(ben, ann), dm, 'the same IM from either side');
    const mp = ws.openMpim([ann, ben, ws.userRef('cat')!.id]);
    assert.equal(mp.type, 'mpim');
    assert.match(mp.id, /^G/);
    assert.equal(ws.userByEmail('ann@x.EXAMPLE')?.name, 'ann');
  });

  it('keeps ts unique and ordered under a frozen clock; threads count replies', () => {
    const ws = small();
    const ann = ws.userRef('ann')!.id;
    const pub = ws.resolveChannel('pub', ann)!;
    const a = ws.postAsUser(ann, 'pub', 'a');
    const b = ws.postAsUser(ann, 'pub', 'b');
    assert.ok(b.ts > a.ts);
    const r = ws.post(pub.id, { user: ann, text: 'r', thread_ts: a.ts });
    assert.equal(ws.findMessage(pub.id, a.ts)?.reply_count, 1);
    assert.deepEqual(
      ws.replies(pub.id, a.ts)?.map((m) => m.text),
      ['a', 'r'],
    );
    assert.deepEqual(
      ws.history(pub.id).map((m) => m.text),
      ['b', 'a', 'seeded'],
    );
    assert.equal(r.thread_ts, a.ts);
  });

  it('postAsUser joins public channels but refuses private ones and archived ones', () => {
    const ws = small();
    const ben = ws.userRef('ben')!.id;
    ws.postAsUser(ben, '#pub', 'hi');
    assert.ok(ws.resolveChannel('pub', ben)!.members.has(ben));
    assert.throws(() => ws.postAsUser(ben, '#priv', 'x'), /not a member/);
  });

  it('update and remove emit with the previous message; reset restores the seed', () => {
    const ws = small();
    const ann = ws.userRef('ann')!.id;
    const pub = ws.resolveChannel('pub', ann)!;
    const m = ws.postAsUser(ann, 'pub', 'v1');
    const seen: string[] = [];
    ws.on('message_changed', (e) => seen.push(`changed ${e.previous.text}->${e.message.text}`));
    ws.on('message_deleted', (e) => seen.push(`deleted ${e.message.text}`));
    ws.on('reset', () => seen.push('reset'));
    ws.update(pub.id, m.ts, { text: 'v2' }, ann);
    ws.remove(pub.id, m.ts, ann);
    const token = ws.credentials.bot_token;
    ws.tokens.get(token)!.revoked = true;
    ws.reset();
    assert.deepEqual(seen, ['changed v1->v2', 'deleted v2', 'reset']);
    assert.equal(ws.tokens.get(token)?.revoked, false);
    assert.equal(ws.credentials.bot_token, token);
    assert.deepEqual(
      ws.history(ws.resolveChannel('pub', ann)!.id).map((x) => x.text),
      ['seeded'],
    );
  });
});
