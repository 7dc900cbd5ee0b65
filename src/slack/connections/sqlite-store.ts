/** ConnectionStore over the data dir's SQLite file (table `slack_connections`, migration 100). */
import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { RunwireError } from '../../core/errors.js';
import { openSqlite } from '../../store/sqlite/open.js';
import type { ConnectionRecord } from './model.js';
import { fromRow, toRow, type Row } from './rows.js';
import type { ConnectionStore } from './store.js';

/** How long a refresh may hold the lock before others may take it (a crashed holder), wait for it, poll it. */
const LOCK_HOLD_MS = 30_000;
const LOCK_WAIT_MS = 35_000;
const LOCK_POLL_MS = 25;

function notFound(name: string): RunwireError {
  return new RunwireError('runwire.slack.connection_not_found', `no connection named "${name}"`, {
    fix: 'list the configured connections with: runwire connection list',
  });
}

export class SqliteConnectionStore implements ConnectionStore {
  private constructor(
    private readonly db: Database.Database,
    private readonly owned: boolean,
  ) {}

  /** Open the data dir's database (applying migrations). */
  static open(dataDir: string): SqliteConnectionStore {
    return new SqliteConnectionStore(openSqlite(dataDir), true);
  }

  /** Use an already open database (the caller closes it). */
  static over(db: Database.Database): SqliteConnectionStore {
    return new SqliteConnectionStore(db, false);
  }

  async list(): Promise<ConnectionRecord[]> {
    return (this.db.prepare('SELECT * FROM slack_connections ORDER BY name').all() as Row[]).map(fromRow);
  }

  async get(name: string): Promise<ConnectionRecord | undefined> {
    const r = this.db.prepare('SELECT * FROM slack_connections WHERE name = ?').get(name) as Row | undefined;
    return r ? fromRow(r) : undefined;
  }

  async insert(record: ConnectionRecord): Promise<void> {
    const row = toRow(record);
    const cols = Object.keys(row);
    try {
      this.db
        .prepare(`INSERT INTO slack_connections (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`)
        .run(row);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
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
    // IMMEDIATE takes the write lock before the read: no other process can write in between.
    return this.db
      .transaction(() => {
        const r = this.db.prepare('SELECT * FROM slack_connections WHERE name = ?').get(name) as Row | undefined;
        if (!r) throw notFound(name);
        const next = mutate(fromRow(r));
        this.write({ ...next, name });
        return next;
      })
      .immediate();
  }

  private write(record: ConnectionRecord): void {
    const row = toRow(record);
    const sets = Object.keys(row)
      .filter((c) => c !== 'name' && c !== 'created_at')
      .map((c) => `${c} = @${c}`);
    const res = this.db.prepare(`UPDATE slack_connections SET ${sets.join(', ')} WHERE name = @name`).run(row);
    if (res.changes === 0) throw notFound(record.name);
  }

  async lockedUpdate<T>(
    name: string,
    work: (rec: ConnectionRecord) => Promise<{ next?: ConnectionRecord; out: T }>,
  ): Promise<T> {
    // A write transaction cannot stay open across `work`'s awaits on a handle the run store shares,
    // so the lock is a row: taken when free or expired (a crashed holder), given back after.
    const holder = `${process.pid}:${randomUUID()}`;
    const take = this.db.prepare(`INSERT INTO slack_connection_locks (name, holder, expires_at) VALUES (?, ?, ?)
      ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
      WHERE slack_connection_locks.expires_at < ?`);
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      const now = Date.now();
      if (take.run(name, holder, now + LOCK_HOLD_MS, now).changes === 1) break;
      if (now > deadline) {
        throw new RunwireError(
          'runwire.slack.connection_busy',
          `connection "${name}" stayed locked by another process`,
          {
            fix: 'try again; if it persists, another Runwire process is stuck refreshing this connection',
            retryable: true,
          },
        );
      }
      await sleep(LOCK_POLL_MS);
    }
    try {
      const r = this.db.prepare('SELECT * FROM slack_connections WHERE name = ?').get(name) as Row | undefined;
      if (!r) throw notFound(name);
      const { next, out } = await work(fromRow(r));
      if (next) this.write({ ...next, name });
      return out;
    } finally {
      if (this.db.open)
        this.db.prepare('DELETE FROM slack_connection_locks WHERE name = ? AND holder = ?').run(name, holder);
    }
  }

  async remove(name: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM slack_connections WHERE name = ?').run(name).changes > 0;
  }

  async close(): Promise<void> {
    if (this.owned) this.db.close();
  }
}
