/**
 * Connection use cases shared by the CLI (and later the HTTP API): add, list, look up, remove,
 * verify with auth.test, store an OAuth grant. Secrets are sealed before they reach the store and
 * opened only into a ResolvedConnection held in memory.
 */
import { RunwireError } from '../../core/errors.js';
import { authTest } from './auth-test.js';
import {
  apiUrlOf,
  checkConnectionName,
  checkRedirectUrl,
  DEFAULT_BOT_SCOPES,
  DEFAULT_REDIRECT_URL,
  defaultSlackUrl,
  inferTokenKind,
  normalizeSlackUrl,
  type ConnectionRecord,
  type OpenSecrets,
} from './model.js';
import type { OAuthGrant } from './oauth.js';
import type { ConnectionStore } from './store.js';
import type { ResolvedConnection } from './types.js';
import type { ConnectionVault } from './vault.js';

export interface ServiceDeps {
  store: ConnectionStore;
  vault: ConnectionVault;
  env: NodeJS.ProcessEnv;
  /** Epoch ms; injectable for tests of expiry. */
  now?: () => number;
}

export interface AddTokenInput {
  name: string;
  token: string;
  signingSecret?: string;
  appToken?: string;
  slackUrl?: string;
  /** `start`: the connection `runwire start` makes for its sandbox (the only kind it replaces). */
  managedBy?: 'start';
}
export interface AddOAuthAppInput {
  name: string;
  clientId: string;
  clientSecret: string;
  redirectUrl?: string;
  scopes?: string[];
  userScopes?: string[];
  slackUrl?: string;
  signingSecret?: string;
  appToken?: string;
}
/** What `connection update` may change; absent fields stay as they are. */
export interface UpdateInput {
  token?: string;
  clientSecret?: string;
  webhookUrl?: string;
  signingSecret?: string;
  appToken?: string;
  slackUrl?: string;
  redirectUrl?: string;
  /** The bot / user scopes to request (OAuth apps; they take effect at the next `authenticate`). */
  scopes?: string[];
  userScopes?: string[];
  /** What the connection is for; empty clears it. */
  description?: string;
}

/** Which fields each kind of connection has (what `update` accepts for it). */
const UPDATABLE: Record<ConnectionRecord['kind'], ReadonlyArray<keyof UpdateInput>> = {
  bot_token: ['token', 'signingSecret', 'appToken', 'slackUrl', 'description'],
  user_token: ['token', 'signingSecret', 'appToken', 'slackUrl', 'description'],
  oauth_app: [
    'clientSecret',
    'signingSecret',
    'appToken',
    'slackUrl',
    'redirectUrl',
    'scopes',
    'userScopes',
    'description',
  ],
  webhook: ['webhookUrl', 'slackUrl', 'description'],
};

export interface AddWebhookInput {
  name: string;
  webhookUrl: string;
  slackUrl?: string;
}

function checkAppToken(appToken: string | undefined): void {
  if (appToken !== undefined && !appToken.startsWith('xapp-')) {
    throw new RunwireError('runwire.slack.bad_token', 'the app-level token must start with xapp-', {
      fix: 'copy it from Basic Information → App-Level Tokens',
    });
  }
}

export class ConnectionService {
  readonly store: ConnectionStore;
  private readonly vault: ConnectionVault;
  private readonly env: NodeJS.ProcessEnv;
  readonly now: () => number;

  constructor(deps: ServiceDeps) {
    this.store = deps.store;
    this.vault = deps.vault;
    this.env = deps.env;
    this.now = deps.now ?? Date.now;
  }

  private base(name: string, kind: ConnectionRecord['kind'], slackUrl: string | undefined): ConnectionRecord {
    const t = new Date(this.now()).toISOString();
    return {
      name: checkConnectionName(name),
      kind,
      slackUrl: slackUrl ? normalizeSlackUrl(slackUrl) : defaultSlackUrl(this.env),
      redirectUrl: DEFAULT_REDIRECT_URL,
      botScopes: [...DEFAULT_BOT_SCOPES],
      userScopes: [],
      grantedBotScopes: [],
      grantedUserScopes: [],
      sealed: {},
      createdAt: t,
      updatedAt: t,
    };
  }

