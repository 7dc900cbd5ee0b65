/**
 * Pure: the value of an approval button — a signed, opaque reference to one approval request
 * (run, task, the request's random nonce, the decision), never a guessable id. The HMAC key is
 * derived from the data dir's secret key (`approvalKeyFrom`), so only this Runwire can make one;
 * a request asked again (a retry) has a new nonce, so the old message's buttons no longer decide it.
 *
 * Format: `rwa1.<base64url JSON {r,t,n,d}>.<base64url HMAC-SHA256>` (well under Slack's 2000-character limit).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type ApprovalDecision = 'approve' | 'reject';

export interface ApprovalReference {
  runId: string;
  taskId: string;
  /** The request's nonce (saved in the task's state when the message was posted). */
  nonce: string;
  decision: ApprovalDecision;
}

const PREFIX = 'rwa1';

/** The approval-reference key: HMAC of a fixed label under the secret key (never the key itself). */
export function approvalKeyFrom(secretKey: Buffer): Buffer {
  return createHmac('sha256', secretKey).update('runwire approval reference v1').digest();
}

function mac(key: Buffer, body: string): Buffer {
  return createHmac('sha256', key).update(`${PREFIX}.${body}`).digest();
}

export function signReference(key: Buffer, ref: ApprovalReference): string {
  const body = Buffer.from(
    JSON.stringify({ r: ref.runId, t: ref.taskId, n: ref.nonce, d: ref.decision }),
    'utf8',
  ).toString('base64url');
  return `${PREFIX}.${body}.${mac(key, body).toString('base64url')}`;
}

/** The reference a button value holds, or undefined when it is not one this key signed. */
export function verifyReference(key: Buffer, value: unknown): ApprovalReference | undefined {
  if (typeof value !== 'string' || value.length > 2000) return undefined;
  const parts = value.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX) return undefined;
  const [, body, sig] = parts as [string, string, string];
  const given = Buffer.from(sig, 'base64url');
  const want = mac(key, body);
  if (given.length !== want.length || !timingSafeEqual(given, want)) return undefined;
  try {
    const o = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof o.r !== 'string' || typeof o.t !== 'string' || typeof o.n !== 'string') return undefined;
    if (o.d !== 'approve' && o.d !== 'reject') return undefined;
    return { runId: o.r, taskId: o.t, nonce: o.n, decision: o.d };
  } catch {
    return undefined;
  }
}
