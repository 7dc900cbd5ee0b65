/**
 * The little SQL the server's own tables need, behind one interface for SQLite and PostgreSQL:
 * statements are written once with `?` placeholders (numbered `$n` for PostgreSQL) and each call is a
 * single statement, so neither backend needs a multi-statement transaction here.
 */
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { prepared } from '../../store/postgres/prepared.js';

export type SqlRow = Record<string, unknown>;

export interface Sql {
  readonly backend: 'sqlite' | 'postgres';
  all(sql: string, params?: unknown[]): Promise<SqlRow[]>;
  /** Rows changed. */
  run(sql: string, params?: unknown[]): Promise<number>;
  close(): Promise<void>;
}

export function sqliteSql(db: Database.Database): Sql {
  const cache = new Map<string, Database.Statement>();
  const prep = (sql: string): Database.Statement => {
    let st = cache.get(sql);
    if (!st) {
      st = db.prepare(sql);
      cache.set(sql, st);
    }
    return st;
  };
  return {
    backend: 'sqlite',
    all: async (sql, params = []) => {
      const st = prep(sql);
      if (st.reader) return st.all(...params) as SqlRow[];
      st.run(...params);
      return [];
    },
    run: async (sql, params = []) => prep(sql).run(...params).changes,
    close: async () => {
      if (db.open) db.close();
    },
  };
}

/** `? … ?` → `$1 … $n` (no statement here holds a literal question mark). */
export function numbered(sql: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
}

export function postgresSql(pool: pg.Pool): Sql {
  const cache = new Map<string, string>();
  const text = (sql: string): string => {
    let t = cache.get(sql);
    if (t === undefined) {
      t = numbered(sql);
      cache.set(sql, t);
    }
    return t;
  };
  return {
    backend: 'postgres',
    // Named: parsed and planned once per connection, not on every call.
    all: async (sql, params = []) => (await pool.query(prepared(text(sql), params))).rows as SqlRow[],
    run: async (sql, params = []) => (await pool.query(prepared(text(sql), params))).rowCount ?? 0,
    close: () => pool.end(),
  };
}
