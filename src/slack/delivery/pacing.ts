/**
 * Pacing decisions, pure: a token bucket per queue (Slack allows chat.postMessage about once a
 * second per channel with short bursts, and each other method a number of calls a minute by
 * tier), a block after a 429 for as long as `Retry-After` says, and the backoff between retries
 * of a transient failure. Times are milliseconds since the epoch, passed in.
 */

export interface BucketPolicy {
  /** Sustained calls per second. */
  ratePerSec: number;
  /** How many calls may go at once after a quiet spell. */
  burst: number;
}

export interface BucketState {
  tokens: number;
  /** When `tokens` was last brought up to date. */
  updatedAt: number;
  /** No call before this time (a 429's Retry-After). */
  blockedUntil: number;
}

/**
 * chat.postMessage per channel: Slack documents "1 per second, short bursts allowed". A burst of
 * 1 keeps us from ever drawing a 429 on a fresh channel whose limiter we cannot see; the
 * sustained rate is what matters for throughput (a 60-message run takes ~59 s either way).
 */
export const POST_MESSAGE_POLICY: BucketPolicy = { ratePerSec: 1, burst: 1 };

/** Slack's Web API tiers, as calls per minute (tier 1 = 1+, 2 = 20+, 3 = 50+, 4 = 100+). */
export const TIER_PER_MINUTE = { t1: 1, t2: 20, t3: 50, t4: 100, t5: 600 } as const;
export type Tier = keyof typeof TIER_PER_MINUTE;

export function tierPolicy(tier: Tier): BucketPolicy {
  const perMin = TIER_PER_MINUTE[tier];
  // Allow a burst of a fifth of a minute's budget, at least 1 (Slack allows short bursts).
  return { ratePerSec: perMin / 60, burst: Math.max(1, Math.floor(perMin / 5)) };
}

export function freshBucket(policy: BucketPolicy, now: number): BucketState {
  return { tokens: policy.burst, updatedAt: now, blockedUntil: 0 };
}

function refill(policy: BucketPolicy, s: BucketState, now: number): BucketState {
  const elapsed = Math.max(0, now - s.updatedAt);
  return {
    ...s,
    tokens: Math.min(policy.burst, s.tokens + (elapsed * policy.ratePerSec) / 1000),
    updatedAt: Math.max(now, s.updatedAt),
  };
}

/**
 * Try to take one call's token at `now`. Returns how long to wait first (0 = go now) and the
 * bucket after taking it (when `waitMs` is 0) or after the refill (when the caller must wait and
 * ask again).
 */
export function takeToken(policy: BucketPolicy, s: BucketState, now: number): { waitMs: number; next: BucketState } {
  const r = refill(policy, s, now);
  if (now < r.blockedUntil) return { waitMs: r.blockedUntil - now, next: r };
  if (r.tokens >= 1) return { waitMs: 0, next: { ...r, tokens: r.tokens - 1 } };
  return { waitMs: Math.ceil(((1 - r.tokens) * 1000) / policy.ratePerSec), next: r };
}

/**
 * After a 429: nothing goes before `Retry-After` seconds have passed; then exactly one call may go
 * (Slack's Retry-After is when its limiter has room for one), and the pace resumes from there.
 */
export function applyRetryAfter(s: BucketState, now: number, retryAfterSec: number): BucketState {
  const until = Math.max(s.blockedUntil, now + Math.max(0, retryAfterSec) * 1000);
  return { tokens: 1, updatedAt: until, blockedUntil: until };
}

/**
 * Backoff before retry n (1-based) of a transient failure: base * 2^(n-1), capped, with "full
 * jitter" between half and all of it so many queues do not retry in lockstep. `random` in [0,1).
 */
export function backoffMs(retry: number, random: number, baseMs = 500, maxMs = 20_000): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, retry - 1));
  return Math.round(exp / 2 + (exp / 2) * random);
}
