/**
 * Apply pending migrations to a SQLite database, each in its own transaction, recording them in
 * `schema_migrations`. `BEGIN IMMEDIATE` takes the write lock first, so two processes opening the
 * same file cannot both apply one migration.
 */
import type Database from 'better-sqlite3';
import { migrations as all, type Migration, unknownMigrations } from '../migrations/index.js';
import { NewerSchemaError } from '../storage-errors.js';

/** The migration ids recorded in the database (none before the first open). */
function appliedIds(db: Database.Database): number[] {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!table) return [];
  return (db.prepare('SELECT id FROM schema_migrations').all() as Array<{ id: number }>).map((r) => r.id);
}

/**
 * Throws `NewerSchemaError` (reading only) when the database has a migration this Runwire lacks;
 * returns the ids applied.
 */
export function checkNotNewer(db: Database.Database, migrations: readonly Migration[] = all): number[] {
  const ids = appliedIds(db);
  const unknown = unknownMigrations(ids, migrations);
  if (unknown.length > 0) throw new NewerSchemaError(unknown, Math.max(...migrations.map((m) => m.id)));
  return ids;
}

export function migrateSqlite(db: Database.Database, migrations: readonly Migration[] = all): number[] {
  const done = new Set(checkNotNewer(db, migrations));
  // A current schema (every command after the first) costs one read, not a write transaction per
  // migration; a process migrating at the same time is seen as "not all applied" and waits below.
  if (migrations.every((m) => done.has(m.id))) return [];
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const applied: number[] = [];
  const ordered = [...migrations].sort((a, b) => a.id - b.id);
  for (const m of ordered) {
    db.exec('BEGIN IMMEDIATE');
    try {
      const done = db.prepare('SELECT 1 FROM schema_migrations WHERE id = ?').get(m.id);
      if (!done) {
        db.exec(m.sqlite);
        db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)').run(
          m.id,
          m.name,
          new Date().toISOString(),
        );
        applied.push(m.id);
      }
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  }
  return applied;
}
