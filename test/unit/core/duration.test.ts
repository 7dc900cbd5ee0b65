import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDuration, tryParseDuration } from '../../../src/core/duration.js';
import { RunwireError } from '../../../src/core/errors.js';

test('parses single and combined units', () => {
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('30s'), 30_000);
  assert.equal(parseDuration('2m'), 120_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('1d'), 86_400_000);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration('0s'), 0);
  assert.equal(parseDuration('1m30s250ms'), 90_250);
});

test('rejects bad durations with a reason', () => {
  for (const bad of ['', '30', '30x', 's', '1m2m', '-5s', '1 m', 'soon', '5s trailing']) {
    const r = tryParseDuration(bad);
    assert.ok('error' in r, `expected "${bad}" to be rejected`);
  }
  assert.match((tryParseDuration('30') as { error: string }).error, /no unit/);
  assert.match((tryParseDuration('1m2m') as { error: string }).error, /appears twice/);
  assert.throws(
    () => parseDuration('30x'),
    (e: unknown) => e instanceof RunwireError && e.code === 'runwire.duration.invalid' && /30x/.test(e.message),
  );
});

test('formats milliseconds back into a duration that parses to the same value', () => {
  for (const ms of [250, 1000, 90_000, 5_400_000, 86_400_000 + 1000]) {
    assert.equal(parseDuration(formatDuration(ms)), ms);
  }
  assert.equal(formatDuration(90_000), '1m30s');
});
