/**
 * What the server runs on: the run store and, on the same database (SQLite in the data dir, or
 * PostgreSQL from `--database-url`), the server's own tables (tokens, sessions, library), opened once
 * for the process.
 */
import type { Store } from '../store/store.js';
import type { Sql } from './store/sql.js';
import { TokenStore } from './store/token-store.js';
import { LibraryStore } from './store/library-store.js';

export interface ServerRuntime {
  backend: 'sqlite' | 'postgres';
  store: Store;
  /** The server's tables. */
  sql: Sql;
  tokens: TokenStore;
  library: LibraryStore;
  /** A cheap query to see the database answer (health). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
  /** PostgreSQL schema (tests use a fresh one each). */
  schema?: string;
}

export async function openServerRuntime(o: RuntimeOptions): Promise<ServerRuntime> {
  if (o.databaseUrl) {
    const { PostgresStore } = await import('../store/postgres/postgres-store.js');
    const { openPostgresPool } = await import('../store/postgres/pool.js');
    const { postgresSql } = await import('./store/sql.js');
    const pg = { connectionString: o.databaseUrl, ...(o.schema ? { schema: o.schema } : {}) };
    const store = await PostgresStore.open(pg);
    return runtimeOver('postgres', store, postgresSql(await openPostgresPool(pg)));
  }
  const { SqliteStore } = await import('../store/sqlite/sqlite-store.js');
  const { openSqlite } = await import('../store/sqlite/open.js');
  const { sqliteSql } = await import('./store/sql.js');
  return runtimeOver('sqlite', SqliteStore.open(o.dataDir), sqliteSql(openSqlite(o.dataDir)));
}

function runtimeOver(backend: 'sqlite' | 'postgres', store: Store, sql: Sql): ServerRuntime {
  return {
    backend,
    store,
    sql,
    tokens: new TokenStore(sql),
    library: new LibraryStore(sql),
    ping: async () => {
      await sql.all('SELECT 1 AS one');
    },
    close: async () => {
      await sql.close();
      await store.close();
    },
  };
}
