import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closest, didYouMean, editDistance, editDistanceWithin } from '../../../src/core/suggest.js';

/** The textbook full-matrix Levenshtein, case-insensitive: the reference the banded one must match. */
function reference(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const d = Array.from({ length: x.length + 1 }, (_, i) => Array.from({ length: y.length + 1 }, (_, j) => i + j));
  for (let i = 1; i <= x.length; i++)
    for (let j = 1; j <= y.length; j++)
      (d[i] as number[])[j] = Math.min(
        ((d[i - 1] as number[])[j] as number) + 1,
        ((d[i] as number[])[j - 1] as number) + 1,
        ((d[i - 1] as number[])[j - 1] as number) + (x[i - 1] === y[j - 1] ? 0 : 1),
      );
  return (d[x.length] as number[])[y.length] as number;
}

test('the banded distance equals the full one within the bound, and says "more" beyond it', () => {
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const word = (): string => Array.from({ length: rnd(9) }, () => 'abcAB_-'[rnd(7)]).join('');
  for (let k = 0; k < 3000; k++) {
    const a = word();
    const b = word();
    const full = reference(a, b);
    assert.equal(editDistance(a, b), full, `${a} ${b}`);
    for (const max of [0, 1, 2, 3, 5]) {
      assert.equal(editDistanceWithin(a, b, max), full <= max ? full : max + 1, `${a} ${b} within ${max}`);
    }
  }
});

test('closest keeps its rules: the first nearest candidate, within a third of the length (at least 2)', () => {
  assert.equal(closest('deploy-db', ['deploy_db', 'deploy-dbx']), 'deploy_db');
  assert.equal(closest('milestone', ['http', 'milestone', 'manual']), 'milestone');
  assert.equal(closest('mlestone', ['wait', 'milestone']), 'milestone');
  assert.equal(closest('abc', ['xyz']), undefined);
  assert.equal(didYouMean('freze', ['backup', 'freeze']), ' (did you mean "freeze"?)');
  assert.equal(didYouMean('x'.repeat(100_000), ['x'.repeat(99_999)]), '', 'no suggestion for a huge word');
});
