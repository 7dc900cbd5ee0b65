/**
 * Open (creating if needed) the SQLite database in a data dir, with the pragmas Runwire relies on,
 * and apply pending migrations. WAL lets readers (the CLI's `runs show`) work while a run writes;
 * synchronous=NORMAL in WAL mode survives a process crash (SIGKILL) without losing commits.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { makeDataDir } from '../data-dir.js';
import { underStorage } from '../storage-errors.js';
import { checkNotNewer, migrateSqlite } from './migrate.js';

export const SQLITE_FILE = 'runwire.db';

let addon: string | undefined | null = null;

/**
 * better-sqlite3's compiled addon, named directly: its default finder (the `bindings` package) reads a
 * stack trace and tries a dozen paths on every start, and cannot find the addon from the CLI bundle
 * (tools/bundle-cli.ts), where better-sqlite3's JavaScript is bundled. Undefined (the default finder)
 * when the package was built elsewhere than build/Release.
 */
function nativeBinding(): string | undefined {
  if (addon !== null) return addon;
  const pkg = createRequire(import.meta.url).resolve('better-sqlite3/package.json');
  const file = join(dirname(pkg), 'build/Release/better_sqlite3.node');
  addon = existsSync(file) ? file : undefined;
  return addon;
}

export function openSqlite(dataDir: string): Database.Database {
  makeDataDir(dataDir);
  const file = join(dataDir, SQLITE_FILE);
  return underStorage({ kind: 'sqlite', file }, () => {
    const binding = nativeBinding();
    const db = new Database(file, binding ? { nativeBinding: binding } : {});
    try {
      db.pragma('busy_timeout = 5000');
      // Refuse a newer database before anything (even the journal mode) is written to it.
      checkNotNewer(db);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrateSqlite(db);
      return db;
    } catch (err) {
      db.close();
      throw err;
    }
  });
}
