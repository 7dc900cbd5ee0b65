import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blockFor, fullBucket, perMinute, perSecond, takeToken } from '../../../src/core/token-bucket.js';

test('a bucket lets a burst go, then paces at the rate', () => {
  const rule = perSecond(1, 2);
  let r = takeToken(fullBucket(rule, 0), rule, 0);
  assert.equal(r.waitMs, 0);
  r = takeToken(r.bucket, rule, 0);
  assert.equal(r.waitMs, 0);
  r = takeToken(r.bucket, rule, 0);
  assert.equal(r.waitMs, 1000);
  r = takeToken(r.bucket, rule, 400);
  assert.equal(r.waitMs, 600);
  r = takeToken(r.bucket, rule, 1000);
  assert.equal(r.waitMs, 0);
});

test('a missing bucket starts full, and a bucket never holds more than its capacity', () => {
  const rule = perMinute(20, 4);
  let b = takeToken(undefined, rule, 0).bucket;
  assert.equal(b.tokens, 3);
  b = takeToken(b, rule, 3_600_000).bucket;
  assert.equal(b.tokens, 3);
  assert.equal(perSecond(1, 0).capacity, 1, 'a burst below 1 still lets one call go');
});

test('a block (Retry-After) stops every call, then lets exactly one go and the pace resumes', () => {
  const rule = perSecond(1, 3);
  const b = blockFor(fullBucket(rule, 0), 0, 5000);
  assert.equal(takeToken(b, rule, 1000).waitMs, 4000);
  const at5 = takeToken(b, rule, 5000);
  assert.equal(at5.waitMs, 0);
  assert.equal(takeToken(at5.bucket, rule, 5000).waitMs, 1000);
  assert.equal(takeToken(at5.bucket, rule, 6000).waitMs, 0);
  assert.equal(blockFor(b, 1000, 1000).blockedUntil, 5000, 'a shorter block does not shorten a longer one');
});
