/**
 * Verifying that a request comes from Slack (request signing, v0), as a pure function: the signing
 * secret, the headers, the exact body bytes and the time are passed in; the answer is a typed result.
 *
 * Slack documents it as `X-Slack-Signature = "v0=" + hex(HMAC-SHA256(signing_secret, "v0:" +
 * X-Slack-Request-Timestamp + ":" + raw_body))`, with requests whose timestamp is more than five
 * minutes from now refused (replays). It fails closed: no secret, a missing or repeated header, or
 * anything malformed is a refusal, never a pass; the digests are compared in constant time.
 * (The shape follows slackapi/bolt-js `src/receivers/verify-request.ts`.)
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ERROR_CODES } from '../core/errors.js';

/** How far the timestamp may be from now, either way (Slack: five minutes). */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

export interface VerifyRequestInput {
  /** The app's signing secret; undefined or empty refuses every request. */
  signingSecret: string | undefined;
  /** The request headers (any case; Node gives them lowercased). */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The exact body bytes received (a string is taken as UTF-8), before any parsing. */
  rawBody: string | Buffer;
  /** Now, in milliseconds since the epoch (the caller's clock). */
  nowMs: number;
}

/** Why a request was refused. */
export type VerifyFailureCode = Extract<
  keyof typeof ERROR_CODES,
  | 'runwire.slack.request.missing_secret'
  | 'runwire.slack.request.missing_headers'
  | 'runwire.slack.request.bad_format'
  | 'runwire.slack.request.stale'
  | 'runwire.slack.request.future'
  | 'runwire.slack.request.bad_signature'
>;

export type VerifyResult =
  | { ok: true /** The signed timestamp, unix seconds. */; timestamp: number }
  | { ok: false; code: VerifyFailureCode; message: string };

/** `v0=` + the hex HMAC-SHA256 of `v0:<timestamp>:<body>` under the secret. */
function expectedDigest(secret: string, timestamp: string, rawBody: string | Buffer): Buffer {
  return createHmac('sha256', secret).update(`v0:${timestamp}:`).update(rawBody).digest();
}

/** One header, case-insensitively; a header given twice counts as malformed (null). */
function header(headers: VerifyRequestInput['headers'], name: string): string | undefined | null {
  let found: string | undefined | null;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    if (found !== undefined || typeof value !== 'string') return null;
    found = value;
  }
  return found;
}

const refuse = (code: VerifyFailureCode, message: string): VerifyResult => ({ ok: false, code, message });

/** Check one request's Slack signature. Pure: the same input always gives the same answer. */
export function verifySlackRequest(input: VerifyRequestInput): VerifyResult {
  if (!input.signingSecret)
    return refuse('runwire.slack.request.missing_secret', 'No Slack signing secret is configured.');
  const signature = header(input.headers, 'x-slack-signature');
  const timestamp = header(input.headers, 'x-slack-request-timestamp');
  if (signature === undefined || timestamp === undefined)
    return refuse(
      'runwire.slack.request.missing_headers',
      `The request has no ${signature === undefined ? 'X-Slack-Signature' : 'X-Slack-Request-Timestamp'} header.`,
    );
  if (signature === null || timestamp === null)
    return refuse('runwire.slack.request.bad_format', 'A Slack signing header is given more than once.');
  if (!/^\d{1,12}$/.test(timestamp))
    return refuse('runwire.slack.request.bad_format', 'X-Slack-Request-Timestamp is not unix seconds.');
  const sig = /^v0=([0-9a-f]{64})$/.exec(signature);
  if (!sig) return refuse('runwire.slack.request.bad_format', 'X-Slack-Signature is not v0= and 64 hex digits.');
  const ts = Number(timestamp);
  const skew = Math.floor(input.nowMs / 1000) - ts;
  if (skew > SIGNATURE_TOLERANCE_SECONDS)
    return refuse('runwire.slack.request.stale', `The request was signed ${skew} s ago (more than 5 minutes).`);
  if (-skew > SIGNATURE_TOLERANCE_SECONDS)
    return refuse('runwire.slack.request.future', `The request is signed ${-skew} s in the future (over 5 minutes).`);
  const theirs = Buffer.from(sig[1] as string, 'hex');
  const mine = expectedDigest(input.signingSecret, timestamp, input.rawBody);
  if (!timingSafeEqual(mine, theirs))
    return refuse('runwire.slack.request.bad_signature', 'The Slack signature does not match the body.');
  return { ok: true, timestamp: ts };
}
