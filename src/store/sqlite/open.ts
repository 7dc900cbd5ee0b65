/**
 * Open (creating if needed) the SQLite database in a data dir, with the pragmas Runwire relies on,
 * and apply pending migrations. WAL lets readers (the CLI's `runs show`) work while a run writes;
 * synchronous=NORMAL in WAL mode survives a process crash (SIGKILL) without losing commits.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { migrateSqlite } from './migrate.js';

export const SQLITE_FILE = 'runwire.db';

export function openSqlite(dataDir: string): Database.Database {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(join(dataDir, SQLITE_FILE));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrateSqlite(db);
  return db;
}
