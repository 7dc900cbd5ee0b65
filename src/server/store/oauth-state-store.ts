/** Issued OAuth states (hashes only): each is consumed at most once, and only before it expires. */
import { stateHash } from '../oauth/state.js';
import type { Sql } from './sql.js';

export interface IssuedState {
  connection: string;
  redirectUrl: string;
}

export type Consumed = { ok: true; state: IssuedState } | { ok: false; why: 'unknown' | 'used' | 'expired' };

export class OAuthStateStore {
  constructor(
    private readonly sql: Sql,
    private readonly now: () => number = Date.now,
  ) {}

  async issue(state: string, s: IssuedState & { createdBy: string; expiresAt: number }): Promise<void> {
    const now = this.now();
    // Old rows are of no use once expired: drop them as new ones come.
    await this.sql.run('DELETE FROM oauth_states WHERE expires_at < ?', [now - 24 * 60 * 60 * 1000]);
    await this.sql.run(
      'INSERT INTO oauth_states (state_hash, connection, redirect_url, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      [stateHash(state), s.connection, s.redirectUrl, s.createdBy, now, s.expiresAt],
    );
  }

  /** Mark the state used, in the one statement that checks it is unused and unexpired. */
  async consume(state: string): Promise<Consumed> {
    const hash = stateHash(state);
    const now = this.now();
    const taken = await this.sql.run(
      'UPDATE oauth_states SET used_at = ? WHERE state_hash = ? AND used_at IS NULL AND expires_at > ?',
      [now, hash, now],
    );
    const rows = await this.sql.all('SELECT connection, redirect_url, used_at FROM oauth_states WHERE state_hash = ?', [
      hash,
    ]);
    const row = rows[0];
    if (!row) return { ok: false, why: 'unknown' };
    if (taken === 0) return { ok: false, why: Number(row.used_at ?? 0) > 0 ? 'used' : 'expired' };
    return { ok: true, state: { connection: String(row.connection), redirectUrl: String(row.redirect_url) } };
  }
}
