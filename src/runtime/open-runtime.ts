/**
 * `openRuntime`: the one place that decides where Runwire keeps its state and opens it. Every
 * command of the CLI, the worker and the server build their services on the `Runtime` it returns:
 * the run store and the Slack connection store on one SQLite file (the data dir's `runwire.db`,
 * when no database URL is given) or one PostgreSQL pool (`--database-url` / `RUNWIRE_DATABASE_URL`).
 * Migrations run on open (forward-only; on PostgreSQL under an advisory lock).
 *
 * The backends load on demand: SQLite's native module only without a URL, `pg` only with one.
 */
import type { ConnectionStore } from '../slack/connections/store.js';
import type { PacingStore } from '../slack/delivery/shared-pacing.js';
import type { Store } from '../store/store.js';
import type { Sql } from '../server/store/sql.js';

/** The environment variable that gives the database URL when `--database-url` is not given. */
export const DATABASE_URL_ENV = 'RUNWIRE_DATABASE_URL';

export interface RuntimeConfig {
  /** The data dir: the SQLite file when there is no database URL, and the connections' key file. */
  dataDir: string;
  /** A PostgreSQL URL (`postgres://…`, `postgresql://…`); absent or empty: SQLite in the data dir. */
  databaseUrl?: string | undefined;
  /** Most PostgreSQL connections this process opens (default 4; a worker may want more). */
  poolSize?: number;
  /** Stores send `events` notices on every commit (the server's live streams; NOTIFY on PostgreSQL). */
  eventNotices?: boolean;
}

export interface Runtime {
  readonly backend: 'sqlite' | 'postgres';
  readonly config: RuntimeConfig;
  /** Runs, tasks, events and leases. Close the runtime, not the store: they share the file or pool. */
  readonly store: Store;
  /** Slack connections (secrets sealed), on the same file or pool. */
  readonly connectionStore: ConnectionStore;
  /** Slack's per-channel token buckets, shared by every process on this file or database. */
  readonly slackPacing: PacingStore;
  /**
   * One-statement SQL on the same file or pool, for the small tables of features beside the run
   * store (run boards, Slack users' roles). Close the runtime, not this.
   */
  readonly sql: Sql;
  /** Where the state is, for people: the SQLite file's path or the URL without its password. */
  readonly location: string;
  close(): Promise<void>;
}

export async function openRuntime(config: RuntimeConfig): Promise<Runtime> {
  if (config.databaseUrl) {
    const { openPostgresRuntime } = await import('./postgres-runtime.js');
    return openPostgresRuntime(config, config.databaseUrl);
  }
  const { openSqliteRuntime } = await import('./sqlite-runtime.js');
  return openSqliteRuntime(config);
}

/** A runtime opened on first `get()` (once), so a command opens storage only when it needs it. */
export interface LazyRuntime {
  readonly config: RuntimeConfig;
  get(): Promise<Runtime>;
  /** Close the runtime if it was opened. */
  close(): Promise<void>;
}

export function lazyRuntime(config: RuntimeConfig): LazyRuntime {
  let opening: Promise<Runtime> | undefined;
  return {
    config,
    get: () => {
      opening ??= openRuntime(config);
      return opening;
    },
    close: async () => {
      const p = opening;
      opening = undefined;
      if (p) await (await p.catch(() => undefined))?.close();
    },
  };
}
