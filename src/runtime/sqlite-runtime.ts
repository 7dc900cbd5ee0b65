/** The SQLite runtime: one better-sqlite3 handle on the data dir's `runwire.db` for both stores. */
import { join } from 'node:path';
import { SqliteConnectionStore } from '../slack/connections/sqlite-store.js';
import { SqlitePacingStore } from '../slack/delivery/sqlite-pacing-store.js';
import { openSqlite, SQLITE_FILE } from '../store/sqlite/open.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Runtime, RuntimeConfig } from './open-runtime.js';

export function openSqliteRuntime(config: RuntimeConfig): Runtime {
  const db = openSqlite(config.dataDir);
  return {
    backend: 'sqlite',
    config,
    store: new SqliteStore(db, config.eventNotices ? { eventNotices: true } : {}),
    connectionStore: SqliteConnectionStore.over(db),
    slackPacing: new SqlitePacingStore(db),
    location: join(config.dataDir, SQLITE_FILE),
    close: async () => {
      if (db.open) db.close();
    },
  };
}
