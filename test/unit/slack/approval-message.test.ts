/** The approval request's Block Kit stays within Slack's limits whatever the question's length. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blocksProblem } from '../../../src/sandbox/api/blocks.js';
import { closedBlocks, requestBlocks, SECTION_TEXT_MAX } from '../../../src/slack/approvals/message.js';

const view = (text: string) => ({
  text,
  runId: 'r_1',
  taskName: 'Go / no-go',
  approvers: ['@alice'],
  approveValue: 'a'.repeat(200),
  rejectValue: 'r'.repeat(200),
});

test('a question over 3,000 characters is cut in the section (Slack refuses longer), whole in the text', () => {
  const long = `${'x'.repeat(4000)}END`;
  const blocks = requestBlocks(view(long)) as Array<{ text?: { text: string } }>;
  assert.equal(blocksProblem(blocks), undefined, 'Slack would take these blocks');
  const section = blocks[0]!.text!.text;
  assert.equal(section.length, SECTION_TEXT_MAX);
  assert.ok(section.endsWith('…'));
  assert.equal(blocksProblem(closedBlocks(long, ':white_check_mark: *Approved*')), undefined);
  // A short question is left as written.
  assert.equal((requestBlocks(view('Ship it?')) as Array<{ text?: { text: string } }>)[0]!.text!.text, 'Ship it?');
});
