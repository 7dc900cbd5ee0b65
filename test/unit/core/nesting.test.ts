import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonTooDeepAt } from '../../../src/core/json-depth.js';
import { MAX_NESTING, valueTooDeepAt } from '../../../src/core/nesting.js';

test('jsonTooDeepAt finds the first bracket past the limit, skipping brackets inside strings', () => {
  assert.equal(jsonTooDeepAt('[[[1]]]', 3), undefined);
  assert.equal(jsonTooDeepAt('[[[[1]]]]', 3), 3);
  assert.equal(jsonTooDeepAt('{"a": "[[[[[[", "b": [[1]]}', 3), undefined);
  assert.equal(jsonTooDeepAt('["\\"[[[[", [[[2]]]]', 3), 13);
  assert.equal(jsonTooDeepAt(`${'['.repeat(MAX_NESTING)}${']'.repeat(MAX_NESTING)}`, MAX_NESTING), undefined);
  assert.equal(jsonTooDeepAt('['.repeat(MAX_NESTING + 1), MAX_NESTING), MAX_NESTING);
});

test('valueTooDeepAt gives the path into a deep or cyclic value, iteratively', () => {
  assert.equal(valueTooDeepAt({ a: [1, { b: 2 }] }, 3), undefined);
  assert.deepEqual(valueTooDeepAt({ a: [1, { b: [3] }] }, 3), ['a', 1, 'b']);
  const cyclic: unknown[] = [];
  cyclic.push(cyclic);
  assert.equal(valueTooDeepAt(cyclic)?.length, MAX_NESTING);
});
