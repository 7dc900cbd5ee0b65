/**
 * Open (creating if needed) the SQLite database in a data dir, with the pragmas Runwire relies on,
 * and apply pending migrations. WAL lets readers (the CLI's `runs show`) work while a run writes;
 * synchronous=NORMAL in WAL mode survives a process crash (SIGKILL) without losing commits.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { makeDataDir } from '../data-dir.js';
import { underStorage } from '../storage-errors.js';
import { checkNotNewer, migrateSqlite } from './migrate.js';

export const SQLITE_FILE = 'runwire.db';

export function openSqlite(dataDir: string): Database.Database {
  makeDataDir(dataDir);
  const file = join(dataDir, SQLITE_FILE);
  return underStorage({ kind: 'sqlite', file }, () => {
    const db = new Database(file);
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
