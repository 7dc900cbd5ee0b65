/**
 * One Slack Web API call, classified. The SDK client is made with retries off and 429s rejected,
 * so every outcome comes back here once and the delivery queue decides what happens next:
 * - `ok`: Slack answered ok:true;
 * - `refused`: Slack answered ok:false — the call did not take effect (permanent unless the code is transient);
 * - `rate_limited`: HTTP 429 — nothing happened, wait `Retry-After`;
 * - `unknown`: no usable answer (network error, timeout, 5xx) — the call may or may not have taken effect.
 */
import type { WebClient } from '@slack/web-api';
import { refusedLoopback } from '../sandbox-unreachable.js';
import { slackFailureOf } from '../web-client.js';

export type CallOutcome =
  | { kind: 'ok'; data: Record<string, unknown> }
  | { kind: 'refused'; error: string; needed?: string; provided?: string }
  | { kind: 'rate_limited'; retryAfterSec: number }
  | {
      kind: 'unknown';
      detail: string;
      transport: 'network_error' | 'http_error' | 'timeout';
      status?: number;
      /** Set when a loopback URL refused the connection: nothing was sent, and nothing listens there. */
      refusedAt?: string;
    };

/** Slack error codes that mean "try again later"; fatal_error and internal_error may have half-happened. */
export const TRANSIENT_SLACK_ERRORS: ReadonlySet<string> = new Set([
  'ratelimited',
  'rate_limited',
  'fatal_error',
  'internal_error',
  'service_unavailable',
  'request_timeout',
  'team_added_to_org',
]);

/** Codes after which the message may exist even though Slack answered an error. */
export const MAYBE_APPLIED_ERRORS: ReadonlySet<string> = new Set(['fatal_error', 'internal_error', 'request_timeout']);

/**
 * True when Slack may still be working on a call whose outcome is unknown, so the call may take
 * effect later: no answer came at all (the client timed out, or the connection dropped), or a
 * gateway gave up waiting for Slack (502, 504). A 500/503 or Slack's own error is an answer: the
 * request is no longer in flight.
 */
export function mayStillCommit(out: CallOutcome): boolean {
  if (out.kind !== 'unknown') return false;
  if (out.transport !== 'http_error') return true;
  return out.status === 502 || out.status === 504;
}

export async function callSlack(
  client: WebClient,
  method: string,
  args: Record<string, unknown>,
): Promise<CallOutcome> {
  try {
    const data = (await client.apiCall(method, args)) as unknown as Record<string, unknown>;
    return { kind: 'ok', data };
  } catch (err) {
    const f = slackFailureOf(err);
    switch (f.kind) {
      case 'platform': {
        const out: CallOutcome = { kind: 'refused', error: f.error ?? 'unknown_error' };
        if (f.needed) out.needed = f.needed;
        if (f.provided) out.provided = f.provided;
        return out;
      }
      case 'rate_limited':
        return { kind: 'rate_limited', retryAfterSec: f.retryAfterSec ?? 1 };
      case 'http':
        return {
          kind: 'unknown',
          detail: `HTTP ${f.statusCode ?? '?'}`,
          transport: 'http_error',
          ...(f.statusCode ? { status: f.statusCode } : {}),
        };
      case 'request': {
        const timeout = /abort|timeout|timed out/i.test(f.message);
        const refusedAt = refusedLoopback(err, client.slackApiUrl);
        return {
          kind: 'unknown',
          detail: f.message,
          transport: timeout ? 'timeout' : 'network_error',
          ...(refusedAt ? { refusedAt } : {}),
        };
      }
      default:
        return { kind: 'unknown', detail: f.message, transport: 'network_error' };
    }
  }
}
