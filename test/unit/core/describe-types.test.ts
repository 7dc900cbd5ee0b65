import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commonFieldDocs, describeTaskTypes, fieldDocs } from '../../../src/core/describe-types.js';
import { RetrySchema, RunbookSchema } from '../../../src/core/runbook-schema.js';
import { builtinTaskTypes } from '../../../src/tasks/index.js';

const types = describeTaskTypes(builtinTaskTypes());
const documented = (s: string | undefined): boolean => typeof s === 'string' && s.trim().length >= 2;

test('every built-in task type has a title, a description and an icon', () => {
  assert.deepEqual(
    types.map((t) => t.type),
    ['http', 'manual', 'milestone', 'slack.message', 'wait'],
  );
  for (const t of types) {
    assert.ok(documented(t.title), `${t.type}: title`);
    assert.ok(documented(t.description), `${t.type}: description`);
    assert.ok(documented(t.icon), `${t.type}: icon`);
  }
});

test('every field of every task type, and every common and runbook field, has a title and a description', () => {
  const all = [
    ...types.flatMap((t) => t.fields.map((f) => ({ where: `${t.type}.${f.name}`, f }))),
    ...commonFieldDocs().map((f) => ({ where: `task.${f.name}`, f })),
    ...fieldDocs(RetrySchema as never).map((f) => ({ where: `retry.${f.name}`, f })),
    ...fieldDocs(RunbookSchema as never).map((f) => ({ where: `runbook.${f.name}`, f })),
  ];
  assert.ok(all.length > 30, `${all.length} fields`);
  const missing = all.filter(({ f }) => !documented(f.title) || !documented(f.description)).map((x) => x.where);
  assert.deepEqual(missing, []);
});

test('a field says its type, default and whether it is required, from the schema', () => {
  const http = types.find((t) => t.type === 'http');
  const field = (name: string) => http?.fields.find((f) => f.name === name);
  assert.deepEqual(
    { ...field('url'), description: undefined },
    { name: 'url', title: 'URL', description: undefined, type: 'string', required: true },
  );
  assert.equal(field('method')?.default, 'GET');
  assert.equal(field('method')?.required, false);
  assert.equal(field('timeout')?.type, 'duration');
  assert.equal(field('expect_status')?.type, 'integer | integer[]');
  const slack = types.find((t) => t.type === 'slack.message');
  assert.equal(slack?.rehearsal, 'skip');
  assert.equal(slack?.idempotent, true);
  assert.equal(slack?.fields.find((f) => f.name === 'channel')?.type, 'string | string[]');
});
