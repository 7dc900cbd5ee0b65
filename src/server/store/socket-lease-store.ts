/**
 * Leases on Socket Mode sockets, one per connection, over the server's `Sql`: `acquire` takes a free
 * or expired lease (or renews one's own) in one statement, `renew` keeps it and writes the socket's
 * state, `release` lets it go. Times are epoch ms from the database's clock on PostgreSQL (never a
 * host's: two hosts' clocks may differ), the process's on SQLite (one host).
 */
import type { Sql, SqlRow } from './sql.js';

export interface SocketLease {
  connection: string;
  holder: string;
  holderHost: string;
  expiresAt: number;
  acquiredAt: string;
  connected: boolean;
  connectedSince: string | null;
  lastEventAt: string | null;
  reconnects: number;
}

export interface SocketState {
  connected: boolean;
  connectedSince: string | null;
  lastEventAt: string | null;
  reconnects: number;
}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function lease(r: SqlRow): SocketLease {
  return {
    connection: String(r.connection),
    holder: String(r.holder),
    holderHost: String(r.holder_host),
    expiresAt: Number(r.expires_at),
    acquiredAt: String(r.acquired_at),
    connected: Number(r.connected) === 1,
    connectedSince: str(r.connected_since),
    lastEventAt: str(r.last_event_at),
    reconnects: Number(r.reconnects ?? 0),
  };
}

export class SocketLeaseStore {
  constructor(private readonly sql: Sql) {}

  /** The database's clock (PostgreSQL) or this process's (SQLite), epoch ms. */
  async now(): Promise<number> {
    if (this.sql.backend === 'sqlite') return Date.now();
    const [r] = await this.sql.all('SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint AS now');
    return Number(r?.now);
  }

  /** Take the lease when it is free, expired or already ours; true when this holder has it now. */
  async acquire(connection: string, holder: string, host: string, ttlMs: number): Promise<boolean> {
    const now = await this.now();
    const n = await this.sql.run(
      `INSERT INTO slack_socket_leases (connection, holder, holder_host, expires_at, acquired_at)
       VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (connection) DO UPDATE SET holder = excluded.holder, holder_host = excluded.holder_host,
         expires_at = excluded.expires_at, acquired_at = excluded.acquired_at, connected = 0,
         connected_since = NULL
       WHERE slack_socket_leases.holder = excluded.holder OR slack_socket_leases.expires_at < ?`,
      [connection, holder, host, now + ttlMs, new Date(now).toISOString(), now],
    );
    return n === 1;
  }

  /** Keep the lease and record the socket's state; false when another process holds it now. */
  async renew(connection: string, holder: string, ttlMs: number, s: SocketState): Promise<boolean> {
    const now = await this.now();
    const n = await this.sql.run(
      `UPDATE slack_socket_leases SET expires_at = ?, connected = ?, connected_since = ?, last_event_at = ?, reconnects = ?
       WHERE connection = ? AND holder = ? AND expires_at >= ?`,
      [now + ttlMs, s.connected ? 1 : 0, s.connectedSince, s.lastEventAt, s.reconnects, connection, holder, now],
    );
    return n === 1;
  }

  async release(connection: string, holder: string): Promise<void> {
    await this.sql.run('DELETE FROM slack_socket_leases WHERE connection = ? AND holder = ?', [connection, holder]);
  }

  /** Every lease, with whether it is still live. */
  async list(): Promise<Array<SocketLease & { live: boolean }>> {
    const now = await this.now();
    const rows = await this.sql.all('SELECT * FROM slack_socket_leases ORDER BY connection');
    return rows.map(lease).map((l) => ({ ...l, live: l.expiresAt >= now }));
  }
}
