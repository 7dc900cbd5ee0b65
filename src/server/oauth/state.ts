/**
 * The `state` of an install through the server, pure: `v1.<connection>.<expires>.<nonce>.<mac>`, an
 * HMAC-SHA256 under the connection's own client secret (which every server on the database can open
 * and no one outside holds), so a forged, altered or truncated state is refused before anything is
 * looked up or written. Single use and expiry are kept by the `oauth_states` table (`OAuthStateStore`).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long an authorize URL stays good (Slack's own codes last ten minutes). */
export const STATE_TTL_MS = 10 * 60 * 1000;

export interface StatePayload {
  connection: string;
  expiresAt: number;
}

const mac = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64url');

export function signState(connection: string, expiresAt: number, clientSecret: string): string {
  const body = `v1.${Buffer.from(connection).toString('base64url')}.${expiresAt.toString(36)}.${randomBytes(16).toString('base64url')}`;
  return `${body}.${mac(clientSecret, body)}`;
}

/** What a state claims, before its MAC is checked (the connection names whose secret checks it). */
export function readState(state: string): StatePayload | undefined {
  const m = /^v1\.([A-Za-z0-9_-]{1,200})\.([0-9a-z]{1,12})\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/.exec(state);
  if (!m) return undefined;
  const connection = Buffer.from(m[1]!, 'base64url').toString('utf8');
  const expiresAt = Number.parseInt(m[2]!, 36);
  return connection && Number.isSafeInteger(expiresAt) ? { connection, expiresAt } : undefined;
}

/** The MAC matches (constant time). */
export function stateSignedBy(state: string, clientSecret: string): boolean {
  const cut = state.lastIndexOf('.');
  const want = Buffer.from(mac(clientSecret, state.slice(0, cut)));
  const got = Buffer.from(state.slice(cut + 1));
  return want.length === got.length && timingSafeEqual(want, got);
}

/** What the table keeps instead of the state itself. */
export function stateHash(state: string): string {
  return createHash('sha256').update(state).digest('hex');
}
