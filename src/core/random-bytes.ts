/**
 * Random bytes for ids (run ids, lease owner nonces) without loading `node:crypto`: on Node 20 that
 * import loads some 25 internal modules (ciphers, key objects, KDFs, webcrypto), ~3 ms of every
 * `runwire run`'s start. The kernel's CSPRNG, `/dev/urandom`, read a pool at a time gives bytes of
 * the same quality; where there is none (Windows) `node:crypto` fills the pool instead. Secrets
 * (tokens, keys, signatures) keep using `node:crypto` directly.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';

const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

function fillFromKernel(buf: Buffer): boolean {
  let fd: number;
  try {
    fd = openSync('/dev/urandom', 'r');
  } catch {
    return false;
  }
  try {
    for (let got = 0; got < buf.length; ) {
      const n = readSync(fd, buf, got, buf.length - got, null);
      if (n <= 0) return false;
      got += n;
    }
    return true;
  } finally {
    closeSync(fd);
  }
}

function fill(buf: Buffer): void {
  if (fillFromKernel(buf)) return;
  const { randomFillSync } = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  randomFillSync(buf);
}

/** `n` cryptographically random bytes, each byte handed out once. */
export function randomBytes(n: number): Buffer {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`randomBytes: ${n} is not a byte count`);
  if (n > POOL_BYTES) {
    const big = Buffer.alloc(n);
    fill(big);
    return big;
  }
  if (offset + n > POOL_BYTES) {
    fill(pool);
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + n));
  // Handed-out bytes are wiped from the pool.
  pool.fill(0, offset, offset + n);
  offset += n;
  return out;
}
