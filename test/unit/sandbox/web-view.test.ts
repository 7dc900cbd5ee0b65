/**
 * What the sandbox page's message list is made of: thread broadcasts appear twice (thread and
 * channel), Block Kit messages carry their blocks' text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SandboxMessage } from '../../../src/sandbox/workspace-types.js';
import { permalinkTarget, threadedMessages } from '../../../src/sandbox/web/view-model.js';
import { blocksView } from '../../../src/sandbox/web/blocks-view.js';

const m = (ts: string, text: string, extra: Partial<SandboxMessage> = {}): SandboxMessage => ({
  type: 'message',
  ts,
  user: 'U0ALICE000',
  text,
  ...extra,
});

test('a broadcast reply stays in its thread and also appears in the channel at its own time', () => {
  const out = threadedMessages([
    m('1.000001', ':rocket: *Release 42* starting', { thread_ts: '1.000001', reply_count: 2 }),
    m('2.000001', 'api deployed', { thread_ts: '1.000001' }),
    m('3.000001', 'unrelated'),
    m('4.000001', ':tada: live', { thread_ts: '1.000001', reply_broadcast: true }),
  ]);
  assert.deepEqual(
    out.map((t) => [t.ts, t.broadcast_of?.thread_ts ?? null]),
    [
      ['1.000001', null],
      ['3.000001', null],
      ['4.000001', '1.000001'],
    ],
  );
  assert.deepEqual(
    out[0]!.replies.map((r) => [r.ts, r.reply_broadcast ?? false]),
    [
      ['2.000001', false],
      ['4.000001', true],
    ],
  );
  assert.equal(out[2]!.broadcast_of?.parent_text, ':rocket: *Release 42* starting');
  assert.equal(out[2]!.text, ':tada: live');
  assert.deepEqual(out[2]!.replies, []);
});

test('a reply without reply_broadcast is only in its thread', () => {
  const out = threadedMessages([
    m('1.000001', 'p', { thread_ts: '1.000001' }),
    m('2.000001', 'r', { thread_ts: '1.000001' }),
  ]);
  assert.equal(out.length, 1);
  assert.equal(out[0]!.replies.length, 1);
});

test('Block Kit: header, section text and fields, context, divider, actions, image; junk skipped', () => {
  const view = blocksView([
    { type: 'header', text: { type: 'plain_text', text: 'Release 42' } },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: '*Status:* :white_check_mark: deployed' },
      fields: [
        { type: 'mrkdwn', text: '*api*' },
        { type: 'plain_text', text: 'web' },
      ],
    },
    {
      type: 'context',
      elements: [
        { type: 'image', image_url: 'https://x.example/i.png', alt_text: 'i' },
        { type: 'mrkdwn', text: 'by <@U0ALICE000>' },
      ],
    },
    { type: 'divider' },
    { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Approve' }, action_id: 'a' }] },
    { type: 'image', image_url: 'https://x.example/g.png', alt_text: 'graph' },
    { type: 'image', image_url: 'javascript:alert(1)', alt_text: 'not a link' },
    { type: 'mystery' },
    'not a block',
    null,
  ]);
  assert.deepEqual(view, [
    { kind: 'header', text: { text: 'Release 42', mrkdwn: false } },
    {
      kind: 'section',
      text: { text: '*Status:* :white_check_mark: deployed', mrkdwn: true },
      fields: [
        { text: '*api*', mrkdwn: true },
        { text: 'web', mrkdwn: false },
      ],
    },
    { kind: 'context', items: [{ text: 'by <@U0ALICE000>', mrkdwn: true }] },
    { kind: 'divider' },
    { kind: 'actions', labels: ['Approve'], buttons: [{ label: 'Approve', action_id: 'a', block_id: 'b4' }] },
    { kind: 'image', alt: 'graph', url: 'https://x.example/g.png' },
    { kind: 'image', alt: 'not a link' },
  ]);
  assert.equal(blocksView(undefined), undefined);
  assert.equal(blocksView([{ type: 'mystery' }]), undefined);
});

test('rich_text blocks (what Slack clients send) show their text', () => {
  const view = blocksView([
    {
      type: 'rich_text',
      elements: [
        {
          type: 'rich_text_section',
          elements: [
            { type: 'text', text: 'hello ' },
            { type: 'emoji', name: 'wave' },
          ],
        },
      ],
    },
  ]);
  assert.deepEqual(view, [{ kind: 'section', text: { text: 'hello :wave:', mrkdwn: false }, fields: [] }]);
});

test('messages with blocks carry their view; others do not', () => {
  const out = threadedMessages([
    m('1.000001', 'fallback', { blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }] }),
    m('2.000001', 'plain'),
  ]);
  assert.deepEqual(out[0]!.view_blocks, [{ kind: 'section', text: { text: '*hi*', mrkdwn: true }, fields: [] }]);
  assert.equal(out[1]!.view_blocks, undefined);
});

test('permalinks point at a channel and a message ts', () => {
  assert.deepEqual(permalinkTarget('/archives/C0RELEASES/p1795688853348000'), {
    channel: 'C0RELEASES',
    ts: '1795688853.348000',
  });
  assert.deepEqual(permalinkTarget('/archives/D0DM/p1700000000000001/'), { channel: 'D0DM', ts: '1700000000.000001' });
  for (const bad of [
    '/archives/',
    '/archives/C1',
    '/archives/C1/x123',
    '/archives/c1/p1795688853348000',
    '/archives/C1/p12/extra',
  ])
    assert.equal(permalinkTarget(bad), undefined, bad);
});
