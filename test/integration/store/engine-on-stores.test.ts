/**
 * The same engine on both stores: a fan-out/fan-in run with a manual task, completed by an operator,
 * in-process on a real SQLite file and on a fresh PostgreSQL schema.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Runbook } from '../../../src/core/runbook.js';
import { Engine } from '../../../src/engine/engine.js';
import { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';
import { builtinTaskTypes } from '../../../src/tasks/index.js';

const pos = { file: 'inline', line: 1, column: 1 };
const runbook: Runbook = {
  name: 'Both stores',
  vars: { who: 'ops' },
  source: 'inline',
  tasks: [
    { id: 'start', name: 'Start', type: 'milestone', depends_on: [], input: {}, position: pos },
    { id: 'a', name: 'A', type: 'wait', depends_on: ['start'], input: { duration: '20ms' }, position: pos },
    { id: 'ask', name: 'Ask {{vars.who}}', type: 'manual', depends_on: ['start'], input: {}, position: pos },
    { id: 'end', name: 'End', type: 'milestone', depends_on: ['a', 'ask'], input: {}, position: pos },
  ],
};

const backends: Array<[string, () => Promise<Store>]> = [
  ['sqlite', async () => SqliteStore.open(await mkdtemp(join(tmpdir(), 'runwire-both-')))],
  [
    'postgres',
    () =>
      PostgresStore.open({
        connectionString: process.env.RUNWIRE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
        schema: `runwire_engine_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`,
      }),
  ],
];

for (const [name, open] of backends) {
  test(`${name}: the engine runs, waits on an operator, and finishes`, { timeout: 60_000 }, async () => {
    const store = await open();
    try {
      const engine = new Engine({ store, types: builtinTaskTypes() });
      const first = await engine.start(runbook, { mode: 'live', vars: runbook.vars, actor: 'cli:tester' });
      assert.equal(first.run.status, 'waiting');
      assert.deepEqual(
        first.tasks.map((t) => t.status),
        ['succeeded', 'succeeded', 'waiting', 'pending'],
      );
      assert.equal(first.tasks[2]?.name, 'Ask ops');
      const stored = await store.getRun(first.run.id);
      assert.equal(stored?.status, 'waiting');
      assert.equal(stored?.leaseOwner, null, 'the lease is released when the run waits');

      const done = await engine.taskAction(first.run.id, 'ask', 'complete', 'cli:tester');
      assert.equal(done.run.status, 'succeeded');
      const tasks = await store.getTasks(first.run.id);
      assert.deepEqual(
        tasks.map((t) => t.status),
        ['succeeded', 'succeeded', 'succeeded', 'succeeded'],
      );
      assert.equal(
        typeof tasks.find((t) => t.taskId === 'a')?.state?.until,
        'string',
        'wait saved its deadline durably',
      );
      const kinds = (await store.getEvents(first.run.id)).map((e) => `${e.kind}:${e.taskId ?? ''}`);
      assert.ok(kinds.indexOf('task.succeeded:ask') < kinds.indexOf('task.running:end'));
      assert.equal(kinds.at(-1), 'run.succeeded:');
    } finally {
      await store.close();
    }
  });
}
