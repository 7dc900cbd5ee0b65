/**
 * The lazily loaded built-in task types (`tasks/lazy-types.ts`, used by `runwire validate` and
 * `runwire run`) give the same parse results as every type loaded (`builtinTaskTypes()`): every
 * fixture, an unknown type's message, and a type spelled with an escape (loaded, then parsed again).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRunbookFile } from '../../../src/cli/load-runbook.js';
import type { ParseResult } from '../../../src/core/parse-runbook.js';
import { builtinTaskTypes } from '../../../src/tasks/index.js';
import { BUILTIN_TYPE_NAMES, LazyTaskTypes } from '../../../src/tasks/lazy-types.js';
import { repoRoot } from '../../helpers/paths.js';

/** A parse result as text: the runbook's tasks hold no functions, so this compares everything. */
const text = (r: ParseResult): string => JSON.stringify(r);

test('the lazy registry knows the same built-in names, in the same order', () => {
  assert.deepEqual(BUILTIN_TYPE_NAMES, [...builtinTaskTypes().keys()]);
  assert.deepEqual([...new LazyTaskTypes().keys()], [...builtinTaskTypes().keys()]);
});

test('every fixture reads the same with the lazy registry as with every type loaded', async () => {
  let n = 0;
  for (const kind of ['valid', 'invalid']) {
    const dir = join(repoRoot, 'test/fixtures', kind);
    for (const f of (await readdir(dir)).filter((x) => /\.(ya?ml|json)$/.test(x) && !x.startsWith('_'))) {
      const file = join(dir, f);
      const lazy = new LazyTaskTypes();
      assert.equal(text(await readRunbookFile(file, lazy)), text(await readRunbookFile(file, builtinTaskTypes())), f);
      n++;
    }
  }
  assert.ok(n > 40, `${n} fixtures read`);
});

test('a milestone-only runbook loads milestone only; an unknown type is reported as before', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'runwire-lazy-types-'));
  const one = join(dir, 'one.yaml');
  await writeFile(one, 'name: one\ntasks:\n  - id: a\n    type: milestone\n');
  const lazy = new LazyTaskTypes();
  assert.ok((await readRunbookFile(one, lazy)).runbook);
  assert.deepEqual([...Map.prototype.keys.call(lazy)], ['milestone']);
  const typo = join(dir, 'typo.yaml');
  await writeFile(typo, 'name: typo\ntasks:\n  - id: a\n    type: slack.mesage\n  - id: b\n    type: nope\n');
  const r = await readRunbookFile(typo, new LazyTaskTypes());
  assert.equal(text(r), text(await readRunbookFile(typo, builtinTaskTypes())));
  assert.match(r.issues.map((i) => i.message).join('\n'), /did you mean "slack\.message"/);
  assert.match(r.issues.map((i) => i.message).join('\n'), /known types: milestone, manual, wait, http, slack\.message/);
});

test('a type spelled with an escape is loaded when the parser asks for it, and the runbook parsed again', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'runwire-lazy-types-'));
  const file = join(dir, 'escaped.json');
  // "wait" as \u0077ait: the text never names "wait", so it is loaded after the first parse asked.
  await writeFile(file, '{"name":"e","tasks":[{"id":"a","type":"\\u0077ait","duration":"1s"}]}');
  const lazy = new LazyTaskTypes();
  const r = await readRunbookFile(file, lazy);
  assert.deepEqual(r.issues, []);
  assert.equal(r.runbook?.tasks[0]?.type, 'wait');
  assert.equal(text(r), text(await readRunbookFile(file, builtinTaskTypes())));
  assert.deepEqual(lazy.missed(), []);
});
