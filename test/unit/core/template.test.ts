import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  refProblem,
  renderDeep,
  renderTemplate,
  templateRefs,
  type RefCheckContext,
  type TemplateScope,
} from '../../../src/core/template.js';
import { RunwireError } from '../../../src/core/errors.js';

const scope: TemplateScope = {
  vars: { release: '42', region: 'eu' },
  runbook: { name: 'Cutover' },
  run: { id: 'run_1', mode: 'rehearsal' },
  task: { id: 'smoke', name: 'Smoke test' },
  tasks: { backup: { output: { status: 201, body: { id: 'snap-9', tags: ['a'] } } }, pending: {} },
};

test('lists references with their expression and path, whitespace allowed', () => {
  const refs = templateRefs('a {{vars.x}} b {{  tasks.t.output.body.id  }}');
  assert.deepEqual(
    refs.map((r) => r.expr),
    ['vars.x', 'tasks.t.output.body.id'],
  );
  assert.deepEqual(refs[1]!.path, ['tasks', 't', 'output', 'body', 'id']);
  assert.equal(refs[0]!.index, 2);
  assert.deepEqual(templateRefs('no templates { here }'), []);
});

test('renders every known form', () => {
  assert.equal(
    renderTemplate(
      '{{runbook.name}} #{{ vars.release }} {{run.id}}/{{run.mode}} {{task.name}} {{tasks.backup.output.body.id}}',
      scope,
    ),
    'Cutover #42 run_1/rehearsal Smoke test snap-9',
  );
  assert.equal(renderTemplate('{{tasks.backup.output.status}}', scope), '201');
  assert.equal(renderTemplate('{{tasks.backup.output.body.tags}}', scope), '["a"]');
  assert.equal(renderTemplate('plain', scope), 'plain');
});

test('an unknown reference throws, never renders as an empty string', () => {
  for (const text of [
    '{{vars.nope}}',
    '{{tasks.ghost.output.x}}',
    '{{tasks.backup.output.missing}}',
    '{{tasks.pending.output.x}}',
    '{{env.HOME}}',
    '{{run.nope}}',
    '{{ }}',
  ]) {
    assert.throws(
      () => renderTemplate(text, scope),
      (e: unknown) =>
        e instanceof RunwireError && e.code === 'runwire.template.unknown_reference' && e.message.includes(text),
      text,
    );
  }
});

test('the tasks scope may be a lookup function', () => {
  const lookup = (id: string) => (id === 'a' ? { output: { n: 1 } } : undefined);
  assert.equal(renderTemplate('{{tasks.a.output.n}}', { tasks: lookup }), '1');
  assert.throws(() => renderTemplate('{{tasks.b.output.n}}', { tasks: lookup }), RunwireError);
});

test('partial rendering keeps references whose root is not in scope', () => {
  const partial = { vars: { x: '1' } };
  assert.equal(
    renderTemplate('{{vars.x}} {{tasks.a.output.y}} {{run.id}}', partial, { partial: true }),
    '1 {{tasks.a.output.y}} {{run.id}}',
  );
  assert.throws(() => renderTemplate('{{vars.y}}', partial, { partial: true }), RunwireError);
});

test('renderDeep renders strings inside objects and arrays and leaves other values alone', () => {
  const input = { url: 'https://x/{{vars.release}}', body: { list: ['{{vars.region}}', 3, true, null] }, n: 5 };
  assert.deepEqual(renderDeep(input, scope), { url: 'https://x/42', body: { list: ['eu', 3, true, null] }, n: 5 });
  assert.equal(input.url, 'https://x/{{vars.release}}', 'input is not mutated');
});

test('validation: which references are problems', () => {
  const ctx: RefCheckContext = {
    vars: new Set(['release']),
    taskRelation: (id) =>
      id === 'up' ? 'ancestor' : id === 'me' ? 'self' : id === 'side' ? 'not-ancestor' : 'unknown',
  };
  const problem = (t: string) => refProblem(templateRefs(t)[0]!, ctx);
  assert.equal(problem('{{vars.release}}'), undefined);
  assert.equal(problem('{{tasks.up.output.x.y}}'), undefined);
  for (const ok of ['{{runbook.name}}', '{{run.id}}', '{{run.mode}}', '{{task.name}}', '{{task.id}}'])
    assert.equal(problem(ok), undefined, ok);
  assert.match(problem('{{vars.relase}}') ?? '', /unknown variable "relase".*--var relase=/);
  assert.match(problem('{{tasks.side.output.x}}') ?? '', /not an ancestor/);
  assert.match(problem('{{tasks.me.output.x}}') ?? '', /own output/);
  assert.match(problem('{{tasks.ghost.output.x}}') ?? '', /unknown task "ghost"/);
  assert.match(problem('{{tasks.up.status}}') ?? '', /tasks\.<id>\.output\.<field>/);
  assert.match(problem('{{runbook.owner}}') ?? '', /unknown template reference/);
  assert.match(problem('{{vars}}') ?? '', /vars\.<name>/);
  assert.match(problem('{{vars..x}}') ?? '', /malformed/);
});

test('a skipped task has no output: a clear error, or a placeholder when asked', () => {
  const s: TemplateScope = { tasks: { probe: { status: 'skipped' } } };
  assert.throws(
    () => renderTemplate('{{tasks.probe.output.body.id}}', s),
    (e: unknown) => e instanceof RunwireError && /was skipped/.test(e.message),
  );
  assert.equal(
    renderTemplate('id={{ tasks.probe.output.body.id }}', s, { skippedOutput: 'placeholder' }),
    'id=[skipped: tasks.probe.output.body.id]',
  );
  assert.throws(() => renderTemplate('{{tasks.other.output.x}}', s, { skippedOutput: 'placeholder' }), RunwireError);
});

test('{{raw …}} names the same reference, marked raw; escape applies to every other inserted value', () => {
  const [ref] = templateRefs('{{ raw  vars.release }}');
  assert.equal(ref!.expr, 'vars.release');
  assert.deepEqual(ref!.path, ['vars', 'release']);
  assert.equal(ref!.helper, 'raw');
  assert.equal(templateRefs('{{vars.release}}')[0]!.helper, undefined);
  const ctx: RefCheckContext = { vars: new Set(['release']), taskRelation: () => 'unknown' };
  assert.equal(refProblem(ref!, ctx), undefined, 'raw of a known reference is valid');
  assert.match(refProblem(templateRefs('{{raw}}')[0]!, ctx) ?? '', /unknown template reference/);
  const shout = (v: string) => v.toUpperCase();
  assert.equal(
    renderTemplate('a {{vars.region}} {{raw vars.region}} b', scope, { escape: shout }),
    'a EU eu b',
    'literal text is never escaped, only inserted values',
  );
  assert.equal(renderTemplate('{{vars.region}}', scope), 'eu', 'no escape by default');
});
