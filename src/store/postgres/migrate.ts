/**
 * Apply pending migrations (their `postgres` SQL) to a PostgreSQL schema, one transaction each,
 * serialised across processes by a transaction-scoped advisory lock. Everything that creates
 * objects (the schema, the `schema_migrations` table) happens under that lock too, so processes
 * starting at once on a fresh database (several workers) never race on `CREATE … IF NOT EXISTS`.
 */
import type { PoolClient } from 'pg';
import { migrations as all, type Migration, unknownMigrations } from '../migrations/index.js';
import { NewerSchemaError } from '../storage-errors.js';

/** An arbitrary constant naming "Runwire migrations" for pg_advisory_xact_lock. */
const LOCK_KEY = 7_413_001;

/** Run `fn` in one transaction holding the migration lock. */
export async function underMigrationLock<T>(client: PoolClient, fn: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    const out = await fn();
    await client.query('COMMIT');
    return out;
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
}

export async function migratePostgres(client: PoolClient, migrations: readonly Migration[] = all): Promise<number[]> {
  const applied: number[] = [];
  await underMigrationLock(client, () =>
    client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    ),
  );
  // Before any migration: a database a newer Runwire wrote is refused, and nothing is written to it.
  const present = (await client.query<{ id: number }>('SELECT id FROM schema_migrations')).rows.map((r) =>
    Number(r.id),
  );
  const unknown = unknownMigrations(present, migrations);
  if (unknown.length > 0) throw new NewerSchemaError(unknown, Math.max(...migrations.map((m) => m.id)));
  for (const m of [...migrations].sort((a, b) => a.id - b.id)) {
    await underMigrationLock(client, async () => {
      const done = await client.query('SELECT 1 FROM schema_migrations WHERE id = $1', [m.id]);
      if (done.rowCount !== 0) return;
      await client.query(m.postgres);
      await client.query('INSERT INTO schema_migrations (id, name, applied_at) VALUES ($1, $2, $3)', [
        m.id,
        m.name,
        new Date().toISOString(),
      ]);
      applied.push(m.id);
    });
  }
  return applied;
}
