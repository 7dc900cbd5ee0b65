/**
 * Group commit's rules (`CommitBatcher`), over plain functions standing for the two statements: an
 * idle batcher sends a write at once; writes arriving while `maxInFlight` are on their way go
 * together, ordered by key; a batch the server refused (a SQLSTATE) is retried one write at a time so
 * each caller gets its own answer; a batch with no answer (connection lost: it may have committed) is
 * never written again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommitBatcher } from '../../../src/store/postgres/commit-batcher.js';

interface Gate {
  open(): void;
  wait: Promise<void>;
}
function gate(): Gate {
  let open!: () => void;
  const wait = new Promise<void>((r) => {
    open = r;
  });
  return { open, wait };
}

test('idle: a write goes alone at once; while the slots are busy, the next writes go together, by key', async () => {
  const calls: string[][] = [];
  const first = gate();
  const b = new CommitBatcher<string>({
    maxInFlight: 1,
    maxBatch: 10,
    key: (x) => x,
    one: async (x) => {
      calls.push([x]);
      if (x === 'm') await first.wait;
      return x !== 'lost';
    },
    many: async (xs) => {
      calls.push(xs);
      return xs.map((x) => x !== 'lost');
    },
  });
  const a = b.write('m');
  const rest = ['c', 'lost', 'a', 'b'].map((x) => b.write(x));
  assert.deepEqual(calls, [['m']], 'the first went at once; the others wait for its slot');
  first.open();
  assert.equal(await a, true);
  assert.deepEqual(await Promise.all(rest), [true, false, true, true], 'each caller its own answer');
  assert.deepEqual(calls, [['m'], ['a', 'b', 'c', 'lost']], 'one group, ordered by key');
});

test('a batch the server refused is retried one write at a time: each caller gets its own answer or error', async () => {
  const calls: string[][] = [];
  const hold = gate();
  const b = new CommitBatcher<string>({
    maxInFlight: 1,
    maxBatch: 10,
    key: (x) => x,
    one: async (x) => {
      calls.push([x]);
      if (x === 'first') await hold.wait;
      if (x === 'bad') throw Object.assign(new Error('null value in column "at"'), { code: '23502' });
      return true;
    },
    many: async (xs) => {
      calls.push(xs);
      throw Object.assign(new Error('null value in column "at"'), { code: '23502' });
    },
  });
  const first = b.write('first');
  const got = ['x', 'bad', 'y'].map((x) => b.write(x).then(String, (e: Error) => `error: ${e.message}`));
  hold.open();
  await first;
  assert.deepEqual(await Promise.all(got), ['true', 'error: null value in column "at"', 'true']);
  assert.deepEqual(calls, [['first'], ['bad', 'x', 'y'], ['bad'], ['x'], ['y']]);
});

test('a batch with no answer (the connection dropped) fails every caller and is not written again', async () => {
  const calls: string[][] = [];
  const hold = gate();
  const b = new CommitBatcher<string>({
    maxInFlight: 1,
    maxBatch: 10,
    key: (x) => x,
    one: async (x) => {
      calls.push([x]);
      await hold.wait;
      return true;
    },
    many: async (xs) => {
      calls.push(xs);
      throw new Error('Connection terminated unexpectedly');
    },
  });
  const first = b.write('first');
  const got = ['x', 'y'].map((x) => b.write(x).then(String, (e: Error) => e.message));
  hold.open();
  await first;
  assert.deepEqual(await Promise.all(got), [
    'Connection terminated unexpectedly',
    'Connection terminated unexpectedly',
  ]);
  assert.deepEqual(calls, [['first'], ['x', 'y']], 'nothing retried');
});
