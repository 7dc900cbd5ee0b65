/**
 * Run ids and engine owner ids. Run ids are short, URL-safe and sort by creation time:
 * `r_` + 10 Crockford base32 digits of the epoch milliseconds + 6 random ones.
 */
import { randomBytes } from '../core/random-bytes.js';
import { hostname } from 'node:os';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** Pure: the run id for a time and random bytes (at least 6). */
export function formatRunId(epochMs: number, random: Uint8Array): string {
  let time = '';
  let n = Math.max(0, Math.floor(epochMs));
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[n % 32] + time;
    n = Math.floor(n / 32);
  }
  let rand = '';
  for (let i = 0; i < 6; i++) rand += ALPHABET[(random[i] ?? 0) % 32];
  return `r_${time}${rand}`;
}

export function newRunId(now: Date): string {
  return formatRunId(now.getTime(), randomBytes(6));
}

/** Who holds a run's lease: `pid@host:nonce`, so a crashed holder on this host can be recognised. */
export function newOwnerId(): string {
  return `${process.pid}@${hostname()}:${randomBytes(3).toString('hex')}`;
}

/**
 * A lease whose holder is a process on this host that no longer exists is stale at once, so
 * `runwire resume` after a SIGKILL need not wait for the lease to expire.
 */
export function isOwnerGone(owner: string): boolean {
  const m = /^(\d+)@([^:]+):/.exec(owner);
  if (!m || m[2] !== hostname()) return false;
  const pid = Number(m[1]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
