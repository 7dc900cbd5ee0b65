/**
 * The run board and the runs it is handed: a worker gives each committed event with its run as the
 * executor holds it, and the board learns from that runbook whether the run has a board at all. A
 * run whose runbook has no `notify.slack` costs the board no store read (a worker driving hundreds
 * of runs a second read every run back twice only to find it had no board). Real SQLite store; the
 * only wrapper counts the reads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Runbook } from '../../../src/core/runbook.js';
import { RunService } from '../../../src/engine/run-service.js';
import { Worker } from '../../../src/engine/worker.js';
import { openRuntime } from '../../../src/runtime/open-runtime.js';
import { BoardService } from '../../../src/slack/board/service.js';
import { BoardStore } from '../../../src/slack/board/store.js';
import type { RunEvent, RunRecord, Store } from '../../../src/store/store.js';
import { builtinTaskTypes } from '../../../src/tasks/index.js';

const pos = { file: 't', line: 1, column: 1 };
const runbook: Runbook = {
  name: 'no board',
  vars: {},
  source: 't',
  tasks: [{ id: 'a', name: 'a', type: 'milestone', depends_on: [], input: {}, position: pos }],
};

/** The store, with its run reads counted. */
function counting(store: Store): { store: Store; reads: () => number } {
  let reads = 0;
  const wrapped = new Proxy(store, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver) as unknown;
      if (typeof v !== 'function') return v;
      if (key === 'getRun' || key === 'getTasks' || key === 'getEvents') {
        return (...args: unknown[]) => {
          reads++;
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return (v as (...a: unknown[]) => unknown).bind(target);
    },
  });
  return { store: wrapped, reads: () => reads };
}

test('a worker hands the board each event with its run; a run without notify.slack is never read back', async () => {
  const rt = await openRuntime({ dataDir: mkdtempSync(join(tmpdir(), 'runwire-board-known-')) });
  try {
    const { store, reads } = counting(rt.store);
    const board = new BoardService({
      store,
      boards: new BoardStore(rt.sql),
      connections: () => Promise.reject(new Error('no connection is needed for a run without a board')),
      delivery: () => Promise.reject(new Error('no delivery is needed for a run without a board')),
      owner: 'test',
      coalesceMs: 0,
    });
    const seen: Array<{ e: RunEvent; run: RunRecord }> = [];
    const worker = new Worker({
      store: rt.store,
      types: builtinTaskTypes(),
      onEvent: (e, run) => {
        seen.push({ e, run });
        board.onEvent(e, run.spec);
      },
    });
    await worker.start({ claim: true });
    const made = await new RunService({ store: rt.store }).create(runbook, { mode: 'live', vars: {}, actor: 'test' });
    for (let i = 0; i < 500 && (await rt.store.getRun(made.run.id))?.status !== 'succeeded'; i++)
      await new Promise((r) => setTimeout(r, 10));
    await worker.drain(5000);
    // What is still pending renders now: a run with no board has nothing pending.
    await board.close();
    assert.equal((await rt.store.getRun(made.run.id))?.status, 'succeeded');
    assert.ok(seen.length >= 3, 'the drive committed events');
    for (const { e, run } of seen) {
      assert.equal(run.id, e.runId, 'each event comes with its own run');
      assert.equal(run.spec.name, 'no board');
    }
    assert.equal(reads(), 0, 'the board read nothing back for a run without notify.slack');
  } finally {
    await rt.close();
  }
});

test('an event handed without its run: the board reads the run once to learn it has no board, then never again', async () => {
  const rt = await openRuntime({ dataDir: mkdtempSync(join(tmpdir(), 'runwire-board-known-')) });
  try {
    const made = await new RunService({ store: rt.store }).create(runbook, { mode: 'live', vars: {}, actor: 'test' });
    const { store, reads } = counting(rt.store);
    const board = new BoardService({
      store,
      boards: new BoardStore(rt.sql),
      connections: () => Promise.reject(new Error('unused')),
      delivery: () => Promise.reject(new Error('unused')),
      owner: 'test',
      coalesceMs: 0,
    });
    const e: RunEvent = {
      runId: made.run.id,
      at: new Date().toISOString(),
      actor: 'engine',
      kind: 'task.running',
      taskId: 'a',
      message: 'a',
    };
    board.onEvent(e);
    await board.close();
    assert.equal(reads(), 1, 'read once');
    board.onEvent(e);
    board.onEvent(e, runbook);
    assert.equal(reads(), 1, 'known to have no board');
  } finally {
    await rt.close();
  }
});
