/**
 * What the server runs on: the run store and the database it lives in (SQLite in the data dir, or
 * PostgreSQL from `--database-url`), opened once for the process.
 */
import type { Store } from '../store/store.js';

export interface ServerRuntime {
  backend: 'sqlite' | 'postgres';
  store: Store;
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
    const store = await PostgresStore.open({
      connectionString: o.databaseUrl,
      ...(o.schema ? { schema: o.schema } : {}),
    });
    return runtimeOver('postgres', store);
  }
  const { SqliteStore } = await import('../store/sqlite/sqlite-store.js');
  return runtimeOver('sqlite', SqliteStore.open(o.dataDir));
}

function runtimeOver(backend: 'sqlite' | 'postgres', store: Store): ServerRuntime {
  return {
    backend,
    store,
    ping: async () => {
      await store.listRuns(1);
    },
    close: () => store.close(),
  };
}
