/**
 * Open a PostgreSQL pool for a Runwire store: check the schema name, create the schema when one is
 * given (tests use a fresh one each), and apply pending migrations. Shared by the run store and the
 * Slack connection store so both open the database the same way; the pool is closed on failure.
 */
import pg from 'pg';
import { RunwireError } from '../../core/errors.js';
import { migratePostgres } from './migrate.js';

export interface PostgresOpenOptions {
  connectionString?: string;
  /** Schema to use (created if missing); tests use a fresh one each. */
  schema?: string;
}

export async function openPostgresPool(o: PostgresOpenOptions = {}): Promise<pg.Pool> {
  if (o.schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(o.schema)) {
    throw new RunwireError(
      'runwire.store.bad_schema',
      `PostgreSQL schema name "${o.schema}" must be lowercase letters, digits and _.`,
    );
  }
  const pool = new pg.Pool({
    ...(o.connectionString ? { connectionString: o.connectionString } : {}),
    ...(o.schema ? { options: `-c search_path=${o.schema}` } : {}),
    max: 4,
  });
  try {
    const client = await pool.connect();
    try {
      if (o.schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${o.schema}`);
      await migratePostgres(client);
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end();
    throw err;
  }
  return pool;
}
