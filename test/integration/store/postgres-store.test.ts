/**
 * The Store contract on PostgreSQL (127.0.0.1:5432, database `test`, user `postgres`, or
 * RUNWIRE_TEST_PG_URL), each test in a fresh schema that is left behind to look at.
 */
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { openPostgresPool } from '../../../src/store/postgres/pool.js';
import { storeContract } from './store-contract.js';

const url = process.env.RUNWIRE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

storeContract('postgres', async () => {
  const schema = `runwire_store_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const open = () => PostgresStore.open({ connectionString: url, schema });
  const store = await open();
  const extra: PostgresStore[] = [];
  return {
    store,
    reopen: async () => {
      const s = await open();
      extra.push(s);
      return s;
    },
  };
});

/** Queries sent by every `pg` client of this process, by statement name or text (the real client, counted). */
function countQueries(): { count: (re: RegExp) => number; stop: () => void } {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const seen: string[] = [];
  proto.query = function (this: unknown, ...args: unknown[]) {
    const q = args[0] as string | { name?: string; text?: string };
    seen.push(typeof q === 'string' ? q : (q.name ?? q.text ?? ''));
    return original.apply(this, args);
  };
  return { count: (re) => seen.filter((s) => re.test(s)).length, stop: () => (proto.query = original) };
}

test('postgres: holder writes on their way together go in fewer transactions (grouped), each written', async () => {
  const schema = `runwire_store_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const store = await PostgresStore.open({ connectionString: url, schema });
  try {
    const n = 30;
    const made = await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const id = `r_group_${i}`;
        const at = new Date().toISOString();
        const run = {
          id,
          runbook: 'g',
          mode: 'live' as const,
          status: 'running' as const,
          vars: {},
          createdAt: at,
          startedAt: at,
          finishedAt: null,
          leaseOwner: 'me',
          leaseExpiresAt: null,
          leaseEpoch: 1,
          wakeAt: null,
          spec: { name: 'g', vars: {}, source: 'g', tasks: [] },
        };
        await store.createRun(run, [], [], { leaseMs: 30_000 });
        return id;
      }),
    );
    const counter = countQueries();
    try {
      await Promise.all(
        made.map((runId) =>
          store.commit({
            runId,
            owner: 'me',
            epoch: 1,
            tasks: [],
            events: [{ runId, at: 'x', actor: 'engine', kind: 'step', taskId: null, message: 'step' }],
          }),
        ),
      );
    } finally {
      counter.stop();
    }
    const sent = counter.count(/^runwire_commit/);
    assert.ok(sent < n, `${n} writes at once went in ${sent} statements`);
    assert.ok(counter.count(/^runwire_commit_batch$/) >= 1, 'at least one group');
    for (const id of made)
      assert.deepEqual(
        (await store.getEvents(id)).map((e) => e.kind),
        ['step'],
      );
  } finally {
    await store.close();
  }
});

test('postgres: a repeated statement is prepared once per connection and runs on its generic plan', async () => {
  const schema = `runwire_store_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  // One connection, so the statements below and the look at them share a session.
  const pool = await openPostgresPool({ connectionString: url, schema, max: 1 });
  const store = PostgresStore.over(pool);
  try {
    for (let i = 0; i < 8; i++) {
      await store.claimRuns({ owner: 'me', leaseMs: 1000, limit: 5 });
      await store.loadRuns([`r_${i}`]);
    }
    assert.equal((await pool.query('SHOW plan_cache_mode')).rows[0].plan_cache_mode, 'force_generic_plan');
    const r = await pool.query(
      `SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements
       WHERE statement LIKE '%FOR UPDATE SKIP LOCKED%' OR statement LIKE '%tasks_json%'`,
    );
    assert.equal(r.rows.length, 2, 'the claim and the run load are prepared statements');
    for (const row of r.rows) {
      assert.equal(Number(row.custom_plans), 0, `never re-planned: ${String(row.statement).slice(0, 40)}`);
      assert.equal(Number(row.generic_plans), 8);
    }
  } finally {
    await pool.end();
  }
});
