/**
 * Pacing policies for Slack delivery: chat.postMessage about once a second per channel, each
 * other method a number of calls a minute by tier. The bucket is `src/core/token-bucket.ts` (a
 * 429's Retry-After is `blockFor`); the backoff between retries of a transient failure is
 * `src/core/backoff.ts` with `DELIVERY_BACKOFF`.
 */
import type { BackoffPolicy } from '../../core/backoff.js';
import { type BucketRule, perMinute, perSecond } from '../../core/token-bucket.js';

/**
 * chat.postMessage per channel: Slack documents "1 per second, short bursts allowed". A burst of
 * 1 keeps us from ever drawing a 429 on a fresh channel whose limiter we cannot see; the
 * sustained rate is what matters for throughput (a 60-message run takes ~59 s either way).
 */
export const POST_MESSAGE_POLICY: BucketRule = perSecond(1, 1);

/** Slack's Web API tiers, as calls per minute (tier 1 = 1+, 2 = 20+, 3 = 50+, 4 = 100+). */
export const TIER_PER_MINUTE = { t1: 1, t2: 20, t3: 50, t4: 100, t5: 600 } as const;
export type Tier = keyof typeof TIER_PER_MINUTE;

/** A tier's rule: its calls a minute, with a burst of a fifth of that (at least 1; Slack allows short bursts). */
export function tierPolicy(tier: Tier): BucketRule {
  const n = TIER_PER_MINUTE[tier];
  return perMinute(n, n / 5);
}

/** Retries of a transient delivery failure: from 500 ms, doubling, at most 20 s (before jitter). */
export const DELIVERY_BACKOFF: BackoffPolicy = { backoffMs: 500, maxBackoffMs: 20_000 };
