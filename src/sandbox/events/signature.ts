/**
 * Slack's request signing (v0), as the sandbox applies it to every Events API delivery.
 *
 * Pure: takes the secret, the timestamp and the exact bytes of the body, returns the header value.
 * Slack documents the algorithm as
 * `X-Slack-Signature = "v0=" + hex(HMAC-SHA256(signing_secret, "v0:" + timestamp + ":" + raw_body))`.
 */
import { createHmac } from 'node:crypto';

/** The version prefix Slack puts in front of the base string and the hex digest. */
export const SIGNATURE_VERSION = 'v0';

/** The headers a signed delivery carries. */
export interface SignedHeaders {
  /** `v0=<hex digest>`. */
  'X-Slack-Signature': string;
  /** Unix seconds, as a decimal string, that the signature covers. */
  'X-Slack-Request-Timestamp': string;
}

/**
 * Computes `X-Slack-Signature` for a body.
 * @param signingSecret the app's signing secret
 * @param timestampSeconds unix seconds (the value sent in `X-Slack-Request-Timestamp`)
 * @param rawBody the exact body bytes sent on the wire (a string is taken as UTF-8)
 */
export function computeSlackSignature(
  signingSecret: string,
  timestampSeconds: number | string,
  rawBody: string | Buffer,
): string {
  // A missing secret would give a signature anyone can forge: refuse rather than sign with ''.
  if (signingSecret.length === 0) throw new Error('computeSlackSignature: the signing secret is empty');
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`${SIGNATURE_VERSION}:${String(timestampSeconds)}:`);
  hmac.update(rawBody);
  return `${SIGNATURE_VERSION}=${hmac.digest('hex')}`;
}

/** Both signing headers for a body sent at `nowMs` (a clock value passed in, not read here). */
export function signedHeaders(signingSecret: string, nowMs: number, rawBody: string | Buffer): SignedHeaders {
  const ts = Math.floor(nowMs / 1000);
  return {
    'X-Slack-Signature': computeSlackSignature(signingSecret, ts, rawBody),
    'X-Slack-Request-Timestamp': String(ts),
  };
}
