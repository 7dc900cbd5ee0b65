/**
 * Which connection a Slack request belongs to, and its signing secret: connections (records and
 * opened signing secrets) are read from the store and kept for a few seconds (a request every few
 * milliseconds must not open every secret each time); a request that no cached connection verifies
 * reads them again at once (at most once a second), so a connection added or a secret rotated a
 * moment ago is used without waiting.
 */
import type { ConnectionRecord } from '../../slack/connections/model.js';
import type { OpenedConnections } from '../../slack/connections/open.js';

export interface SigningCandidate {
  record: ConnectionRecord;
  signingSecret: string;
}

/** What a request says it is for: `api_app_id` and the workspace (`team_id`, `team.id`). */
export interface SlackAddress {
  appId?: string | undefined;
  teamId?: string | undefined;
}

const CACHE_MS = 5_000;
const RELOAD_MIN_MS = 1_000;

export class SlackConnectionFinder {
  private cached: { at: number; list: SigningCandidate[] } | undefined;
  private loading: Promise<SigningCandidate[]> | undefined;

  constructor(
    private readonly connections: () => Promise<OpenedConnections>,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Connections that may have signed a request for `to`, best first: those of the app (and its
   * workspace, when both are known), else those that do not know their app id and are of the
   * workspace (or do not know it either); a request naming neither (Slack's `url_verification`)
   * may come from any connection with a signing secret.
   */
  async candidates(to: SlackAddress, fresh = false): Promise<SigningCandidate[]> {
    const list = await this.load(fresh);
    const teamOk = (r: ConnectionRecord) => !to.teamId || !r.teamId || r.teamId === to.teamId;
    if (to.appId) {
      const byApp = list.filter((c) => c.record.appId === to.appId && teamOk(c.record));
      if (byApp.length > 0) return byApp;
    }
    if (!to.appId && !to.teamId) return list;
    // A token connection knows its workspace (auth.test) but not its app: those of the workspace,
    // then those that know neither. The signature decides.
    const loose = list.filter((c) => !c.record.appId && teamOk(c.record));
    return [...loose.filter((c) => c.record.teamId), ...loose.filter((c) => !c.record.teamId)];
  }

  /** May `candidates(…, true)` read the store again now (a failed verification)? */
  mayReload(): boolean {
    return this.cached === undefined || this.now() - this.cached.at >= RELOAD_MIN_MS;
  }

  private async load(fresh: boolean): Promise<SigningCandidate[]> {
    const c = this.cached;
    if (c && !fresh && this.now() - c.at < CACHE_MS) return c.list;
    this.loading ??= this.read().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async read(): Promise<SigningCandidate[]> {
    const { service } = await this.connections();
    const list: SigningCandidate[] = [];
    for (const record of await service.store.list()) {
      if (!record.sealed.signingSecret) continue;
      let secret: string | undefined;
      try {
        secret = service.openSecrets(record).signingSecret;
      } catch {
        // A secret this key cannot open verifies nothing (fail closed); the connection's own commands say why.
        continue;
      }
      if (secret) list.push({ record, signingSecret: secret });
    }
    this.cached = { at: this.now(), list };
    return list;
  }
}
