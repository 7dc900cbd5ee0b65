/**
 * Implements `ConnectionResolver`: looks a connection up, refreshes a rotating token shortly before
 * it expires (storing the new pair), and decrypts it into memory. `refreshNow` serves callers that
 * got `token_expired` from Slack anyway (clock skew, a token revoked early).
 */
import { RunwireError } from '../../core/errors.js';
import type { ConnectionRecord } from './model.js';
import { refreshAccessToken } from './oauth.js';
import type { ConnectionService } from './service.js';
import type { ConnectionResolver, ResolvedConnection } from './types.js';
import { apiUrlOf } from './model.js';

/** Refresh this long before expiry by default: Slack's rotating tokens live 12 hours. */
export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;

/** True when a token expiring at `expiresAt` (ISO) should be refreshed now. Pure. */
export function needsRefresh(expiresAt: string | undefined, nowMs: number, marginMs: number): boolean {
  if (!expiresAt) return false;
  const at = Date.parse(expiresAt);
  return Number.isFinite(at) && at - nowMs <= marginMs;
}

export interface ResolverOptions {
  /** How long before expiry to refresh (default 5 minutes). */
  refreshMarginMs?: number;
}

export class StoreConnectionResolver implements ConnectionResolver {
  private readonly margin: number;
  /** One refresh at a time per connection and token within this process. */
  private readonly inflight = new Map<string, Promise<ConnectionRecord>>();

  constructor(
    private readonly service: ConnectionService,
    opts: ResolverOptions = {},
  ) {
    this.margin = opts.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
  }

  async resolve(name: string): Promise<ResolvedConnection> {
    let rec = await this.service.get(name);
    const now = this.service.now();
    if (needsRefresh(rec.botTokenExpiresAt, now, this.margin)) rec = await this.refresh(rec, 'bot');
    if (needsRefresh(rec.userTokenExpiresAt, now, this.margin)) rec = await this.refresh(rec, 'user');
    return this.service.resolveRecord(rec);
  }

  /** Refresh the bot (or user) token now, whatever its expiry; returns the connection with the new token. */
  async refreshNow(name: string, which: 'bot' | 'user' = 'bot'): Promise<ResolvedConnection> {
    const rec = await this.refresh(await this.service.get(name), which);
    return this.service.resolveRecord(rec);
  }

  /**
   * `ConnectionService.verify` (auth.test, learn scopes) on a fresh token: refresh first when due,
   * and once more when Slack answers `token_expired` anyway.
   */
  async verify(name: string): Promise<ConnectionRecord> {
    await this.resolve(name);
    try {
      return await this.service.verify(name);
    } catch (err) {
      const rec = await this.service.get(name);
      const canRefresh = rec.sealed.botRefreshToken !== undefined || rec.sealed.userRefreshToken !== undefined;
      if (!(err instanceof RunwireError) || err.code !== 'runwire.slack.token_expired' || !canRefresh) throw err;
      if (rec.sealed.botRefreshToken !== undefined) await this.refresh(rec, 'bot');
      if (rec.sealed.userRefreshToken !== undefined) await this.refresh(await this.service.get(name), 'user');
      return await this.service.verify(name);
    }
  }

  private refresh(rec: ConnectionRecord, which: 'bot' | 'user'): Promise<ConnectionRecord> {
    const key = `${rec.name}\u0000${which}`;
    let p = this.inflight.get(key);
    if (!p) {
      p = this.doRefresh(rec, which).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  /**
   * Refresh under the connection's lock across processes (`ConnectionStore.lockedUpdate`): the first
   * holder spends the single-use refresh token and stores the new pair before letting go; a holder
   * that finds the token changed since `seen` (refreshed meanwhile, here or elsewhere) uses it instead
   * of refreshing again. So N workers that find one token expiring refresh it once.
   */
  private async doRefresh(seen: ConnectionRecord, which: 'bot' | 'user'): Promise<ConnectionRecord> {
    const field = which === 'bot' ? 'botToken' : 'userToken';
    return this.service.store.lockedUpdate(seen.name, async (rec) => {
      if (rec.sealed[field] !== seen.sealed[field]) return { out: rec };
      const secrets = this.service.openSecrets(rec);
      const refreshToken = which === 'bot' ? secrets.botRefreshToken : secrets.userRefreshToken;
      if (!rec.clientId || !secrets.clientSecret || !refreshToken) {
        throw new RunwireError(
          'runwire.slack.token_expired',
          `the ${which} token of connection ${rec.name} has expired and cannot be refreshed`,
          { fix: `re-authenticate: runwire connection authenticate ${rec.name}` },
        );
      }
      const grant = await refreshAccessToken(
        apiUrlOf(rec.slackUrl),
        { clientId: rec.clientId, clientSecret: secrets.clientSecret, refreshToken },
        { name: rec.name, clientId: rec.clientId, redirectUrl: rec.redirectUrl },
        this.service.now,
      );
      const next = await this.service.withGrant(rec, grant);
      return { next, out: next };
    });
  }
}
