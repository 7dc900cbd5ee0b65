import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, JITTER, shouldRetry } from '../../../src/core/backoff.js';

const policy = { attempts: 5, backoffMs: 1000 };

test('doubles with each attempt (random in the middle means no jitter)', () => {
  assert.deepEqual(
    [1, 2, 3, 4].map((n) => backoffDelay(n, policy, 0.5)),
    [1000, 2000, 4000, 8000],
  );
});

test('jitter spreads the delay within the documented band', () => {
  const low = backoffDelay(3, policy, 0);
  const high = backoffDelay(3, policy, 0.999999);
  assert.equal(low, 4000 * (1 - JITTER));
  assert.ok(high > 4000 && high <= 4000 * (1 + JITTER), `high was ${high}`);
  assert.ok(backoffDelay(3, policy, 0.25) < backoffDelay(3, policy, 0.75));
});

test('never exceeds max_backoff, even with jitter', () => {
  const capped = { ...policy, maxBackoffMs: 5000 };
  for (const r of [0, 0.3, 0.99]) assert.ok(backoffDelay(10, capped, r) <= 5000);
  assert.equal(backoffDelay(10, capped, 0.5), 5000);
});

test('out-of-range inputs are clamped, not propagated', () => {
  assert.equal(backoffDelay(0, policy, 0.5), 1000);
  assert.equal(backoffDelay(1, policy, 7), backoffDelay(1, policy, 1));
  assert.ok(backoffDelay(1, policy, -1) >= 0);
});

test('retries only retryable failures and only while attempts remain', () => {
  const p = { attempts: 3, backoffMs: 10 };
  assert.equal(shouldRetry(1, p, true), true);
  assert.equal(shouldRetry(2, p, true), true);
  assert.equal(shouldRetry(3, p, true), false);
  assert.equal(shouldRetry(1, p, false), false);
  assert.equal(shouldRetry(1, { attempts: 1, backoffMs: 10 }, true), false);
});
