import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSlashCommand, words } from '../../../src/slack/commands/parse.js';

test('/runwire text is read like CLI arguments', () => {
  assert.deepEqual(parseSlashCommand(''), { kind: 'help' });
  assert.deepEqual(parseSlashCommand('HELP'), { kind: 'help' });
  assert.deepEqual(parseSlashCommand('run cutover --rehearsal release=2.0 note="two words"'), {
    kind: 'run',
    runbook: 'cutover',
    rehearsal: true,
    vars: ['release=2.0', 'note=two words'],
  });
  assert.deepEqual(parseSlashCommand('status'), { kind: 'status' });
  assert.deepEqual(parseSlashCommand('status r_1'), { kind: 'status', run: 'r_1' });
  assert.deepEqual(parseSlashCommand('reject r_1 go'), { kind: 'decide', decision: 'reject', run: 'r_1', task: 'go' });
  assert.equal(parseSlashCommand('run').kind, 'bad');
  assert.equal(parseSlashCommand('run a=1').kind, 'bad');
  assert.match((parseSlashCommand('run x --live') as { message: string }).message, /unknown option --live/);
  assert.equal(parseSlashCommand('approve r_1').kind, 'bad');
  assert.match((parseSlashCommand('deploy x') as { message: string }).message, /unknown command "deploy"/);
  assert.deepEqual(words('a  "b c"d e'), ['a', 'b cd', 'e']);
});
