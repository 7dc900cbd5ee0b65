/**
 * Whatever a task type does — throw synchronously from run(), return an output the store cannot
 * serialise (circular, nested too deep for JSON.stringify, a BigInt), or return no result — fails that
 * task and never the engine: the other tasks of the run still finish. In-process engine on a real
 * SQLite file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { Runbook } from '../../../src/core/runbook.js';
import { defineTaskType, type TaskResult, type TaskTypeDefinition } from '../../../src/core/task-type.js';
import { Engine } from '../../../src/engine/engine.js';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { builtinTaskTypes } from '../../../src/tasks/index.js';

function deepValue(depth: number): unknown {
  let v: unknown = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

const behaviours: Record<string, () => TaskResult> = {
  sync_throw: () => {
    throw new Error('boom before any promise');
  },
  circular: () => {
    const o: Record<string, unknown> = {};
    o.self = o;
    return { status: 'succeeded', output: o };
  },
  too_deep: () => ({ status: 'succeeded', output: { v: deepValue(20_000) } }),
  bigint: () => ({ status: 'succeeded', output: { n: 1n } }),
  no_result: () => undefined as unknown as TaskResult,
};

const badType = defineTaskType({
  type: 'bad',
  title: 'Misbehaving type',
  description: 'A test type whose run misbehaves in the way the test names.',
  icon: 'bug',
  input: Type.Object({ how: Type.String() }),
  rehearsal: 'run',
  idempotent: true,
  retry: { attempts: 1, backoffMs: 0 },
  // Deliberately not async: a synchronous throw must still fail only this task.
  run: ((input: { how: string }) => behaviours[input.how]?.()) as never,
});

const pos = { file: 'inline', line: 1, column: 1 };

test('a task that throws or returns an unstorable output fails alone; the run goes on', async () => {
  const store = SqliteStore.open(await mkdtemp(join(tmpdir(), 'runwire-throws-')));
  try {
    const types = new Map(builtinTaskTypes());
    types.set('bad', badType as unknown as TaskTypeDefinition);
    const hows = Object.keys(behaviours);
    const runbook: Runbook = {
      name: 'Throws',
      vars: {},
      source: 'inline',
      tasks: [
        ...hows.map((how) => ({ id: how, name: how, type: 'bad', depends_on: [], input: { how }, position: pos })),
        { id: 'after', name: 'After', type: 'wait', depends_on: [], input: { duration: '30ms' }, position: pos },
      ],
    };
    const engine = new Engine({ store, types });
    const out = await engine.start(runbook, { mode: 'live', vars: {}, actor: 'cli:tester' });
    assert.equal(out.run.status, 'failed');
    const byId = new Map(out.tasks.map((t) => [t.taskId, t]));
    assert.equal(byId.get('after')?.status, 'succeeded', 'the other task finished');
    for (const how of hows) {
      const t = byId.get(how);
      assert.equal(t?.status, 'failed', `${how} failed`);
      assert.equal(t?.output, null, `${how} kept no output`);
    }
    assert.match(byId.get('sync_throw')?.error?.message ?? '', /boom before any promise/);
    for (const how of ['circular', 'too_deep', 'bigint', 'no_result']) {
      assert.equal(byId.get(how)?.error?.code, 'runwire.task.bad_output', how);
    }
    const stored = await store.getTasks(out.run.id);
    assert.deepEqual(
      stored.map((t) => t.status).sort(),
      [...hows.map(() => 'failed'), 'succeeded'].sort(),
      'the store agrees',
    );
  } finally {
    await store.close();
  }
});
