/**
 * The PostgreSQL runtime: one pool for both stores. A failure to open says where (the URL with its
 * password hidden) and what to check; the password never reaches a message.
 */
import { RunwireError } from '../core/errors.js';
import { PostgresConnectionStore } from '../slack/connections/postgres-store.js';
import { PostgresPacingStore } from '../slack/delivery/postgres-pacing-store.js';
import { openPostgresPool } from '../store/postgres/pool.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { redactDatabaseUrl, redactPasswordIn, searchPathSchemaOf } from '../store/postgres/url.js';
import { guardStorage, type StorageLocation, storageFailure } from '../store/storage-errors.js';
import { DATABASE_URL_ENV, type Runtime, type RuntimeConfig } from './open-runtime.js';
import { postgresSql } from '../server/store/sql.js';

export async function openPostgresRuntime(config: RuntimeConfig, url: string): Promise<Runtime> {
  const location = redactDatabaseUrl(url);
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    throw new RunwireError('runwire.store.bad_database_url', `the database URL ${location} is not a PostgreSQL URL`, {
      fix: `give --database-url (or ${DATABASE_URL_ENV}) as postgres://USER@HOST:5432/DATABASE`,
    });
  }
  const schema = searchPathSchemaOf(url);
  let pool: Awaited<ReturnType<typeof openPostgresPool>>;
  try {
    pool = await openPostgresPool({
      connectionString: url,
      ...(schema ? { ensureSchema: schema } : {}),
      ...(config.poolSize ? { max: config.poolSize } : {}),
    });
  } catch (err) {
    if (err instanceof RunwireError) throw err;
    const storage = storageFailure(err, { kind: 'postgres', url: location });
    if (storage) throw storage;
    const detail = redactPasswordIn(err instanceof Error ? err.message : String(err), url);
    throw new RunwireError('runwire.store.unavailable', `cannot open the PostgreSQL database ${location}: ${detail}`, {
      fix: `check that PostgreSQL is up at that address, that the database exists (createdb) and that the user may connect; or leave out --database-url and ${DATABASE_URL_ENV} to use SQLite in the data dir`,
      retryable: true,
    });
  }
  const store = PostgresStore.over(pool, config.eventNotices ? { eventNotices: true } : {});
  const at: StorageLocation = { kind: 'postgres', url: location };
  return {
    backend: 'postgres',
    config,
    store: guardStorage(store, at),
    connectionStore: guardStorage(PostgresConnectionStore.over(pool), at),
    slackPacing: guardStorage(new PostgresPacingStore(pool), at),
    sql: postgresSql(pool),
    location,
    // The run store's own connections (LISTEN, the worker's liveness lock) first, then the pool.
    close: async () => {
      await store.close();
      await pool.end();
    },
  };
}
