/**
 * The one backoff formula, and retry decisions, as pure functions: the caller passes the random
 * number (Math.random() in the engine and Slack delivery, fixed values in tests).
 */
import type { RetryPolicy } from './task-type.js';

/** Jitter spreads each wait over ±25% so tasks failing together do not retry in lockstep. */
export const JITTER = 0.25;

/** The base wait and its cap: a task's retry policy, or Slack delivery's `DELIVERY_BACKOFF`. */
export type BackoffPolicy = Pick<RetryPolicy, 'backoffMs' | 'maxBackoffMs'>;

/**
 * Milliseconds to wait after attempt `attempt` (1-based) failed, before the next one:
 * about `backoffMs * 2^(attempt-1)`, times a factor in [1-JITTER, 1+JITTER) from `random` in [0,1),
 * never above `maxBackoffMs`.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: number): number {
  const n = Math.max(1, Math.floor(attempt));
  const r = Math.min(Math.max(random, 0), 1);
  const base = policy.backoffMs * 2 ** (n - 1);
  const jittered = base * (1 - JITTER + 2 * JITTER * r);
  const capped = policy.maxBackoffMs === undefined ? jittered : Math.min(jittered, policy.maxBackoffMs);
  return Math.max(0, Math.round(capped));
}

/** Whether attempt `attempt` (1-based) that failed should be followed by another. */
export function shouldRetry(attempt: number, policy: RetryPolicy, retryable: boolean): boolean {
  return retryable && attempt < policy.attempts;
}
