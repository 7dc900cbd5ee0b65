/**
 * What goes wrong with the storage itself, as one clear error each: a damaged database file, a data
 * dir this user may not write, a full disk, a database written by a newer Runwire. Raw SQLite (and
 * PostgreSQL) failures are turned into these where the store is opened and around every store call
 * (`guardStorage`), so no command or server prints "database or disk is full" with a stack.
 */
import { accessSync, constants, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { userInfo } from 'node:os';
import { RunwireError } from '../core/errors.js';

/** Thrown by the migrators, before they write anything, when the database has migrations this Runwire lacks. */
export class NewerSchemaError extends Error {
  constructor(
    readonly unknownIds: number[],
    readonly knownUpTo: number,
  ) {
    super(`the database has migrations ${unknownIds.join(', ')} this Runwire does not know`);
    this.name = 'NewerSchemaError';
  }
}

/** Where the storage is, for messages: the SQLite file, or the PostgreSQL URL (password hidden). */
export type StorageLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/** The codes of storage failures (the CLI exits 2 on them). */
export const STORAGE_CODES = new Set([
  'runwire.store.corrupt',
  'runwire.store.read_only',
  'runwire.store.full',
  'runwire.store.io_error',
  'runwire.store.newer_schema',
]);

function who(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}

/** Why `dir` cannot be written: `EROFS` (a read-only mount), `EACCES` (permissions) or undefined. */
function unwritable(dir: string): string | undefined {
  try {
    accessSync(dir, constants.W_OK);
    return undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code;
  }
}

/** Whether the disk holding `dir` has (next to) no room: an I/O error there is a full disk (e.g. SHMSIZE). */
function diskFull(dir: string): boolean {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize < 64 * 1024;
  } catch {
    return false;
  }
}

/** The ending of the fixes that a CLI driving a run replaces with how to continue it. */
export const AGAIN = ', then run the command again';

const where = (at: StorageLocation) => (at.kind === 'sqlite' ? at.file : `the PostgreSQL database ${at.url}`);

/** The storage error `err` is, or undefined when it is something else (left as it is). Pure but for the user name. */
export function storageFailure(err: unknown, at: StorageLocation): RunwireError | undefined {
  if (err instanceof RunwireError) return undefined;
  if (err instanceof NewerSchemaError) {
    const many = err.unknownIds.length > 1;
    return new RunwireError(
      'runwire.store.newer_schema',
      `${where(at)} was written by a newer Runwire: it has migration${many ? 's' : ''} ${err.unknownIds.join(', ')}, and this Runwire knows migrations up to ${err.knownUpTo}; nothing was written to it`,
      {
        fix: 'use the newer Runwire that wrote it (or upgrade this one); an older Runwire never writes to a newer database',
      },
    );
  }
  const e = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const detail = typeof e.message === 'string' ? e.message : String(err);
  const file = at.kind === 'sqlite' ? at.file : '';
  const dir = at.kind === 'sqlite' ? dirname(at.file) : '';
  if (code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_') || code === 'SQLITE_NOTADB' || code === 'XX001') {
    return new RunwireError('runwire.store.corrupt', `${where(at)} is damaged and cannot be read (${detail})`, {
      fix:
        at.kind === 'sqlite'
          ? `restore ${file} from a backup, or move it aside to start with an empty one (mv ${file} ${file}.damaged; Runwire does not repair it in place)`
          : 'restore the database from a backup (ask your database administrator); Runwire does not repair it',
    });
  }
  if (
    code.startsWith('SQLITE_READONLY') ||
    code === 'SQLITE_CANTOPEN' ||
    code === 'SQLITE_PERM' ||
    code === 'SQLITE_AUTH' ||
    code === 'EACCES' ||
    code === 'EROFS' ||
    code === '25006'
  ) {
    if (at.kind === 'postgres') {
      return new RunwireError('runwire.store.read_only', `${where(at)} is read-only: ${detail}`, {
        fix: `connect to a writable primary (not a read replica), or grant the user write access${AGAIN}`,
      });
    }
    if (code === 'EROFS' || unwritable(dir) === 'EROFS') {
      return new RunwireError(
        'runwire.store.read_only',
        `the data dir ${dir} is on a read-only file system: ${detail}`,
        {
          fix: `remount it read-write, or pass --data-dir with a directory on a writable disk${AGAIN}`,
        },
      );
    }
    return new RunwireError(
      'runwire.store.read_only',
      `the data dir ${dir} cannot be written by this user (${who()}): ${detail}`,
      {
        fix: `make ${dir} and the files in it writable by ${who()} (e.g. chown -R ${who()} ${dir}), or pass --data-dir with a directory this user can write${AGAIN}`,
      },
    );
  }
  const ioError = code.startsWith('SQLITE_IOERR') || code === 'EIO';
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === '53100' || (ioError && dir && diskFull(dir))) {
    return new RunwireError('runwire.store.full', `the disk holding ${where(at)} is full: ${detail}`, {
      fix:
        at.kind === 'sqlite'
          ? `free space on that disk (df -h ${dir}), or move the data dir to a larger one${AGAIN}`
          : `free space on the database server${AGAIN}`,
    });
  }
  if (ioError) {
    return new RunwireError('runwire.store.io_error', `reading or writing ${where(at)} failed (${code}: ${detail})`, {
      fix: `check the disk and the file system holding ${at.kind === 'sqlite' ? dir : 'the database'} (dmesg)${AGAIN}`,
    });
  }
  return undefined;
}

/** `fn()`, with a storage failure thrown as its clear error. */
export function underStorage<T>(at: StorageLocation, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw storageFailure(err, at) ?? err;
  }
}

/**
 * The same object, each method's failure (thrown, or a rejected promise) passed through
 * `storageFailure`: wraps a store so every caller — CLI, worker, server — gets the clear error.
 */
export function guardStorage<T extends object>(target: T, at: StorageLocation): T {
  const wrapped = new Map<PropertyKey, unknown>();
  const map = (err: unknown): never => {
    throw storageFailure(err, at) ?? err;
  };
  return new Proxy(target, {
    get(t, prop, receiver) {
      const v = Reflect.get(t, prop, receiver);
      if (typeof v !== 'function') return v;
      let w = wrapped.get(prop);
      if (!w) {
        w = function (this: unknown, ...args: unknown[]) {
          try {
            const out = (v as (...a: unknown[]) => unknown).apply(this === receiver ? t : this, args);
            return out instanceof Promise ? out.catch(map) : out;
          } catch (err) {
            return map(err);
          }
        };
        wrapped.set(prop, w);
      }
      return w;
    },
  });
}
