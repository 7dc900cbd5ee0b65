/**
 * Open (creating if needed) the SQLite database in a data dir, with the pragmas Runwire relies on,
 * and apply pending migrations. WAL lets readers (the CLI's `runs show`) work while a run writes;
 * synchronous=NORMAL in WAL mode survives a process crash (SIGKILL) without losing commits.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { makeDataDir } from '../data-dir.js';
import { migrateSqlite } from './migrate.js';

export const SQLITE_FILE = 'runwire.db';

export function openSqlite(dataDir: string): Database.Database {
  makeDataDir(dataDir);
  const db = new Database(join(dataDir, SQLITE_FILE));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrateSqlite(db);
  return db;
}
