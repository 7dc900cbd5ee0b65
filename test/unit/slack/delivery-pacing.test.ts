import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyRetryAfter, backoffMs, freshBucket, takeToken, tierPolicy } from '../../../src/slack/delivery/pacing.js';
import { ChannelQueue, QueueRegistry, type Clock } from '../../../src/slack/delivery/channel-queue.js';

test('a bucket lets a burst go, then paces at the rate', () => {
  const policy = { ratePerSec: 1, burst: 2 };
  let s = freshBucket(policy, 0);
  let r = takeToken(policy, s, 0);
  assert.equal(r.waitMs, 0);
  s = r.next;
  r = takeToken(policy, s, 0);
  assert.equal(r.waitMs, 0);
  s = r.next;
  r = takeToken(policy, s, 0);
  assert.equal(r.waitMs, 1000);
  r = takeToken(policy, r.next, 400);
  assert.equal(r.waitMs, 600);
  r = takeToken(policy, r.next, 1000);
  assert.equal(r.waitMs, 0);
});

test('Retry-After blocks the bucket and empties it', () => {
  const policy = { ratePerSec: 1, burst: 3 };
  const s = applyRetryAfter(freshBucket(policy, 0), 0, 5);
  assert.equal(takeToken(policy, s, 1000).waitMs, 4000);
  // At the end of the block one call may go, then the pace resumes (no burst after a 429).
  const at5 = takeToken(policy, s, 5000);
  assert.equal(at5.waitMs, 0);
  assert.equal(takeToken(policy, at5.next, 5000).waitMs, 1000);
  assert.equal(takeToken(policy, at5.next, 6000).waitMs, 0);
});

test('tiers become per-second rates with a small burst', () => {
  assert.equal(tierPolicy('t2').ratePerSec, 20 / 60);
  assert.equal(tierPolicy('t2').burst, 4);
  assert.equal(tierPolicy('t1').burst, 1);
});

test('backoff doubles, is capped and jittered within [half, full]', () => {
  assert.equal(backoffMs(1, 0), 250);
  assert.equal(backoffMs(1, 0.999999), 500);
  assert.equal(backoffMs(3, 0), 1000);
  assert.equal(backoffMs(30, 1), 20_000);
});

test('a channel queue runs jobs in reservation order, even when later jobs are ready first', async () => {
  let t = 0;
  const clock: Clock = { now: () => t, sleep: async (ms) => void (t += ms) };
  const q = new ChannelQueue({ ratePerSec: 1, burst: 1 }, clock);
  const order: string[] = [];
  const a = q.reserve();
  const b = q.reserve();
  const c = q.reserve();
  const job = (name: string) => async (p: { acquire(): Promise<void> }) => {
    await p.acquire();
    order.push(`${name}@${t}`);
    return name;
  };
  const pc = c.run(job('c'));
  const pb = b.run(job('b'));
  assert.deepEqual(order, []);
  const pa = a.run(job('a'));
  assert.deepEqual(await Promise.all([pa, pb, pc]), ['a', 'b', 'c']);
  assert.deepEqual(order, ['a@0', 'b@1000', 'c@2000']);
});

test('a cancelled place does not hold the queue', async () => {
  const clock: Clock = { now: () => 0, sleep: async () => {} };
  const q = new ChannelQueue({ ratePerSec: 1000, burst: 10 }, clock);
  const a = q.reserve();
  const b = q.reserve();
  const pb = b.run(async () => 'b');
  a.cancel();
  assert.equal(await pb, 'b');
  assert.equal(q.length, 0);
});

test('a failing job rejects its own promise and the queue goes on', async () => {
  const clock: Clock = { now: () => 0, sleep: async () => {} };
  const q = new ChannelQueue({ ratePerSec: 1000, burst: 10 }, clock);
  const a = q.reserve().run(async () => {
    throw new Error('boom');
  });
  const b = q.reserve().run(async () => 'ok');
  await assert.rejects(a, /boom/);
  assert.equal(await b, 'ok');
});

test('a place reserved with an earlier ticket goes before waiting places with later ones', async () => {
  const clock: Clock = { now: () => 0, sleep: async () => {} };
  const q = new ChannelQueue({ ratePerSec: 1000, burst: 10 }, clock);
  const order: number[] = [];
  const late = q.reserve(5);
  const early = q.reserve(2);
  const job = (n: number) => async () => void order.push(n);
  const p1 = late.run(job(5));
  const p2 = early.run(job(2));
  await Promise.all([p1, p2]);
  assert.deepEqual(order, [2, 5]);
});

test("a 429 on one channel blocks only that channel's queue", async () => {
  let t = 0;
  const clock: Clock = { now: () => t, sleep: async (ms) => void (t += ms) };
  const queues = new QueueRegistry({ ratePerSec: 1, burst: 1 }, clock);
  const ops = queues.get('T1|C-ops');
  const rel = queues.get('T1|C-releases');
  assert.equal(queues.get('T1|C-ops'), ops, 'one queue per workspace and channel');
  ops.pacer.retryAfter(30);
  const start = t;
  await rel.pacer.acquire();
  assert.equal(t - start, 0, 'the other channel goes at once');
  await ops.pacer.acquire();
  assert.equal(t - start, 30_000, 'the limited channel waits Retry-After');
});
