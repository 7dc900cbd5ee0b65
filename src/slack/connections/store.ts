/**
 * The narrow storage interface for connections. Async so a PostgreSQL store can implement it; the
 * store only moves records (secrets already sealed) and knows nothing of keys or Slack.
 */
import type { ConnectionRecord } from './model.js';

export interface ConnectionStore {
  /** All connections, by name. */
  list(): Promise<ConnectionRecord[]>;
  get(name: string): Promise<ConnectionRecord | undefined>;
  /** Throws RunwireError `runwire.slack.connection_exists` when the name is taken. */
  insert(record: ConnectionRecord): Promise<void>;
  /**
   * Read, change and write one record atomically (a write transaction), so a refresh stored by
   * another process between the read and the write is never overwritten with stale tokens.
   * `mutate` must be synchronous. Throws `runwire.slack.connection_not_found` when absent.
   */
  update(name: string, mutate: (rec: ConnectionRecord) => ConnectionRecord): Promise<ConnectionRecord>;
  /**
   * Hold the record exclusively across processes while `work` runs — it may await, e.g. a rotating
   * token's refresh over HTTP — then write the `next` it returns, if any, and resolve with its `out`.
   * Two holders at once (in any processes) run one after the other, the second seeing the first's
   * write, so a single-use refresh token is spent once. PostgreSQL: `SELECT … FOR UPDATE` for the
   * whole of `work`; SQLite: a lock row with an expiry (`slack_connection_locks`).
   */
  lockedUpdate<T>(
    name: string,
    work: (rec: ConnectionRecord) => Promise<{ next?: ConnectionRecord; out: T }>,
  ): Promise<T>;
  /** True when something was removed. */
  remove(name: string): Promise<boolean>;
  close(): Promise<void>;
}
