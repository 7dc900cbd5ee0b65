/**
 * Apply pending migrations to a SQLite database, each in its own transaction, recording them in
 * `schema_migrations`. `BEGIN IMMEDIATE` takes the write lock first, so two processes opening the
 * same file cannot both apply one migration.
 */
import type Database from 'better-sqlite3';
import { migrations as all, type Migration } from '../migrations/index.js';

export function migrateSqlite(db: Database.Database, migrations: readonly Migration[] = all): number[] {
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
