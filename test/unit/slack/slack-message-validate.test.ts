import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateSlackMessage } from '../../../src/tasks/slack-message.js';
import type { ValidationGraph } from '../../../src/core/task-type.js';

function graph(types: Record<string, string>, ancestors: string[]): ValidationGraph {
  return { typeOf: (id) => types[id], isAncestor: (id) => ancestors.includes(id) };
}
const g = graph({ first: 'slack.message', gate: 'manual', later: 'slack.message' }, ['first', 'gate']);

test('a plain message to a channel is fine', () => {
  assert.deepEqual(validateSlackMessage({ channel: '#ops', message: 'hi' }, g), []);
  assert.deepEqual(validateSlackMessage({ channel: ['@a', '@b'], message: 'hi' }, g), []);
  assert.deepEqual(
    validateSlackMessage({ channel: '{{vars.where}}', message: 'hi' }, g),
    [],
    'templated targets are checked at run time',
  );
});

test('channel is required unless thread or update is given', () => {
  assert.deepEqual(
    validateSlackMessage({ message: 'hi' } as never, g).map((p) => p.field),
    ['channel'],
  );
  assert.deepEqual(validateSlackMessage({ thread: 'first', message: 'hi' }, g), []);
  assert.deepEqual(validateSlackMessage({ update: 'first', message: 'hi' }, g), []);
});

test('thread and update must name an ancestor slack.message task', () => {
  const fields = (input: Record<string, unknown>) =>
    validateSlackMessage({ message: 'x', ...input } as never, g).map((p) => `${p.field}: ${p.message}`);
  assert.match(fields({ thread: 'nowhere' })[0]!, /no task "nowhere"/);
  assert.match(fields({ thread: 'gate' })[0]!, /is a manual task/);
  assert.match(fields({ update: 'later' })[0]!, /must finish first/);
  assert.ok(fields({ thread: 'first', update: 'first' }).some((m) => /not both/.test(m)));
  assert.ok(fields({ channel: '#ops', broadcast: true }).some((m) => /broadcast only applies/.test(m)));
});

test('bad channels, rehearsal channels and blocks are reported with their field', () => {
  const problems = validateSlackMessage(
    { channel: '#Bad Name', message: 'x', rehearsal: { channel: [] as never }, blocks: '{not json' },
    g,
  );
  assert.deepEqual(problems.map((p) => p.field).sort(), ['blocks', 'channel', 'rehearsal.channel']);
});

test('blocks as a JSON string must parse before rendering: a template outside its strings is refused', () => {
  assert.deepEqual(
    validateSlackMessage(
      { channel: '#ops', message: 'x', blocks: '[{"type":"section","text":{"type":"mrkdwn","text":"{{vars.x}}"}}]' },
      g,
    ),
    [],
  );
  const [p] = validateSlackMessage({ channel: '#ops', message: 'x', blocks: '[{{vars.blocks}}]' }, g);
  assert.equal(p?.field, 'blocks');
  assert.match(p?.message ?? '', /templates go inside its string values/);
  assert.match(
    validateSlackMessage({ channel: '#ops', message: 'x', blocks: '{{vars.blocks}}' }, g)[0]?.message ?? '',
    /not valid JSON/,
  );
});
