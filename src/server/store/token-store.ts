/** API tokens and browser sessions on the server's tables (hashes only; see `auth/tokens.ts`). */
import { RunwireError } from '../../core/errors.js';
import { displayPrefix, hashSecret, newSecret, newToken, type Role } from '../auth/tokens.js';
import type { Sql, SqlRow } from './sql.js';

export interface TokenInfo {
  name: string;
  role: Role;
  /** `rwt_abcdef…`: tells tokens apart, not usable. */
  prefix: string;
  created_at: string;
  last_used_at: string | null;
}

/** Who a request is: the token it authenticated with (directly or through a session). */
export interface Principal {
  name: string;
  role: Role;
  via: 'bearer' | 'session';
}

const SESSION_PREFIX = 'rws_';
/** Sessions last 12 hours. */
export const SESSION_MS = 12 * 60 * 60 * 1000;

function info(r: SqlRow): TokenInfo {
  return {
    name: String(r.name),
    role: r.role as Role,
    prefix: String(r.prefix),
    created_at: String(r.created_at),
    last_used_at: r.last_used_at === null || r.last_used_at === undefined ? null : String(r.last_used_at),
  };
}

/**
 * How long a bearer token's principal is reused without asking the database (one round trip less per
 * request on PostgreSQL). A token revoked through this process stops working at once; revoked by
 * another process (the CLI, another server), within this long.
 */
export const TOKEN_CACHE_MS = 1_000;
/** Past this many cached principals the cache starts over (a bound, not an eviction policy). */
const TOKEN_CACHE_MAX = 10_000;

export class TokenStore {
  /** Token hash → when `last_used_at` was last written, so a busy token is not a write per request. */
  private readonly touched = new Map<string, number>();
  /** Token hash → its principal and until when it may be reused. Only found tokens are kept. */
  private readonly cached = new Map<string, { principal: Principal; until: number }>();

  constructor(
    private readonly sql: Sql,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Create a token; the only time its secret exists outside the caller. */
  async create(role: Role, name?: string): Promise<{ token: string; info: TokenInfo }> {
    const token = newToken();
    const at = this.now().toISOString();
    const chosen = name ?? `${role}-${hashSecret(token).slice(0, 6)}`;
    const inserted = await this.sql.run(
      'INSERT INTO api_tokens (name, role, token_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      [chosen, role, hashSecret(token), displayPrefix(token), at],
    );
    if (inserted === 0) {
      throw new RunwireError('runwire.token.exists', `A token named "${chosen}" exists.`, {
        fix: `Pick another --name, or revoke it first: runwire token revoke ${chosen}`,
      });
    }
    return { token, info: { name: chosen, role, prefix: displayPrefix(token), created_at: at, last_used_at: null } };
  }

  async list(): Promise<TokenInfo[]> {
    return (
      await this.sql.all(
        'SELECT name, role, prefix, created_at, last_used_at FROM api_tokens ORDER BY created_at, name',
      )
    ).map(info);
  }

  /** Revoke (delete) a token and its sessions; false when there was none. */
  async revoke(name: string): Promise<boolean> {
    await this.sql.run('DELETE FROM api_sessions WHERE token_name = ?', [name]);
    const gone = (await this.sql.run('DELETE FROM api_tokens WHERE name = ?', [name])) > 0;
    for (const [hash, c] of this.cached) if (c.principal.name === name) this.cached.delete(hash);
    return gone;
  }

  /** The principal of a bearer token, or undefined (see `TOKEN_CACHE_MS`). */
  async byToken(token: string): Promise<Principal | undefined> {
    const hash = hashSecret(token);
    const now = this.now().getTime();
    const hit = this.cached.get(hash);
    if (hit && hit.until > now) return { ...hit.principal };
    this.cached.delete(hash);
    const [row] = await this.sql.all('SELECT name, role FROM api_tokens WHERE token_hash = ?', [hash]);
    if (!row) return undefined;
    await this.touch(hash);
    const principal: Principal = { name: String(row.name), role: row.role as Role, via: 'bearer' };
    if (this.cached.size >= TOKEN_CACHE_MAX) this.cached.clear();
    this.cached.set(hash, { principal, until: now + TOKEN_CACHE_MS });
    return principal;
  }

  /** Open a session for a token: the cookie value (stored hashed). */
  async openSession(tokenName: string): Promise<string> {
    const secret = newSecret(SESSION_PREFIX);
    const now = this.now();
    await this.sql.run(
      'INSERT INTO api_sessions (session_hash, token_name, created_at, expires_at) VALUES (?, ?, ?, ?)',
      [hashSecret(secret), tokenName, now.toISOString(), now.getTime() + SESSION_MS],
    );
    return secret;
  }

  async bySession(secret: string): Promise<Principal | undefined> {
    const [row] = await this.sql.all(
      `SELECT t.name, t.role FROM api_sessions s JOIN api_tokens t ON t.name = s.token_name
       WHERE s.session_hash = ? AND s.expires_at > ?`,
      [hashSecret(secret), this.now().getTime()],
    );
    return row ? { name: String(row.name), role: row.role as Role, via: 'session' } : undefined;
  }

  async closeSession(secret: string): Promise<void> {
    await this.sql.run('DELETE FROM api_sessions WHERE session_hash = ? OR expires_at <= ?', [
      hashSecret(secret),
      this.now().getTime(),
    ]);
  }

  private async touch(hash: string): Promise<void> {
    const now = this.now();
    if (now.getTime() - (this.touched.get(hash) ?? 0) < 60_000) return;
    this.touched.set(hash, now.getTime());
    await this.sql.run('UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ?', [now.toISOString(), hash]);
  }
}