  /** A bot or user token connection (kind from the prefix). Not verified: call `verify` after. */
  async addToken(i: AddTokenInput): Promise<ConnectionRecord> {
    const token = i.token.trim();
    const kind = inferTokenKind(token);
    checkAppToken(i.appToken);
    const rec = this.base(i.name, kind, i.slackUrl);
    if (i.managedBy) rec.managedBy = i.managedBy;
    await this.readyToSeal();
    rec.sealed = this.vault.seal(rec.name, {
      [kind === 'bot_token' ? 'botToken' : 'userToken']: token,
      ...(i.signingSecret !== undefined ? { signingSecret: i.signingSecret } : {}),
      ...(i.appToken !== undefined ? { appToken: i.appToken } : {}),
    });
    await this.store.insert(rec);
    return rec;
  }

  /** An OAuth app: client credentials now, tokens after `connection authenticate`. */
  async addOAuthApp(i: AddOAuthAppInput): Promise<ConnectionRecord> {
    const rec = this.base(i.name, 'oauth_app', i.slackUrl);
    checkAppToken(i.appToken);
    if (!/^[A-Za-z0-9._-]+$/.test(i.clientId)) {
      throw new RunwireError('runwire.slack.bad_client_id', 'the client id has unexpected characters', {
        fix: "copy the Client ID from your app's Basic Information page",
      });
    }
    rec.clientId = i.clientId;
    rec.redirectUrl = checkRedirectUrl(i.redirectUrl ?? DEFAULT_REDIRECT_URL);
    if (i.scopes && i.scopes.length > 0) rec.botScopes = i.scopes;
    rec.userScopes = i.userScopes ?? [];
    await this.readyToSeal();
    rec.sealed = this.vault.seal(rec.name, {
      clientSecret: i.clientSecret,
      ...(i.signingSecret !== undefined ? { signingSecret: i.signingSecret } : {}),
      ...(i.appToken !== undefined ? { appToken: i.appToken } : {}),
    });
    await this.store.insert(rec);
    return rec;
  }

  /** An incoming webhook (the URL is a secret: anyone holding it can post). */
  async addWebhook(i: AddWebhookInput): Promise<ConnectionRecord> {
    let url: URL;
    try {
      url = new URL(i.webhookUrl);
    } catch {
      throw new RunwireError('runwire.slack.bad_webhook_url', 'the webhook URL is not a URL', {
        fix: "copy it from your app's Incoming Webhooks page (https://hooks.slack.com/services/…)",
      });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new RunwireError('runwire.slack.bad_webhook_url', 'the webhook URL must be http(s)', {
        fix: "copy it from your app's Incoming Webhooks page",
      });
    }
    const rec = this.base(i.name, 'webhook', i.slackUrl);
    rec.botScopes = [];
    await this.readyToSeal();
    rec.sealed = this.vault.seal(rec.name, { webhookUrl: i.webhookUrl });
    await this.store.insert(rec);
    return rec;
  }

