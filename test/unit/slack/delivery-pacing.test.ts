import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from '../../../src/core/backoff.js';
import { perSecond } from '../../../src/core/token-bucket.js';
import { DELIVERY_BACKOFF, tierPolicy } from '../../../src/slack/delivery/pacing.js';
import { ChannelQueue, QueueRegistry, type Clock } from '../../../src/slack/delivery/channel-queue.js';

test('tiers become per-minute rules with a small burst', () => {
  assert.equal(tierPolicy('t2').refillPerMs, 20 / 60_000);
  assert.equal(tierPolicy('t2').capacity, 4);
  assert.equal(tierPolicy('t1').capacity, 1);
});

test('delivery backoff doubles from 500 ms with ±25% jitter and is capped at 20 s', () => {
  assert.equal(backoffDelay(1, DELIVERY_BACKOFF, 0), 375);
  assert.equal(backoffDelay(1, DELIVERY_BACKOFF, 0.5), 500);
  assert.equal(backoffDelay(3, DELIVERY_BACKOFF, 0.5), 2000);
  assert.equal(backoffDelay(30, DELIVERY_BACKOFF, 1), 20_000);
});

test('a channel queue runs jobs in reservation order, even when later jobs are ready first', async () => {
  let t = 0;
  const clock: Clock = { now: () => t, sleep: async (ms) => void (t += ms) };
  const q = new ChannelQueue(perSecond(1, 1), clock);
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
  const q = new ChannelQueue(perSecond(1000, 10), clock);
  const a = q.reserve();
  const b = q.reserve();
  const pb = b.run(async () => 'b');
  a.cancel();
  assert.equal(await pb, 'b');
  assert.equal(q.length, 0);
});

test('a failing job rejects its own promise and the queue goes on', async () => {
  const clock: Clock = { now: () => 0, sleep: async () => {} };
  const q = new ChannelQueue(perSecond(1000, 10), clock);
  const a = q.reserve().run(async () => {
    throw new Error('boom');
  });
  const b = q.reserve().run(async () => 'ok');
  await assert.rejects(a, /boom/);
  assert.equal(await b, 'ok');
});

test('a place reserved with an earlier ticket goes before waiting places with later ones', async () => {
  const clock: Clock = { now: () => 0, sleep: async () => {} };
  const q = new ChannelQueue(perSecond(1000, 10), clock);
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
  const queues = new QueueRegistry(perSecond(1, 1), clock);
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
