/**
 * What `POST /api/runs` asks the database besides creating the run, on SQLite and PostgreSQL: a
 * bearer token's principal is looked up once per `TOKEN_CACHE_MS` (not once per request) and a
 * revocation still takes effect — at once through the same store, after `TOKEN_CACHE_MS` when another
 * process revokes it; the runbook to start costs one query for its version number (deleted ones stay
 * unstartable, a new version is seen at once; a version already parsed is not fetched again). The
 * clock is injected; nothing here waits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openServerRuntime, type ServerRuntime } from '../../../src/server/runtime.js';
import type { Sql } from '../../../src/server/store/sql.js';
import { TOKEN_CACHE_MS, TokenStore } from '../../../src/server/store/token-store.js';
import { LibraryStore } from '../../../src/server/store/library-store.js';
import { parseRunbook } from '../../../src/core/parse-runbook.js';
import { builtinTaskTypes } from '../../../src/tasks/index.js';
import { freshSchemaUrl } from '../../helpers/backends.js';

/** A `Sql` that counts the statements it is asked. */
function counting(sql: Sql): Sql & { queries: number } {
  const c = {
    backend: sql.backend,
    queries: 0,
    all: (q: string, p?: unknown[]) => {
      c.queries++;
      return sql.all(q, p);
    },
    run: (q: string, p?: unknown[]) => {
      c.queries++;
      return sql.run(q, p);
    },
    close: () => sql.close(),
  };
  return c;
}

async function open(backend: 'sqlite' | 'postgres'): Promise<ServerRuntime> {
  const dataDir = mkdtempSync(join(tmpdir(), 'runwire-queries-'));
  return openServerRuntime({ dataDir, ...(backend === 'postgres' ? { databaseUrl: freshSchemaUrl('queries') } : {}) });
}

for (const backend of ['sqlite', 'postgres'] as const) {
  test(`${backend}: a token's principal is looked up once per TOKEN_CACHE_MS; revocations still take effect`, async (t) => {
    const rt = await open(backend);
    t.after(() => rt.close());
    let clock = Date.parse('2026-12-02T04:00:00.000Z');
    const sql = counting(rt.sql);
    const here = new TokenStore(sql, () => new Date(clock));
    const elsewhere = new TokenStore(rt.sql); // another process on the same database
    const { token } = await here.create('operator', 'ci');

    const first = await here.byToken(token);
    assert.deepEqual(first, { name: 'ci', role: 'operator', via: 'bearer' });
    sql.queries = 0;
    for (let i = 0; i < 5; i++) assert.deepEqual(await here.byToken(token), first);
    assert.equal(sql.queries, 0, 'repeated requests with one token ask the database nothing');

    assert.equal(await elsewhere.revoke('ci'), true);
    clock += TOKEN_CACHE_MS - 1;
    assert.deepEqual(await here.byToken(token), first, 'revoked elsewhere: still known for at most TOKEN_CACHE_MS');
    clock += 1;
    assert.equal(await here.byToken(token), undefined, 'then refused');

    const again = await here.create('admin', 'ops');
    assert.equal((await here.byToken(again.token))?.role, 'admin');
    assert.equal(await here.revoke('ops'), true);
    assert.equal(await here.byToken(again.token), undefined, 'revoked through this store: refused at once');

    // A miss is not remembered: a token created right after it works at once.
    const unknown = 'rwt_not-a-token';
    assert.equal(await here.byToken(unknown), undefined);
    const late = await elsewhere.create('viewer', 'late');
    assert.equal((await here.byToken(late.token))?.name, 'late');
  });

  test(`${backend}: the runbook POST /api/runs starts costs one small query once its version is known`, async (t) => {
    const rt = await open(backend);
    t.after(() => rt.close());
    const sql = counting(rt.sql);
    const library = new LibraryStore(sql);
    const elsewhere = new LibraryStore(rt.sql); // another server on the same database
    const put = async (store: LibraryStore, name: string) => {
      const source = `name: ${name}\ntasks:\n  - id: a\n    type: milestone\n`;
      const parsed = parseRunbook(source, 'one.yaml', builtinTaskTypes());
      assert.ok(parsed.runbook);
      await store.put('one', { source, format: 'yaml', runbook: parsed.runbook, by: 'test' });
    };
    assert.equal(await library.current('one'), undefined);
    await put(library, 'One');
    sql.queries = 0;
    const v1 = await library.current('one');
    assert.equal(sql.queries, 1, 'the version this server wrote is not fetched again');
    assert.deepEqual({ version: v1?.version, name: v1?.runbook.name }, { version: 1, name: 'One' });
    assert.deepEqual(v1, (await library.get('one'))?.latest, 'the same version get() names latest');
    for (let i = 0; i < 3; i++) await library.current('one');
    sql.queries = 0;
    await library.current('one');
    assert.equal(sql.queries, 1, 'a repeated start asks for the version number only');

    await put(elsewhere, 'One again');
    sql.queries = 0;
    const v2 = await library.current('one');
    assert.deepEqual({ version: v2?.version, name: v2?.runbook.name }, { version: 2, name: 'One again' });
    assert.equal(sql.queries, 2, 'a version another server wrote is seen at once: its number, then it');
    sql.queries = 0;
    assert.equal((await library.version('one', 1))?.runbook.name, 'One', 'an older version stays as it was');
    assert.equal(sql.queries, 0);
    assert.equal(await elsewhere.delete('one'), true);
    assert.equal(await library.current('one'), undefined, 'a runbook deleted elsewhere is not started');
  });
}