  /**
   * Change a connection in place (`fieldName` names the fields in errors: CLI flags by default, the
   * API's snake_case keys over HTTP): its secrets (a new token is of the same kind: bot stays bot), its
   * Slack URL, and for an OAuth app the redirect URL and the scopes the next `authenticate` requests.
   * A field the connection's kind does not have is refused, naming what it does have.
   */
  async update(
    name: string,
    u: UpdateInput,
    opts: { fieldName?: (field: keyof UpdateInput) => string } = {},
  ): Promise<ConnectionRecord> {
    const before = await this.get(name);
    const given = (Object.keys(u) as Array<keyof UpdateInput>).filter((k) => u[k] !== undefined);
    const flag = opts.fieldName ?? ((k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    if (given.length === 0) {
      throw new RunwireError('runwire.cli.bad_arguments', `nothing to update for connection ${name}`, {
        fix: `give what to change, e.g. ${opts.fieldName ? `{ "${flag('signingSecret')}": "…" }` : `runwire connection update ${name} --signing-secret -`}`,
      });
    }
    const allowed = UPDATABLE[before.kind];
    const foreign = given.filter((k) => !allowed.includes(k));
    if (foreign.length > 0) {
      throw new RunwireError(
        'runwire.cli.bad_arguments',
        `connection ${name} is a ${before.kind} connection: it has no ${foreign.map(flag).join(', ')}`,
        { fix: `a ${before.kind} connection can change ${allowed.map(flag).join(', ')}` },
      );
    }
    const secrets: OpenSecrets = {};
    if (u.token !== undefined) {
      const token = u.token.trim();
      const kind = inferTokenKind(token);
      if (kind !== before.kind) {
        throw new RunwireError(
          'runwire.slack.bad_token',
          `connection ${name} holds a ${before.kind === 'bot_token' ? 'bot token (xoxb-)' : 'user token (xoxp-)'}; the new token is a ${kind === 'bot_token' ? 'bot token (xoxb-)' : 'user token (xoxp-)'}`,
          {
            fix: `give a token of the same kind, or add the other as its own connection: runwire connection add NAME --token …`,
          },
        );
      }
      secrets[kind === 'bot_token' ? 'botToken' : 'userToken'] = token;
    }
    checkAppToken(u.appToken);
    if (u.appToken !== undefined) secrets.appToken = u.appToken;
    if (u.signingSecret !== undefined) secrets.signingSecret = u.signingSecret;
    if (u.clientSecret !== undefined) secrets.clientSecret = u.clientSecret;
    if (u.webhookUrl !== undefined) secrets.webhookUrl = u.webhookUrl;
    const slackUrl = u.slackUrl !== undefined ? normalizeSlackUrl(u.slackUrl) : undefined;
    const redirectUrl = u.redirectUrl !== undefined ? checkRedirectUrl(u.redirectUrl) : undefined;
    if (Object.keys(secrets).length > 0) await this.readyToSeal();
    return this.store.update(name, (rec) => {
      if (Object.keys(secrets).length > 0) rec.sealed = this.vault.seal(rec.name, secrets, rec.sealed);
      if (slackUrl !== undefined) rec.slackUrl = slackUrl;
      if (redirectUrl !== undefined) rec.redirectUrl = redirectUrl;
      if (u.scopes !== undefined) rec.botScopes = u.scopes;
      if (u.userScopes !== undefined) rec.userScopes = u.userScopes;
      if (u.description !== undefined) {
        const d = u.description.trim();
        if (d) rec.description = d;
        else delete rec.description;
      }
      rec.updatedAt = new Date(this.now()).toISOString();
      return rec;
    });
  }

  /** auth.test a token before it replaces the connection's own: a token Slack refuses is never stored. */
  async checkNewToken(rec: ConnectionRecord, token: string): Promise<void> {
    const conn = this.resolveRecord(rec);
    const t = token.trim();
    const user = t.replace(/^xoxe\./, '').startsWith('xoxp-');
    await authTest(user ? { ...conn, userToken: t } : { ...conn, botToken: t }, user ? 'user' : 'bot');
  }

  /** Load (or, for the data dir's first secret, create) the key before sealing anything. */
  private readyToSeal(): Promise<void> {
    return this.vault.readyToSeal(() => this.store.list());
  }

  /** The stored record, or `runwire.slack.connection_not_found` listing the configured names. */
  async get(name: string): Promise<ConnectionRecord> {
    const rec = await this.store.get(name);
    if (rec) return rec;
    const names = (await this.store.list()).map((r) => r.name);
    throw new RunwireError('runwire.slack.connection_not_found', `no Slack connection named "${name}"`, {
      fix:
        names.length > 0
          ? `use one of: ${names.join(', ')} (or add it: runwire connection add ${name} …)`
          : `add one first: runwire connection add ${name} --token xoxb-… (no connections are configured)`,
    });
  }

  /** Decrypt a record's secrets into a ResolvedConnection (memory only). */
  resolveRecord(rec: ConnectionRecord): ResolvedConnection {
    const s: OpenSecrets = this.vault.open(rec);
    const out: ResolvedConnection = {
      name: rec.name,
      kind: rec.kind,
      slackUrl: rec.slackUrl,
      apiUrl: apiUrlOf(rec.slackUrl),
      botScopes: rec.grantedBotScopes,
      userScopes: rec.grantedUserScopes,
    };
    const copy: [keyof ResolvedConnection, string | undefined][] = [
      ['botToken', s.botToken],
      ['userToken', s.userToken],
      ['webhookUrl', s.webhookUrl],
      ['signingSecret', s.signingSecret],
      ['appToken', s.appToken],
      ['teamId', rec.teamId],
      ['teamName', rec.teamName],
      ['botUserId', rec.botUserId],
      ['webhookChannel', rec.webhookChannel],
    ];
    for (const [k, v] of copy) if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
    return out;
  }

  /** Open all secrets of a record (for refresh and the masked `show`). */
  openSecrets(rec: ConnectionRecord): OpenSecrets {
    return this.vault.open(rec);
  }

  /**
   * auth.test every token the connection holds, store team, bot user and granted scopes, and
   * return the updated record. Dead tokens throw `runwire.slack.token_invalid`.
   */
  async verify(name: string): Promise<ConnectionRecord> {
    const conn = this.resolveRecord(await this.get(name));
    const bot = conn.botToken ? await authTest(conn, 'bot') : undefined;
    const user = conn.userToken ? await authTest(conn, 'user') : undefined;
    // Only what auth.test learned is written, onto the latest record: a token refreshed meanwhile stays.
    return this.store.update(name, (rec) => {
      if (bot) {
        rec.grantedBotScopes = bot.scopes;
        if (bot.userId) rec.botUserId = bot.userId;
      }
      if (user) {
        rec.grantedUserScopes = user.scopes;
        if (user.userId) rec.userId = user.userId;
      }
      for (const r of [bot, user]) {
        if (r?.teamId) rec.teamId = r.teamId;
        if (r?.teamName) rec.teamName = r.teamName;
      }
      rec.verifiedAt = rec.updatedAt = new Date(this.now()).toISOString();
      return rec;
    });
  }

  /** Store what an installation or refresh gave (only the parts present), sealed. */
  async applyGrant(name: string, g: OAuthGrant): Promise<ConnectionRecord> {
    await this.get(name); // not found → the error that lists the configured names
    await this.readyToSeal();
    return this.store.update(name, (rec) => this.sealGrant(rec, g));
  }

  /** For a refresh under `ConnectionStore.lockedUpdate`: the record with the grant sealed in, not stored. */
  async withGrant(rec: ConnectionRecord, g: OAuthGrant): Promise<ConnectionRecord> {
    await this.readyToSeal();
    return this.sealGrant(rec, g);
  }

  /** What a grant gave (only the parts present) sealed into `rec`, which is changed and returned. */
  private sealGrant(rec: ConnectionRecord, g: OAuthGrant): ConnectionRecord {
    const secrets: OpenSecrets = {};
    if (g.botToken) {
      secrets.botToken = g.botToken;
      if (g.botScopes.length > 0) rec.grantedBotScopes = g.botScopes;
      if (g.botRefreshToken) secrets.botRefreshToken = g.botRefreshToken;
      if (g.botExpiresAt !== undefined) rec.botTokenExpiresAt = new Date(g.botExpiresAt).toISOString();
      else delete rec.botTokenExpiresAt;
    }
    if (g.userToken) {
      secrets.userToken = g.userToken;
      if (g.userScopes.length > 0) rec.grantedUserScopes = g.userScopes;
      if (g.userRefreshToken) secrets.userRefreshToken = g.userRefreshToken;
      if (g.userExpiresAt !== undefined) rec.userTokenExpiresAt = new Date(g.userExpiresAt).toISOString();
      else delete rec.userTokenExpiresAt;
    }
    if (g.webhookUrl) secrets.webhookUrl = g.webhookUrl;
    if (g.webhookChannel) rec.webhookChannel = g.webhookChannel;
    if (g.teamId) rec.teamId = g.teamId;
    if (g.teamName) rec.teamName = g.teamName;
    if (g.botUserId) rec.botUserId = g.botUserId;
    if (g.userId) rec.userId = g.userId;
    if (g.appId) rec.appId = g.appId;
    rec.sealed = this.vault.seal(rec.name, secrets, rec.sealed);
    rec.updatedAt = new Date(this.now()).toISOString();
    return rec;
  }
}
