/**
 * When the sandbox retries an Events API delivery, and what it calls the failure. Pure.
 *
 * Slack retries a delivery that was not acknowledged with HTTP 2xx within 3 seconds, up to 3 times
 * (nearly immediately, after a minute, after five minutes), keeping the `event_id` and adding
 * `X-Slack-Retry-Num` / `X-Slack-Retry-Reason`. The sandbox keeps the count and the reasons but
 * compresses the delays so tests and demos need not wait minutes.
 */

/** Tunables for delivery; every field has a Slack-like default. */
export interface RetryPolicy {
  /** How long an endpoint has to answer 2xx before the attempt counts as failed (Slack: 3 s). */
  ackTimeoutMs: number;
  /** Retries after the first attempt (Slack: 3). */
  maxRetries: number;
  /** Wait before retry n (index n-1); the last value repeats if the list is short. */
  retryDelaysMs: number[];
}

/** Slack's numbers, with the minute-long waits compressed to seconds. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { ackTimeoutMs: 3000, maxRetries: 3, retryDelaysMs: [0, 1000, 5000] };

/** How one attempt ended. */
export type AttemptOutcome =
  | { kind: 'acked'; status: number }
  | { kind: 'http_error'; status: number; noRetry: boolean }
  | { kind: 'http_timeout' }
  | { kind: 'connection_failed'; detail: string }
  | { kind: 'too_many_redirects'; status: number };

/** Slack's `X-Slack-Retry-Reason` for a failed attempt. */
export function retryReason(outcome: Exclude<AttemptOutcome, { kind: 'acked' }>): string {
  return outcome.kind;
}

/**
 * What to do after attempt number `attempt` (0 = first delivery) ended with `outcome`:
 * stop (acked, given up, or the endpoint said `X-Slack-No-Retry: 1`), or retry after a delay.
 */
export function nextStep(
  attempt: number,
  outcome: AttemptOutcome,
  policy: RetryPolicy,
): { kind: 'done' } | { kind: 'give_up' } | { kind: 'retry'; retryNum: number; reason: string; delayMs: number } {
  if (outcome.kind === 'acked') return { kind: 'done' };
  if (outcome.kind === 'http_error' && outcome.noRetry) return { kind: 'give_up' };
  if (attempt >= policy.maxRetries) return { kind: 'give_up' };
  const delays = policy.retryDelaysMs;
  const delayMs = delays[Math.min(attempt, delays.length - 1)] ?? 0;
  return { kind: 'retry', retryNum: attempt + 1, reason: retryReason(outcome), delayMs };
}
