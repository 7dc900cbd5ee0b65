/**
 * Where the key that seals connection secrets comes from.
 *
 * 1. `RUNWIRE_SECRET_KEY`, when set:
 *    - 64 hex characters, or base64/base64url of exactly 32 bytes → used as the key as is;
 *    - anything else is a passphrase (at least 12 characters), stretched with scrypt
 *      (N=2^15, r=8, p=1) and a random per-data-dir salt kept in `<data-dir>/secret-key.salt`
 *      (not secret; it only stops one passphrase giving the same key everywhere).
 * 2. Otherwise the key file `<data-dir>/secret.key` (base64 of 32 random bytes), created on first
 *    use with mode 0600. A key file readable by group or others is refused (fail closed).
 */
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes, scryptSync } from 'node:crypto';
import { join } from 'node:path';
import { RunwireError } from '../../core/errors.js';
import { secretKeyFromBytes, type SecretKey } from '../secret-box.js';

export const KEY_FILE = 'secret.key';
export const SALT_FILE = 'secret-key.salt';
export const SECRET_KEY_ENV = 'RUNWIRE_SECRET_KEY';

/** Decode `RUNWIRE_SECRET_KEY` when it is a raw 32-byte key; undefined when it is a passphrase. */
export function parseRawKey(value: string): Buffer | undefined {
  const v = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(v)) {
    const b = Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (b.length === 32) return b;
  }
  return undefined;
}

/** Load (or create) the secret key for a data dir, reading the environment given. */
export function loadSecretKey(dataDir: string, env: NodeJS.ProcessEnv): SecretKey {
  const fromEnv = env[SECRET_KEY_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const raw = parseRawKey(fromEnv);
    if (raw) return secretKeyFromBytes(raw, SECRET_KEY_ENV);
    if (fromEnv.length < 12) {
      throw new RunwireError('runwire.secret_key.too_short', `${SECRET_KEY_ENV} is too short to be a passphrase`, {
        fix: `use 32 random bytes as hex or base64 (e.g. \`openssl rand -base64 32\`) or a passphrase of at least 12 characters`,
      });
    }
    const salt = readOrCreate(join(dataDir, SALT_FILE), () => randomBytes(16).toString('base64'), dataDir);
    const bytes = scryptSync(fromEnv, Buffer.from(salt.trim(), 'base64'), 32, {
      N: 1 << 15,
      r: 8,
      p: 1,
      maxmem: 64 * 1024 * 1024,
    });
    return secretKeyFromBytes(bytes, SECRET_KEY_ENV);
  }
  const path = join(dataDir, KEY_FILE);
  const text = readOrCreate(path, () => randomBytes(32).toString('base64'), dataDir);
  const bytes = Buffer.from(text.trim(), 'base64');
  if (bytes.length !== 32) {
    throw new RunwireError('runwire.secret_key.bad_file', `the key file ${path} does not hold a 32-byte base64 key`, {
      fix: `restore the key file from a backup, or set ${SECRET_KEY_ENV} to the key used to store the connections`,
    });
  }
  return secretKeyFromBytes(bytes, path);
}

/** Read a small 0600 file, creating it atomically (O_EXCL) when absent; refuse loose permissions. */
function readOrCreate(path: string, make: () => string, dataDir: string): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(path, `${make()}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600); // independent of the umask
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const mode = statSync(path).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new RunwireError(
      'runwire.secret_key.loose_permissions',
      `${path} is readable by other users (mode ${mode.toString(8)})`,
      {
        fix: `chmod 600 ${path}`,
      },
    );
  }
  return readFileSync(path, 'utf8');
}
