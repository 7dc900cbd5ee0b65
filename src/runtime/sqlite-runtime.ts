/** The SQLite runtime: one better-sqlite3 handle on the data dir's `runwire.db` for both stores. */
import { join } from 'node:path';
import { openSqlite, SQLITE_FILE } from '../store/sqlite/open.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { guardStorage, type StorageLocation } from '../store/storage-errors.js';
import type { Runtime, RuntimeConfig } from './open-runtime.js';
import { lazyConnectionStore, lazyPacingStore } from './lazy-stores.js';
import { sqliteSql } from '../server/store/sql.js';

export function openSqliteRuntime(config: RuntimeConfig): Runtime {
  const db = openSqlite(config.dataDir);
  const at: StorageLocation = { kind: 'sqlite', file: join(config.dataDir, SQLITE_FILE) };
  return {
    backend: 'sqlite',
    config,
    // A full disk, a damaged file or lost write permission mid-run is one clear error, from any call.
    store: guardStorage(new SqliteStore(db, config.eventNotices ? { eventNotices: true } : {}), at),
    // Slack's stores load on first use (a runbook without Slack tasks never calls them).
    connectionStore: guardStorage(
      lazyConnectionStore(async () =>
        (await import('../slack/connections/sqlite-store.js')).SqliteConnectionStore.over(db),
      ),
      at,
    ),
    slackPacing: guardStorage(
      lazyPacingStore(async () => new (await import('../slack/delivery/sqlite-pacing-store.js')).SqlitePacingStore(db)),
      at,
    ),
    sql: sqliteSql(db),
    location: at.file,
    close: async () => {
      if (db.open) db.close();
    },
  };
}
