/**
 * Fault injection: make the next N calls of a Web API method (optionally only for one channel) fail
 * the way networks and Slack fail, so clients' retry and idempotency logic can be tested for real.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * - `late_commit`: hold the request, then run the method `commit_ms` (default 3000 ms) after it arrived — a slow
 *   Slack that stores the message after the client may have given up; the answer goes out only if the client still waits;
 * - `error_body`: answer HTTP 200 with the plain-text body `error` instead of `ok` (what an incoming webhook
 *   answers with when it is not Slack's `ok`, e.g. a proxy or a Slack error sent with status 200);
 * - `http_error`: answer with an HTTP 5xx (`status`, default 500) and an HTML body, as Slack's edge does;
 * - `timeout`: hold the request without answering for `hold_ms` (default 30 s), then drop the connection;
 * - `reset`: destroy the connection without reading further or answering;
 * - `lost_response`: run the method (the message *is* posted), then destroy the connection unanswered;
 * - `rate_limited`: answer HTTP 429 `{ok:false,error:"ratelimited"}` with `Retry-After: retry_after` (default 1 s),
 *   e.g. a long wait for one channel while the others go on;
 * - `slack_error`: answer HTTP 200 `{ok:false,error}` with Slack's code `error`, e.g. `invalid_metadata_format`
 *   with `when_arg: "metadata"` to refuse message metadata (the same post without it succeeds).
 */
export type FaultKind =
  | 'http_error'
  | 'timeout'
  | 'reset'
  | 'lost_response'
  | 'late_commit'
  | 'rate_limited'
  | 'slack_error'
  | 'error_body';

export const FAULT_KINDS: readonly FaultKind[] = [
  'http_error',
  'timeout',
  'reset',
  'lost_response',
  'late_commit',
  'rate_limited',
  'slack_error',
  'error_body',
];

export interface FaultSpec {
  /** Web API method name, e.g. `chat.postMessage`, or `incoming-webhook` for webhook posts. */
  method: string;
  kind: FaultKind;
  /** Only calls whose `channel` argument is (or resolves to) this id or name. */
  channel?: string;
  /** How many matching calls fail (default 1). */
  times?: number;
  /** `http_error` only: 500–599 (default 500). */
  status?: number;
  /** `timeout` only: how long to hold the request (default 30000 ms). */
  hold_ms?: number;
  /** `rate_limited` only: the Retry-After in seconds (default 1). */
  retry_after?: number;
  /** `late_commit` only: when the method runs, in ms after the request arrived (default 3000). */
  commit_ms?: number;
  /** `slack_error` and `error_body` only: the error code to answer, e.g. `invalid_metadata_format`. */
  error?: string;
  /** Only calls that carry this argument, e.g. `metadata`. */
  when_arg?: string;
}

/** Check a fault spec from an admin request or option; returns an error message or undefined. */
export function validateFault(spec: unknown): string | undefined {
  if (typeof spec !== 'object' || spec === null) return 'a fault must be an object';
  const s = spec as Record<string, unknown>;
  if (typeof s.method !== 'string' || s.method === '')
    return 'fault.method must be a method name such as chat.postMessage';
  if (!FAULT_KINDS.includes(s.kind as FaultKind)) return `fault.kind must be one of ${FAULT_KINDS.join(', ')}`;
  if (s.times !== undefined && (!Number.isInteger(s.times) || (s.times as number) < 1))
    return 'fault.times must be a positive integer';
  if (
    s.status !== undefined &&
    (!Number.isInteger(s.status) || (s.status as number) < 500 || (s.status as number) > 599)
  )
    return 'fault.status must be 500-599';
  if (s.hold_ms !== undefined && (typeof s.hold_ms !== 'number' || s.hold_ms < 0))
    return 'fault.hold_ms must be a number of milliseconds';
  if (s.channel !== undefined && typeof s.channel !== 'string') return 'fault.channel must be a channel id or name';
  if (s.retry_after !== undefined && (!Number.isInteger(s.retry_after) || (s.retry_after as number) < 1))
    return 'fault.retry_after must be a positive whole number of seconds';
  if (
    s.commit_ms !== undefined &&
    (typeof s.commit_ms !== 'number' || !Number.isFinite(s.commit_ms) || s.commit_ms < 0)
  )
    return 'fault.commit_ms must be a number of milliseconds';
  if ((s.kind === 'slack_error' || s.kind === 'error_body') && (typeof s.error !== 'string' || s.error === ''))
    return 'fault.error must be a Slack error code such as invalid_metadata_format';
  if (s.when_arg !== undefined && (typeof s.when_arg !== 'string' || s.when_arg === ''))
    return 'fault.when_arg must be an argument name such as metadata';
  return undefined;
}

interface ArmedFault extends FaultSpec {
  remaining: number;
}

export class FaultInjector {
  private armed: ArmedFault[] = [];

  /** Arm a fault for the next `times` matching calls. Throws on an invalid spec. */
  add(spec: FaultSpec): void {
    const problem = validateFault(spec);
    if (problem) throw new Error(problem);
    this.armed.push({ ...spec, remaining: spec.times ?? 1 });
  }

  clear(): void {
    this.armed = [];
  }

  /** Faults still armed, with how many calls each will still hit. */
  list(): Array<FaultSpec & { remaining: number }> {
    return this.armed.map((f) => ({ ...f }));
  }

  /**
   * Consume the first armed fault matching this call. `channels` holds what the call's `channel`
   * argument is known as (raw value and resolved id); `args` the call's arguments (for `when_arg`).
   */
  take(method: string, channels: string[], args: Record<string, unknown> = {}): FaultSpec | undefined {
    const i = this.armed.findIndex(
      (f) =>
        f.method === method &&
        (f.channel === undefined || channels.includes(f.channel.replace(/^#/, ''))) &&
        (f.when_arg === undefined || args[f.when_arg] !== undefined),
    );
    if (i < 0) return undefined;
    const f = this.armed[i]!;
    f.remaining -= 1;
    if (f.remaining <= 0) this.armed.splice(i, 1);
    return f;
  }
}

/** Faults that let the method run (the message is stored) and only spoil or delay the answer. */
export function runsTheMethod(fault: FaultSpec | undefined): boolean {
  return fault?.kind === 'lost_response' || fault?.kind === 'late_commit';
}

/** `late_commit`: wait until the method should run (the timer does not keep a process alive). */
export async function lateCommitDelay(fault: FaultSpec | undefined): Promise<void> {
  if (fault?.kind === 'late_commit') await sleep(fault.commit_ms ?? 3000, undefined, { ref: false });
}
