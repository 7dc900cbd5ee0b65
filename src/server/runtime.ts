/**
 * What the server runs on: `openRuntime`'s run store and connection store (SQLite in the data dir or
 * PostgreSQL from `--database-url`), and, on the same database, the server's own tables (tokens,
 * sessions, library, triggers) through a second handle (SQLite) or pool (PostgreSQL) of its own.
 */
import { openRuntime, type Runtime, type RuntimeConfig } from '../runtime/open-runtime.js';
import { LibraryStore } from './store/library-store.js';
import type { Sql } from './store/sql.js';
import { TokenStore } from './store/token-store.js';
import { OAuthStateStore } from './store/oauth-state-store.js';
import { SqlTriggerStore } from './store/sql-trigger-store.js';
import type { TriggerStore } from '../triggers/store/trigger-store.js';

export interface ServerRuntime {
  backend: 'sqlite' | 'postgres';
  runtime: Runtime;
  /** The server's tables. */
  sql: Sql;
  tokens: TokenStore;
  library: LibraryStore;
  /** OAuth states of installs through the server. */
  oauthStates: OAuthStateStore;
  /** Trigger state and history (migration 600). */
  triggers: TriggerStore;
  /** A cheap query to see the database answer (health). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function openServerRuntime(config: RuntimeConfig): Promise<ServerRuntime> {
  const runtime = await openRuntime(config);
  try {
    return over(runtime, await openSql(config));
  } catch (err) {
    await runtime.close();
    throw err;
  }
}

/** A `Sql` over the database `config` names (a second SQLite handle, or a pool of its own). */
export async function openSql(config: RuntimeConfig): Promise<Sql> {
  if (config.databaseUrl) {
    const { openPostgresPool } = await import('../store/postgres/pool.js');
    const { searchPathSchemaOf } = await import('../store/postgres/url.js');
    const { postgresSql } = await import('./store/sql.js');
    const schema = searchPathSchemaOf(config.databaseUrl);
    return postgresSql(
      await openPostgresPool({
        connectionString: config.databaseUrl,
        ...(schema ? { ensureSchema: schema } : {}),
        ...(config.poolSize ? { max: config.poolSize } : {}),
      }),
    );
  }
  const { openSqlite } = await import('../store/sqlite/open.js');
  const { sqliteSql } = await import('./store/sql.js');
  return sqliteSql(openSqlite(config.dataDir));
}

function over(runtime: Runtime, sql: Sql): ServerRuntime {
  return {
    backend: runtime.backend,
    runtime,
    sql,
    tokens: new TokenStore(sql),
    library: new LibraryStore(sql),
    oauthStates: new OAuthStateStore(sql),
    triggers: new SqlTriggerStore(sql),
    ping: async () => {
      await sql.all('SELECT 1 AS one');
    },
    close: async () => {
      await sql.close();
      await runtime.close();
    },
  };
}
