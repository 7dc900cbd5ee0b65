import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonDeeperThan } from '../../../src/core/json-depth.js';

test('jsonDeeperThan counts array and object nesting, not brackets inside strings', () => {
  assert.equal(jsonDeeperThan('[[[]]]', 3), false);
  assert.equal(jsonDeeperThan('[[[[]]]]', 3), true);
  assert.equal(jsonDeeperThan('{"a":{"b":[1]}}', 3), false);
  assert.equal(jsonDeeperThan('{"a":{"b":[{}]}}', 3), true);
  assert.equal(jsonDeeperThan(JSON.stringify({ s: '[[[[[[{{{{' }), 1), false);
  assert.equal(jsonDeeperThan(JSON.stringify({ s: 'a "quoted" \\ [[[[' }), 1), false);
  assert.equal(jsonDeeperThan('[1],[2],[3]', 1), false, 'siblings do not add up');
  assert.equal(jsonDeeperThan(`${'['.repeat(100_000)}${']'.repeat(100_000)}`, 100), true);
});
