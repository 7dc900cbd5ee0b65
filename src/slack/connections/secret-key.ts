/**
 * Where the key that seals connection secrets comes from.
 *
 * 1. `RUNWIRE_SECRET_KEY`, when set:
 *    - 64 hex characters, or base64/base64url of exactly 32 bytes → used as the key as is;
 *    - anything else is a passphrase (at least 12 characters), stretched with scrypt
 *      (N=2^15, r=8, p=1) and a random per-data-dir salt kept in `<data-dir>/secret-key.salt`
 *      (not secret; it only stops one passphrase giving the same key everywhere).
 * 2. Otherwise the key file `<data-dir>/secret.key` (base64 of 32 random bytes), created with mode
 *    0600 only when the first secret of the data dir is sealed. A key file readable by group or
 *    others is refused (fail closed).
 *
 * A missing key file (or salt) is never replaced while sealed secrets exist: the error says how to
 * restore it. Reading never creates anything.
 */
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes, scryptSync } from 'node:crypto';
import { join } from 'node:path';
import { RunwireError } from '../../core/errors.js';
import { makeDataDir } from '../../store/data-dir.js';
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

/** What is sealed in the store already: the connections holding sealed values and the key ids used. */
export interface SealedInventory {
  names: string[];
  keyIds: string[];
}

/** Where a key would come from, for messages: `RUNWIRE_SECRET_KEY` or `the key file <path>`. */
export function describeKeySource(source: string): string {
  return source === SECRET_KEY_ENV ? SECRET_KEY_ENV : `the key file ${source}`;
}

/** The fix for a missing key file or salt: restore it, or give the key another way. */
function restoreFix(path: string): string {
  return (
    `restore ${path} from a backup of the data dir (then chmod 600 ${path}), or set ${SECRET_KEY_ENV} to the key ` +
    `(or passphrase) the connections were stored with; Runwire makes no new key while secrets sealed with the old one exist`
  );
}

/**
 * The data dir's key, loaded on first use. Opening sealed values never creates a key; a key (or a
 * passphrase's salt) is created only to seal the first secret of a data dir, so a lost key file is
 * reported as lost instead of being silently replaced (which would leave one database needing two keys).
 */
export class DataDirSecretKey {
  private key: SecretKey | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** The key to open values sealed with key `keyId`; throws `runwire.secret_key.missing` when there is none. */
  existing(keyId?: string): SecretKey {
    this.key ??= this.load(undefined, keyId);
    return this.key;
  }

  /** The key to seal with: the existing one, or a new one when none exists and nothing is sealed yet. */
  forSealing(sealed: SealedInventory): SecretKey {
    this.key ??= this.load(sealed);
    return this.key;
  }

  /** `sealed` undefined: open only (never create). */
  private load(sealed: SealedInventory | undefined, keyId?: string): SecretKey {
    const fromEnv = this.env[SECRET_KEY_ENV];
    const create = sealed !== undefined && sealed.names.length === 0;
    if (fromEnv !== undefined && fromEnv.trim() !== '') {
      const raw = parseRawKey(fromEnv);
      if (raw) return secretKeyFromBytes(raw, SECRET_KEY_ENV);
      if (fromEnv.length < 12) {
        throw new RunwireError('runwire.secret_key.too_short', `${SECRET_KEY_ENV} is too short to be a passphrase`, {
          fix: `use 32 random bytes as hex or base64 (e.g. \`openssl rand -base64 32\`) or a passphrase of at least 12 characters`,
        });
      }
      const saltPath = join(this.dataDir, SALT_FILE);
      const salt = readKeyFile(saltPath, create ? () => randomBytes(16).toString('base64') : undefined, this.dataDir);
      if (salt === undefined && sealed === undefined) {
        // Opening: either this is not the passphrase the secrets were sealed with, or its salt was lost.
        throw new RunwireError(
          'runwire.secret_key.mismatch',
          `${SECRET_KEY_ENV} differs from the one used to store it (a passphrase needs the salt file ${saltPath}, which is missing${keyId ? `; the secrets use key id ${keyId}` : ''})`,
          {
            fix: `unset ${SECRET_KEY_ENV} if the data dir's secret.key was used, set it to the key used to store the connections, or restore ${saltPath} from a backup of the data dir`,
          },
        );
      }
      if (salt === undefined) throw missing(`the passphrase's salt file ${saltPath}`, saltPath, sealed, keyId);
      const bytes = scryptSync(fromEnv, Buffer.from(salt.trim(), 'base64'), 32, {
        N: 1 << 15,
        r: 8,
        p: 1,
        maxmem: 64 * 1024 * 1024,
      });
      return secretKeyFromBytes(bytes, SECRET_KEY_ENV);
    }
    const path = join(this.dataDir, KEY_FILE);
    const text = readKeyFile(path, create ? () => randomBytes(32).toString('base64') : undefined, this.dataDir);
    if (text === undefined) throw missing(`the key file ${path}`, path, sealed, keyId);
    const bytes = Buffer.from(text.trim(), 'base64');
    if (bytes.length !== 32) {
      throw new RunwireError('runwire.secret_key.bad_file', `the key file ${path} does not hold a 32-byte base64 key`, {
        fix: `restore the key file from a backup, or set ${SECRET_KEY_ENV} to the key used to store the connections`,
      });
    }
    return secretKeyFromBytes(bytes, path);
  }
}

function missing(what: string, path: string, sealed: SealedInventory | undefined, keyId?: string): RunwireError {
  const ids = [...new Set([...(sealed?.keyIds ?? []), ...(keyId ? [keyId] : [])])];
  const held =
    sealed && sealed.names.length > 0
      ? ` and connection(s) ${sealed.names.join(', ')} hold secrets sealed with it`
      : '';
  return new RunwireError(
    'runwire.secret_key.missing',
    `${what} is missing${held}${ids.length > 0 ? ` (key id ${ids.join(', ')})` : ''}`,
    {
      fix: sealed
        ? `${restoreFix(path)}; or start over: remove those connections (runwire connection remove NAME) and add them again`
        : restoreFix(path),
    },
  );
}

/** The mode bits of a key file beyond 0600 that let other users read or change it (0 when fine or absent). */
export function looseKeyFileMode(dataDir: string): number | undefined {
  if (process.platform === 'win32') return undefined;
  try {
    const mode = statSync(join(dataDir, KEY_FILE)).mode & 0o777;
    return (mode & 0o077) !== 0 ? mode : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Read a small 0600 file; when absent, create it atomically (O_EXCL) if `make` is given, else
 * return undefined. Loose permissions (group or others may read or write) are refused.
 */
function readKeyFile(path: string, make: (() => string) | undefined, dataDir: string): string | undefined {
  if (make) {
    makeDataDir(dataDir);
    try {
      writeFileSync(path, `${make()}\n`, { mode: 0o600, flag: 'wx' });
      chmodSync(path, 0o600); // independent of the umask
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new RunwireError(
      'runwire.secret_key.loose_permissions',
      `${path} is readable by other users (mode ${mode.toString(8)}, wider than 600): refusing to use it`,
      {
        fix: `chmod 600 ${path}`,
      },
    );
  }
  return readFileSync(path, 'utf8');
}
