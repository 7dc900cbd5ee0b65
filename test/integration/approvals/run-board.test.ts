/**
 * The live run board through the real CLI against the sandbox (rate limits on): a runbook with
 * `notify: { slack }` keeps one message per run up to date in place; after 200 task changes it ends
 * with the right final state, and its edits stay within chat.update's Tier 3 (50 a minute).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SlackEnv, postedFor } from '../slack/harness.js';

function chain(n: number): string {
  const tasks: string[] = [];
  for (let i = 1; i <= n; i++)
    tasks.push(`  - id: t${i}\n    type: wait\n    duration: 20ms${i > 1 ? `\n    depends_on: [t${i - 1}]` : ''}`);
  tasks.push(
    `  - id: probe\n    name: Health probe\n    type: http\n    url: http://127.0.0.1:1/health\n    depends_on: [t${n}]\n    retry: { attempts: 1 }`,
  );
  return `name: Board drill\nnotify:\n  slack:\n    channel: "#ops"\ntasks:\n${tasks.join('\n')}\n`;
}

describe('live run board (CLI)', () => {
  let env: SlackEnv;
  before(async () => {
    env = await SlackEnv.start();
  });
  after(async () => {
    await env.close();
  });

  it('one message per run, edited in place, ends failed with the reason after 200 task changes; at most 50 edits in any minute', async () => {
    const edits: number[] = [];
    env.sandbox.workspace.on('message_changed', () => edits.push(Date.now()));
    const r = await env.run(chain(99));
    assert.equal(r.run.status, 'failed', r.stderr);
    const boards = postedFor(await env.messages('ops'), '__board');
    assert.equal(boards.length, 1, 'exactly one board message');
    const board = boards[0]!;
    assert.match(board.text, /^LIVE · Board drill — failed · 99 of 100 done/);
    const body = JSON.stringify(board.blocks);
    assert.match(body, /\*Failed\*\\n• Health probe: /, 'the failure with its reason');
    assert.ok(!/Running now/.test(body), 'nothing runs at the end');
    assert.ok(edits.length >= 1, 'edited in place at least once');
    for (let i = 0; i < edits.length; i++) {
      const inMinute = edits.filter((t) => t >= edits[i]! && t < edits[i]! + 60_000).length;
      assert.ok(inMinute <= 50, `${inMinute} edits within a minute`);
    }
  });

  it('a rehearsal says REHEARSAL; a run without notify has no board', async () => {
    const r = await env.run(
      'name: Small\nnotify:\n  slack:\n    channel: "#ops"\ntasks:\n  - id: a\n    type: milestone\n',
      ['--rehearsal'],
    );
    assert.equal(r.run.status, 'succeeded', r.stderr);
    const mine = postedFor(await env.messages('ops'), '__board').filter((m) => m.text.includes('Small'));
    assert.equal(mine.length, 1);
    assert.match(mine[0]!.text, /^REHEARSAL · Small — succeeded · 1 of 1 done/);
    const before = postedFor(await env.messages('ops'), '__board').length;
    const plain = await env.run('name: Plain\ntasks:\n  - id: a\n    type: milestone\n');
    assert.equal(plain.run.status, 'succeeded');
    assert.equal(postedFor(await env.messages('ops'), '__board').length, before);
  });
});

describe('live run board (server)', () => {
  it('a run cancelled through the API ends its board as cancelled', async () => {
    const { ApprovalEnv } = await import('./harness.js');
    const env = await ApprovalEnv.start();
    try {
      const runId = await env.start(
        'name: Cancel me\nnotify:\n  slack:\n    channel: "#ops"\ntasks:\n  - id: hold\n    type: manual\n',
      );
      await env.waitTask(runId, 'hold', 'waiting');
      await waitForBoard(env, runId, /waiting/);
      await env.server.service.cancel(runId, 'api:test');
      const board = await waitForBoard(env, runId, /cancelled/);
      assert.match(board.text, /^LIVE · Cancel me — cancelled · 0 of 1 done/);
    } finally {
      await env.close();
    }
  });
});

async function waitForBoard(env: { slack: SlackEnv }, runId: string, text: RegExp): Promise<{ text: string }> {
  const until = Date.now() + 60_000;
  for (;;) {
    const b = postedFor(await env.slack.messages('ops'), '__board').find(
      (m) => m.metadata?.event_payload.run_id === runId,
    );
    if (b && text.test(b.text)) return b;
    if (Date.now() > until) throw new Error(`board of ${runId} never matched ${text}: ${b?.text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
