/**
 * ConnectionStore on PostgreSQL (node-postgres), same contract as the SQLite one: table
 * `slack_connections` from migration 100 (applied by the shared `migratePostgres`), `update` as
 * `SELECT … FOR UPDATE` + `UPDATE` in one transaction.
 */
import pg from 'pg';
import { RunwireError } from '../../core/errors.js';
import { migratePostgres } from '../../store/postgres/migrate.js';
import type { ConnectionRecord } from './model.js';
import { fromRow, toRow, type Row } from './rows.js';
import type { ConnectionStore } from './store.js';

export interface PostgresConnectionStoreOptions {
  connectionString?: string;
  /** Schema to use (created if missing); tests use a fresh one each. */
  schema?: string;
}

function notFound(name: string): RunwireError {
  return new RunwireError('runwire.slack.connection_not_found', `no connection named "${name}"`, {
    fix: 'list the configured connections with: runwire connection list',
  });
}

export class PostgresConnectionStore implements ConnectionStore {
  private constructor(private readonly pool: pg.Pool, private readonly owned: boolean) {}

  /** Connect, create the schema if asked, and apply pending migrations. */
  static async open(o: PostgresConnectionStoreOptions = {}): Promise<PostgresConnectionStore> {
    if (o.schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(o.schema)) {
      throw new RunwireError('runwire.store.bad_schema', `PostgreSQL schema name "${o.schema}" must be lowercase letters, digits and _`);
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
    return new PostgresConnectionStore(pool, true);
  }

  /** Use a pool someone else owns (and closes). */
  static over(pool: pg.Pool): PostgresConnectionStore {
    return new PostgresConnectionStore(pool, false);
  }

  async list(): Promise<ConnectionRecord[]> {
    return (await this.pool.query('SELECT * FROM slack_connections ORDER BY name')).rows.map((r: Row) => fromRow(r));
  }

  async get(name: string): Promise<ConnectionRecord | undefined> {
    const r = (await this.pool.query('SELECT * FROM slack_connections WHERE name = $1', [name])).rows[0] as Row | undefined;
    return r ? fromRow(r) : undefined;
  }

  async insert(record: ConnectionRecord): Promise<void> {
    const row = toRow(record);
    const cols = Object.keys(row);
    try {
      await this.pool.query(`INSERT INTO slack_connections (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`, cols.map((c) => row[c]));
    } catch (err) {
      if ((err as { code?: string }).code === '23505') {
        throw new RunwireError('runwire.slack.connection_exists', `a connection named "${record.name}" already exists`, {
          fix: `choose another name, or remove it first: runwire connection remove ${record.name}`,
        });
      }
      throw err;
    }
  }

  async update(name: string, mutate: (rec: ConnectionRecord) => ConnectionRecord): Promise<ConnectionRecord> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const r = (await c.query('SELECT * FROM slack_connections WHERE name = $1 FOR UPDATE', [name])).rows[0] as Row | undefined;
      if (!r) throw notFound(name);
      const next = mutate(fromRow(r));
      const row = toRow({ ...next, name });
      const cols = Object.keys(row).filter((k) => k !== 'name' && k !== 'created_at');
      await c.query(`UPDATE slack_connections SET ${cols.map((k, i) => `${k} = $${i + 2}`).join(', ')} WHERE name = $1`, [name, ...cols.map((k) => row[k])]);
      await c.query('COMMIT');
      return next;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }

  async remove(name: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM slack_connections WHERE name = $1', [name])).rowCount ?? 0) > 0;
  }

  async close(): Promise<void> {
    if (this.owned) await this.pool.end();
  }
}
