/** ConnectionStore over the data dir's SQLite file (table `slack_connections`, migration 100). */
import type Database from 'better-sqlite3';
import { RunwireError } from '../../core/errors.js';
import { openSqlite } from '../../store/sqlite/open.js';
import type { ConnectionRecord, SealedSecrets, SecretField } from './model.js';
import type { ConnectionStore } from './store.js';
import type { ConnectionKind } from './types.js';

/** Secret field → column. */
const SECRET_COLUMNS: Record<SecretField, string> = {
  botToken: 'bot_token_sealed',
  userToken: 'user_token_sealed',
  clientSecret: 'client_secret_sealed',
  signingSecret: 'signing_secret_sealed',
  appToken: 'app_token_sealed',
  webhookUrl: 'webhook_url_sealed',
  botRefreshToken: 'bot_refresh_token_sealed',
  userRefreshToken: 'user_refresh_token_sealed',
};

type Row = Record<string, string | null>;

const opt = (v: string | null | undefined): string | undefined => (v === null || v === undefined || v === '' ? undefined : v);
const list = (v: string | null | undefined): string[] => (v ? v.split(',').filter((s) => s !== '') : []);

function fromRow(r: Row): ConnectionRecord {
  const sealed: SealedSecrets = {};
  for (const [field, col] of Object.entries(SECRET_COLUMNS) as [SecretField, string][]) {
    const v = opt(r[col]);
    if (v !== undefined) sealed[field] = v;
  }
  const rec: ConnectionRecord = {
    name: String(r['name']),
    kind: String(r['kind']) as ConnectionKind,
    slackUrl: String(r['slack_url']),
    redirectUrl: String(r['redirect_url']),
    botScopes: list(r['bot_scopes']),
    userScopes: list(r['user_scopes']),
    grantedBotScopes: list(r['granted_bot_scopes']),
    grantedUserScopes: list(r['granted_user_scopes']),
    sealed,
    createdAt: String(r['created_at']),
    updatedAt: String(r['updated_at']),
  };
  const optional: [keyof ConnectionRecord, string][] = [
    ['clientId', 'client_id'], ['teamId', 'team_id'], ['teamName', 'team_name'], ['botUserId', 'bot_user_id'],
    ['userId', 'user_id'], ['appId', 'app_id'], ['webhookChannel', 'webhook_channel'],
    ['botTokenExpiresAt', 'bot_token_expires_at'], ['userTokenExpiresAt', 'user_token_expires_at'], ['verifiedAt', 'verified_at'],
  ];
  for (const [key, col] of optional) {
    const v = opt(r[col]);
    if (v !== undefined) (rec as unknown as Record<string, unknown>)[key] = v;
  }
  return rec;
}

function toRow(rec: ConnectionRecord): Row {
  const row: Row = {
    name: rec.name,
    kind: rec.kind,
    slack_url: rec.slackUrl,
    redirect_url: rec.redirectUrl,
    client_id: rec.clientId ?? null,
    bot_scopes: rec.botScopes.join(','),
    user_scopes: rec.userScopes.join(','),
    team_id: rec.teamId ?? null,
    team_name: rec.teamName ?? null,
    bot_user_id: rec.botUserId ?? null,
    user_id: rec.userId ?? null,
    app_id: rec.appId ?? null,
    granted_bot_scopes: rec.grantedBotScopes.join(','),
    granted_user_scopes: rec.grantedUserScopes.join(','),
    webhook_channel: rec.webhookChannel ?? null,
    bot_token_expires_at: rec.botTokenExpiresAt ?? null,
    user_token_expires_at: rec.userTokenExpiresAt ?? null,
    created_at: rec.createdAt,
    updated_at: rec.updatedAt,
    verified_at: rec.verifiedAt ?? null,
  };
  for (const [field, col] of Object.entries(SECRET_COLUMNS) as [SecretField, string][]) row[col] = rec.sealed[field] ?? null;
  return row;
}

function notFound(name: string): RunwireError {
  return new RunwireError('runwire.slack.connection_not_found', `no connection named "${name}"`, {
    fix: 'list the configured connections with: runwire connection list',
  });
}

export class SqliteConnectionStore implements ConnectionStore {
  private constructor(private readonly db: Database.Database, private readonly owned: boolean) {}

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
      this.db.prepare(`INSERT INTO slack_connections (${cols.join(', ')}) VALUES (${cols.map((c) => '@' + c).join(', ')})`).run(row);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new RunwireError('runwire.slack.connection_exists', `a connection named "${record.name}" already exists`, {
          fix: `choose another name, or remove it first: runwire connection remove ${record.name}`,
        });
      }
      throw err;
    }
  }

  async update(name: string, mutate: (rec: ConnectionRecord) => ConnectionRecord): Promise<ConnectionRecord> {
    // IMMEDIATE takes the write lock before the read: no other process can write in between.
    return this.db.transaction(() => {
      const r = this.db.prepare('SELECT * FROM slack_connections WHERE name = ?').get(name) as Row | undefined;
      if (!r) throw notFound(name);
      const next = mutate(fromRow(r));
      this.write({ ...next, name });
      return next;
    }).immediate();
  }

  private write(record: ConnectionRecord): void {
    const row = toRow(record);
    const sets = Object.keys(row).filter((c) => c !== 'name' && c !== 'created_at').map((c) => `${c} = @${c}`);
    const res = this.db.prepare(`UPDATE slack_connections SET ${sets.join(', ')} WHERE name = @name`).run(row);
    if (res.changes === 0) throw notFound(record.name);
  }

  async remove(name: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM slack_connections WHERE name = ?').run(name).changes > 0;
  }

  async close(): Promise<void> {
    if (this.owned) this.db.close();
  }
}
