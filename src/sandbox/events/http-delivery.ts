/**
 * Delivers signed Events API payloads to the app's Request URL over HTTP, retrying like Slack.
 * The thin I/O shell around `signature.ts` (signing) and `retry-policy.ts` (decisions).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { signedHeaders } from './signature.js';
import { nextStep, type AttemptOutcome, type RetryPolicy } from './retry-policy.js';

/** One attempt, kept so tests and the admin API can see what happened. */
export interface AttemptRecord {
  /** 0 for the first delivery, then the `X-Slack-Retry-Num` sent. */
  retryNum: number;
  outcome: AttemptOutcome['kind'];
  /** HTTP status, when the endpoint answered. */
  status?: number;
}

/** The fate of one payload. */
export interface DeliveryRecord {
  eventId: string;
  url: string;
  attempts: AttemptRecord[];
  /** `pending` while attempts remain; then `acked` or `failed`. */
  state: 'pending' | 'acked' | 'failed';
}

/** What the deliverer needs from its surroundings (passed in, not read from globals). */
export interface HttpDeliveryOptions {
  signingSecret: string;
  policy: RetryPolicy;
  /** The clock used for `X-Slack-Request-Timestamp`. */
  now: () => number;
  /** Called whenever a delivery record changes (for logs and live views). */
  onRecord?: (record: DeliveryRecord) => void;
}

/** Sends payloads and retries them; `close()` abandons what is still pending. */
export class HttpEventDeliverer {
  private readonly inFlight = new Set<AbortController>();
  /** Aborted by `close()`: ends the waits between retries early. */
  private readonly closing = new AbortController();
  private closed = false;

  constructor(private readonly opts: HttpDeliveryOptions) {}

  /**
   * Delivers `body` (an event_callback, serialised once so every attempt signs the same bytes)
   * and resolves when it is acknowledged or given up on.
   */
  async deliver(url: string, eventId: string, body: string): Promise<DeliveryRecord> {
    const record: DeliveryRecord = { eventId, url, attempts: [], state: 'pending' };
    let retry: { retryNum: number; reason: string } | undefined;
    for (let attempt = 0; !this.closed; attempt++) {
      const outcome = await this.attempt(url, body, retry);
      record.attempts.push({
        retryNum: attempt,
        outcome: outcome.kind,
        ...('status' in outcome ? { status: outcome.status } : {}),
      });
      const step = nextStep(attempt, outcome, this.opts.policy);
      if (step.kind === 'done') record.state = 'acked';
      if (step.kind === 'give_up') record.state = 'failed';
      this.opts.onRecord?.(record);
      if (step.kind !== 'retry') return record;
      retry = { retryNum: step.retryNum, reason: step.reason };
      // `close()` ends the wait early; the loop then sees `closed`.
      await sleep(step.delayMs, undefined, { signal: this.closing.signal }).catch(() => undefined);
    }
    record.state = 'failed';
    return record;
  }

  /** One signed POST; never throws — failures are outcomes. */
  private async attempt(
    url: string,
    body: string,
    retry?: { retryNum: number; reason: string },
  ): Promise<AttemptOutcome> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(new Error('http_timeout')), this.opts.policy.ackTimeoutMs);
    try {
      const headers: Record<string, string> = {
        'Content-Type': 'application/json',
        'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
        ...signedHeaders(this.opts.signingSecret, this.opts.now(), body),
      };
      if (retry) {
        headers['X-Slack-Retry-Num'] = String(retry.retryNum);
        headers['X-Slack-Retry-Reason'] = retry.reason;
      }
      const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: controller.signal });
      // Read the body so the connection is released; its content does not matter for an event.
      await res.arrayBuffer().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return { kind: 'acked', status: res.status };
      if (res.status >= 300 && res.status < 400) return { kind: 'too_many_redirects', status: res.status };
      return { kind: 'http_error', status: res.status, noRetry: res.headers.get('x-slack-no-retry') === '1' };
    } catch (err) {
      if (controller.signal.aborted) return { kind: 'http_timeout' };
      return { kind: 'connection_failed', detail: err instanceof Error ? err.message : String(err) };
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }

  /** Stops retrying and aborts requests in flight. */
  close(): void {
    this.closed = true;
    for (const c of this.inFlight) c.abort(new Error('sandbox closed'));
    this.closing.abort();
  }
}
