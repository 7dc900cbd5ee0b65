/**
 * The one token bucket, pure: a bucket holds up to `capacity` calls and refills continuously at
 * `refillPerMs`; a call takes one token or is told how long to wait. A block (a 429's Retry-After)
 * stops every call until it ends, after which exactly one call may go. Times are milliseconds
 * passed in by the caller (no clock here). Used by Slack delivery pacing (per channel, per method
 * tier) and by the sandbox's Slack-like rate limits.
 */

/** Capacity (the burst after a quiet spell) and refill rate. */
export interface BucketRule {
  /** How many calls may go at once after a quiet spell (at least 1). */
  capacity: number;
  /** Tokens added per millisecond (the sustained rate). */
  refillPerMs: number;
}

export interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date. */
  updatedAt: number;
  /** No call before this time (0 = not blocked). */
  blockedUntil: number;
}

export interface TakeResult {
  /** 0 = the call may go now (its token is taken); otherwise how long to wait before asking again. */
  waitMs: number;
  /** The bucket after the take (or after the refill, when the caller must wait). */
  bucket: Bucket;
}

/** A rule of `perSecond` calls a second with a burst of `burst`. */
export function perSecond(perSecond: number, burst: number): BucketRule {
  return { capacity: Math.max(1, Math.floor(burst)), refillPerMs: perSecond / 1000 };
}

/** A rule of `perMinute` calls a minute with a burst of `burst`. */
export function perMinute(perMinute: number, burst: number): BucketRule {
  return { capacity: Math.max(1, Math.floor(burst)), refillPerMs: perMinute / 60_000 };
}

/** A bucket that starts full at `now`. */
export function fullBucket(rule: BucketRule, now: number): Bucket {
  return { tokens: rule.capacity, updatedAt: now, blockedUntil: 0 };
}

function refill(rule: BucketRule, b: Bucket, now: number): Bucket {
  const elapsed = Math.max(0, now - b.updatedAt);
  return {
    ...b,
    tokens: Math.min(rule.capacity, b.tokens + elapsed * rule.refillPerMs),
    updatedAt: Math.max(now, b.updatedAt),
  };
}

/** Take one call's token at `now`. A missing bucket starts full. */
export function takeToken(bucket: Bucket | undefined, rule: BucketRule, now: number): TakeResult {
  const r = refill(rule, bucket ?? fullBucket(rule, now), now);
  if (now < r.blockedUntil) return { waitMs: r.blockedUntil - now, bucket: r };
  if (r.tokens >= 1) return { waitMs: 0, bucket: { ...r, tokens: r.tokens - 1 } };
  return { waitMs: Math.ceil((1 - r.tokens) / rule.refillPerMs), bucket: r };
}

/**
 * Block the bucket for `ms` from `now` (a 429's Retry-After): nothing goes before then; then exactly
 * one call may go (Retry-After is when the other side has room for one), and the pace resumes.
 */
export function blockFor(bucket: Bucket, now: number, ms: number): Bucket {
  const until = Math.max(bucket.blockedUntil, now + Math.max(0, ms));
  return { tokens: 1, updatedAt: until, blockedUntil: until };
}
