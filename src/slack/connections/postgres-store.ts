/**
 * ConnectionStore on PostgreSQL (node-postgres), same contract as the SQLite one: table
 * `slack_connections` from migration 100 (applied by the shared `openPostgresPool`), `update` as
 * `SELECT … FOR UPDATE` + `UPDATE` in one transaction.
 */
import type pg from 'pg';
import { RunwireError } from '../../core/errors.js';
import { openPostgresPool, type PostgresOpenOptions } from '../../store/postgres/pool.js';
import type { ConnectionRecord } from './model.js';
import { fromRow, toRow, type Row } from './rows.js';
import type { ConnectionStore } from './store.js';
import { prepared } from '../../store/postgres/prepared.js';

export type PostgresConnectionStoreOptions = PostgresOpenOptions;

function notFound(name: string): RunwireError {
  return new RunwireError('runwire.slack.connection_not_found', `no connection named "${name}"`, {
    fix: 'list the configured connections with: runwire connection list',
  });
}

export class PostgresConnectionStore implements ConnectionStore {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly owned: boolean,
  ) {}

  /** Connect, create the schema if asked, and apply pending migrations. */
  static async open(o: PostgresConnectionStoreOptions = {}): Promise<PostgresConnectionStore> {
    return new PostgresConnectionStore(await openPostgresPool(o), true);
  }

  /** Use a pool someone else owns (and closes). */
  static over(pool: pg.Pool): PostgresConnectionStore {
    return new PostgresConnectionStore(pool, false);
  }

  async list(): Promise<ConnectionRecord[]> {
    return (await this.pool.query('SELECT * FROM slack_connections ORDER BY name')).rows.map((r: Row) => fromRow(r));
  }

  async get(name: string): Promise<ConnectionRecord | undefined> {
    const r = (await this.pool.query(prepared('SELECT * FROM slack_connections WHERE name = $1', [name]))).rows[0] as
      | Row
      | undefined;
    return r ? fromRow(r) : undefined;
  }

  async insert(record: ConnectionRecord): Promise<void> {
    const row = toRow(record);
    const cols = Object.keys(row);
    try {
      await this.pool.query(
        prepared(
          `INSERT INTO slack_connections (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
          cols.map((c) => row[c]),
        ),
      );
    } catch (err) {
      if ((err as { code?: string }).code === '23505') {
        throw new RunwireError(
          'runwire.slack.connection_exists',
          `a connection named "${record.name}" already exists`,
          {
            fix: `choose another name, or remove it first: runwire connection remove ${record.name}`,
          },
        );
      }
      throw err;
    }
  }

  async update(name: string, mutate: (rec: ConnectionRecord) => ConnectionRecord): Promise<ConnectionRecord> {
    // The same locked read-modify-write as `lockedUpdate`, with a synchronous change.
    return this.lockedUpdate(name, async (rec) => {
      const next = mutate(rec);
      return { next, out: next };
    });
  }

  async lockedUpdate<T>(
    name: string,
    work: (rec: ConnectionRecord) => Promise<{ next?: ConnectionRecord; out: T }>,
  ): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const r = (await c.query(prepared('SELECT * FROM slack_connections WHERE name = $1 FOR UPDATE', [name])))
        .rows[0] as Row | undefined;
      if (!r) throw notFound(name);
      const { next, out } = await work(fromRow(r));
      if (next) {
        const row = toRow({ ...next, name });
        const cols = Object.keys(row).filter((k) => k !== 'name' && k !== 'created_at');
        await c.query(
          prepared(
            `UPDATE slack_connections SET ${cols.map((k, i) => `${k} = $${i + 2}`).join(', ')} WHERE name = $1`,
            [name, ...cols.map((k) => row[k])],
          ),
        );
      }
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }

  async remove(name: string): Promise<boolean> {
    return (
      ((await this.pool.query(prepared('DELETE FROM slack_connections WHERE name = $1', [name]))).rowCount ?? 0) > 0
    );
  }

  async close(): Promise<void> {
    if (this.owned) await this.pool.end();
  }
}
