/**
 * The ConnectionStore contract, the same suite on SQLite (a temp data dir) and PostgreSQL
 * (127.0.0.1:5432 database `test`, or RUNWIRE_TEST_PG_URL; a fresh schema per run, left behind).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { ConnectionRecord } from '../../../src/slack/connections/model.js';
import type { ConnectionStore } from '../../../src/slack/connections/store.js';
import { SqliteConnectionStore } from '../../../src/slack/connections/sqlite-store.js';
import { PostgresConnectionStore } from '../../../src/slack/connections/postgres-store.js';
import { ConnectionService } from '../../../src/slack/connections/service.js';
import { ConnectionVault } from '../../../src/slack/connections/vault.js';
import { secretKeyFromBytes } from '../../../src/slack/secret-box.js';

const pgUrl = process.env.RUNWIRE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const backends: Array<[string, () => Promise<{ store: ConnectionStore; rawRows: () => Promise<string> }>]> = [
  [
    'sqlite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'runwire-connstore-'));
      const store = SqliteConnectionStore.open(dir);
      const { openSqlite } = await import('../../../src/store/sqlite/open.js');
      return {
        store,
        rawRows: async () => {
          const db = openSqlite(dir);
          try {
            return JSON.stringify(db.prepare('SELECT * FROM slack_connections').all());
          } finally {
            db.close();
          }
        },
      };
    },
  ],
  [
    'postgres',
    async () => {
      const schema = `runwire_conn_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
      const store = await PostgresConnectionStore.open({ connectionString: pgUrl, schema });
      return {
        store,
        rawRows: async () => {
          const c = new pg.Client({ connectionString: pgUrl, options: `-c search_path=${schema}` });
          await c.connect();
          try {
            return JSON.stringify((await c.query('SELECT * FROM slack_connections')).rows);
          } finally {
            await c.end();
          }
        },
      };
    },
  ],
];

function record(name: string, over: Partial<ConnectionRecord> = {}): ConnectionRecord {
  return {
    name,
    kind: 'oauth_app',
    slackUrl: 'https://slack.com',
    redirectUrl: 'http://localhost:9999',
    clientId: '1.2',
    botScopes: ['chat:write', 'chat:write.public'],
    userScopes: ['chat:write'],
    grantedBotScopes: [],
    grantedUserScopes: [],
    sealed: { clientSecret: 'rw1.x.y.z.w' },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}

for (const [backend, make] of backends) {
  describe(`ConnectionStore on ${backend}`, () => {
    test('insert, get, list: every field round-trips; a taken name is refused', async () => {
      const { store } = await make();
      try {
        const full = record('b-full', {
          teamId: 'T1',
          teamName: 'Team',
          botUserId: 'U1',
          userId: 'U2',
          appId: 'A1',
          grantedBotScopes: ['chat:write'],
          grantedUserScopes: ['x'],
          webhookChannel: '#ops',
          botTokenExpiresAt: '2026-01-02T03:04:05.000Z',
          userTokenExpiresAt: '2026-01-03T00:00:00.000Z',
          verifiedAt: '2026-01-01T01:00:00.000Z',
          sealed: {
            botToken: 'rw1.a',
            userToken: 'rw1.b',
            clientSecret: 'rw1.c',
            signingSecret: 'rw1.d',
            appToken: 'rw1.e',
            webhookUrl: 'rw1.f',
            botRefreshToken: 'rw1.g',
            userRefreshToken: 'rw1.h',
          },
        });
        await store.insert(full);
        await store.insert(record('a-min', { kind: 'webhook', botScopes: [], userScopes: [] }));
        assert.deepEqual(await store.get('b-full'), full);
        assert.equal(await store.get('nope'), undefined);
        assert.deepEqual(
          (await store.list()).map((r) => r.name),
          ['a-min', 'b-full'],
        );
        await assert.rejects(
          store.insert(record('a-min')),
          (e: Error & { code?: string }) => e.code === 'runwire.slack.connection_exists',
        );
      } finally {
        await store.close();
      }
    });

    test('update is atomic under concurrent callers; unknown names are refused', async () => {
      const { store } = await make();
      try {
        await store.insert(record('c', { webhookChannel: '0' }));
        await Promise.all(
          Array.from({ length: 20 }, () =>
            store.update('c', (r) => ({ ...r, webhookChannel: String(Number(r.webhookChannel) + 1) })),
          ),
        );
        assert.equal((await store.get('c'))!.webhookChannel, '20');
        const changed = await store.update('c', (r) => ({
          ...r,
          grantedBotScopes: ['a', 'b'],
          sealed: { ...r.sealed, botToken: 'rw1.new' },
        }));
        assert.deepEqual((await store.get('c'))!.grantedBotScopes, ['a', 'b']);
        assert.equal(changed.sealed.botToken, 'rw1.new');
        await assert.rejects(
          store.update('ghost', (r) => r),
          (e: Error & { code?: string }) => e.code === 'runwire.slack.connection_not_found',
        );
        assert.equal(await store.remove('c'), true);
        assert.equal(await store.remove('c'), false);
      } finally {
        await store.close();
      }
    });

    test('through the service and vault: secrets stored sealed, opened back whole', async () => {
      const { store, rawRows } = await make();
      try {
        const vault = new ConnectionVault(secretKeyFromBytes(randomBytes(32), 'test'));
        const service = new ConnectionService({ store, vault, env: {} });
        const token = `xoxb-${randomBytes(4).toString('hex')}-${randomBytes(16).toString('hex')}`;
        await service.addToken({ name: 'svc', token, signingSecret: 'signing-secret-value-123' });
        const conn = service.resolveRecord(await service.get('svc'));
        assert.equal(conn.botToken, token);
        assert.equal(conn.signingSecret, 'signing-secret-value-123');
        assert.equal(conn.apiUrl, 'https://slack.com/api/');
        const raw = await rawRows();
        assert.ok(raw.includes('svc') && raw.includes('rw1.'));
        assert.ok(!raw.includes(token) && !raw.includes('signing-secret-value-123'));
      } finally {
        await store.close();
      }
    });
  });
}

/** Two stores on one file or one schema, as two processes would have them. */
const pairs: Array<[string, () => Promise<[ConnectionStore, ConnectionStore]>]> = [
  [
    'sqlite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'runwire-connlock-'));
      return [SqliteConnectionStore.open(dir), SqliteConnectionStore.open(dir)];
    },
  ],
  [
    'postgres',
    async () => {
      const schema = `runwire_connlock_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
      const a = await PostgresConnectionStore.open({ connectionString: pgUrl, schema });
      return [a, await PostgresConnectionStore.open({ connectionString: pgUrl, schema })];
    },
  ],
];

for (const [backend, makePair] of pairs) {
  test(`${backend}: lockedUpdate holds the connection across processes while its work awaits`, async () => {
    const [a, b] = await makePair();
    try {
      await a.insert(record('rot', { sealed: { botToken: 'rw1.v0' } }));
      const log: string[] = [];
      // Each holder "refreshes" only if the token is still the one it saw (v0), as the resolver does.
      const refresh = (store: ConnectionStore, who: string) =>
        store.lockedUpdate('rot', async (rec) => {
          log.push(`${who} in (${rec.sealed.botToken})`);
          if (rec.sealed.botToken !== 'rw1.v0') return { out: `${who} reused` };
          await new Promise((r) => setTimeout(r, 300));
          log.push(`${who} out`);
          return { next: { ...rec, sealed: { botToken: `rw1.${who}` } }, out: `${who} refreshed` };
        });
      const outs = await Promise.all([refresh(a, 'A'), refresh(b, 'B')]);
      assert.equal(outs.filter((o) => o.endsWith('refreshed')).length, 1, `one refresh: ${outs.join(', ')}`);
      // The second holder came in only after the first went out, and saw its write.
      assert.match(log.join(' | '), /^(A|B) in \(rw1\.v0\) \| \1 out \| (A|B) in \(rw1\.\1\)$/);
      const winner = outs.find((o) => o.endsWith('refreshed'))!.slice(0, 1);
      assert.equal((await b.get('rot'))?.sealed.botToken, `rw1.${winner}`);
      // A failing holder writes nothing and lets go.
      await assert.rejects(
        a.lockedUpdate('rot', async () => {
          throw new Error('refresh failed');
        }),
        /refresh failed/,
      );
      assert.equal(await b.lockedUpdate('rot', async (rec) => ({ out: rec.sealed.botToken })), `rw1.${winner}`);
    } finally {
      await a.close();
      await b.close();
    }
  });
}
