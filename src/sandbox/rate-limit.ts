/**
 * Slack-like rate limits as token buckets. The decision is a pure function of (bucket state, rule, now);
 * `RateLimiter` only keeps the buckets.
 *
 * Rules (Slack's published numbers): Tier 1 1/min, Tier 2 20/min, Tier 3 50/min, Tier 4 100/min, counted
 * per method per token, each bucket holding one minute's worth so a burst up to the tier limit passes
 * (Slack "allows bursts"). chat.postMessage: 1 per second per channel with a burst of 3 — chosen so a
 * short flurry of a handful of messages succeeds while a sustained stream is cut to 1/s, as Slack does.
 * The bucket itself is the one in `src/core/token-bucket.ts`.
 */
import { type Bucket, type BucketRule, perMinute, perSecond, takeToken } from '../core/token-bucket.js';

export type { BucketRule } from '../core/token-bucket.js';

/** `Retry-After` as Slack sends it: whole seconds, at least 1. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** Rate-limit settings of a sandbox. */
export interface RateLimitConfig {
  /** false turns every limit off. Default true. */
  enabled?: boolean;
  /** Multiplies every allowed rate and burst (0.1 → a tenth of Slack's limits; 10 → ten times). Default 1. */
  scale?: number;
  /** Calls per minute per tier (defaults 1, 20, 50, 100). */
  tiers?: Partial<Record<1 | 2 | 3 | 4, number>>;
  /** chat.postMessage per channel (default 1 per second, burst 3). */
  postMessage?: { perSecond: number; burst: number };
}

export const DEFAULT_TIER_PER_MINUTE: Readonly<Record<1 | 2 | 3 | 4, number>> = { 1: 1, 2: 20, 3: 50, 4: 100 };
export const DEFAULT_POST_MESSAGE = { perSecond: 1, burst: 3 } as const;

/** The bucket rule of a tier under a config (pure). */
export function tierRule(tier: 1 | 2 | 3 | 4, cfg: RateLimitConfig): BucketRule {
  const scale = cfg.scale ?? 1;
  const n = (cfg.tiers?.[tier] ?? DEFAULT_TIER_PER_MINUTE[tier]) * scale;
  return perMinute(n, n);
}

/** The bucket rule for "n per second with a burst" under a config (pure). */
export function perSecondRule(rule: { perSecond: number; burst: number }, cfg: RateLimitConfig): BucketRule {
  const scale = cfg.scale ?? 1;
  return perSecond(rule.perSecond * scale, rule.burst * scale);
}

/** Holds the buckets of one sandbox; `take` answers how long to wait (0 = allowed). */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  config: RateLimitConfig;

  constructor(config: RateLimitConfig | boolean | undefined) {
    this.config = typeof config === 'object' ? { ...config } : { enabled: config !== false };
  }

  get enabled(): boolean {
    return this.config.enabled !== false;
  }

  /** Replace the settings (and forget the buckets, so a new limit starts fresh). */
  configure(config: RateLimitConfig): void {
    this.config = { ...this.config, ...config };
    this.buckets.clear();
  }

  reset(): void {
    this.buckets.clear();
  }

  /** Charge one call; returns 0 when allowed, else the wait in ms. */
  take(key: string, rule: BucketRule, now: number): number {
    if (!this.enabled) return 0;
    const r = takeToken(this.buckets.get(key), rule, now);
    this.buckets.set(key, r.bucket);
    return r.waitMs;
  }
}
