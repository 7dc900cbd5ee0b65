import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from '../../../src/core/random-bytes.js';

test('randomBytes returns the count asked for, across pool refills and above the pool size', () => {
  for (const n of [0, 1, 6, 4095, 4096, 4097, 10_000]) assert.equal(randomBytes(n).length, n);
  assert.throws(() => randomBytes(-1), RangeError);
  assert.throws(() => randomBytes(1.5), RangeError);
});

test('randomBytes never hands out the same bytes twice and covers every byte value', () => {
  const seen = new Set<string>();
  const counts = new Array<number>(256).fill(0);
  // 3,000 × 8 bytes: several pool refills; a repeat of 8 random bytes has odds of ~2^-41.
  for (let i = 0; i < 3000; i++) {
    const b = randomBytes(8);
    const hex = b.toString('hex');
    assert.equal(seen.has(hex), false, `bytes ${hex} handed out twice`);
    seen.add(hex);
    for (const x of b) counts[x] = (counts[x] ?? 0) + 1;
  }
  // 24,000 bytes: ~94 of each value expected; a value never seen has odds of ~256 × e^-94.
  assert.ok(
    counts.every((c) => c > 0),
    'every byte value appears',
  );
  // Not a pool of zeros (the wiped part) nor a constant.
  assert.ok(Math.max(...counts) < 200, `no value dominates: ${Math.max(...counts)}`);
});
