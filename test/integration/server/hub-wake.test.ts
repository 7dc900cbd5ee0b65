/**
 * The event hub wakes on another process's commits without its poll: the hub reads through store A,
 * the writes go through store B on the same database (another connection, as another process's would
 * be; on SQLite the only sign of them is `data_version`, on PostgreSQL NOTIFY). The hub's fallback poll
 * is set to an hour, so what arrives came through a notice. Generous test timeouts, no timing asserts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunbook } from '../../../src/core/parse-runbook.js';
import { RunService } from '../../../src/engine/run-service.js';
import { EventHub } from '../../../src/server/events/hub.js';
import { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { RunEvent, Store } from '../../../src/store/store.js';
import { builtinTaskTypes } from '../../../src/tasks/index.js';
import { freshSchema, pgUrl } from '../../helpers/server.js';

const RB = 'name: Gate\ntasks:\n  - id: gate\n    type: manual\n    instructions: go\n';

async function twoStores(backend: 'sqlite' | 'postgres'): Promise<[Store, Store]> {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'runwire-hub-wake-'));
    return [SqliteStore.open(dir, { eventNotices: true }), SqliteStore.open(dir)];
  }
  const schema = freshSchema('runwire_hub');
  const a = await PostgresStore.open({ connectionString: pgUrl, schema, eventNotices: true });
  return [a, await PostgresStore.open({ connectionString: pgUrl, schema })];
}

for (const backend of ['sqlite', 'postgres'] as const) {
  test(`${backend}: another store's commits reach a run's stream and the all-runs feed through notices`, {
    timeout: 30_000,
  }, async (t) => {
    // The hub's and the store's timers are unref'd (a server's socket keeps its process up): keep this one up.
    const alive = setInterval(() => {}, 1_000);
    t.after(() => clearInterval(alive));
    const [mine, other] = await twoStores(backend);
    t.after(async () => {
      await mine.close();
      await other.close();
    });
    const hub = new EventHub({ store: mine, pollMs: 3_600_000 });
    await hub.start();
    t.after(() => hub.close());
    const parsed = parseRunbook(RB, 'gate.yaml', builtinTaskTypes());
    assert.ok(parsed.runbook, JSON.stringify(parsed.issues));
    const service = new RunService({ store: other });

    const fed: RunEvent[] = [];
    let feedGot: (e: RunEvent) => void = () => {};
    hub.watchAll({
      since: new Date(Date.now() - 60_000).toISOString(),
      onEvents: (events) => {
        fed.push(...events);
        for (const e of events) feedGot(e);
      },
    });
    const first = await service.create(parsed.runbook, { mode: 'live', vars: {}, actor: 'test' });
    const runId = first.run.id;
    if (!fed.some((e) => e.runId === runId)) {
      await new Promise<void>((resolve) => {
        feedGot = (e) => e.runId === runId && resolve();
      });
    }
    assert.equal(fed.find((e) => e.runId === runId)?.kind, 'run.created');

    const got: RunEvent[] = [];
    const ended = new Promise<string>((resolve) => {
      hub.watchRun(runId, { after: 0, onEvents: (events) => got.push(...events), onEnd: resolve });
    });
    await service.cancel(runId, 'test');
    assert.equal(await ended, 'cancelled');
    assert.deepEqual(
      got.map((e) => e.kind),
      ['run.created', 'run.cancelled'],
    );
  });
}
