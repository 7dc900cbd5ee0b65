/** Pure engine decisions: rehearsal behaviour, retry policy, recovery, readiness counting, run ids, progress lines. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexDependencies, recoverRunning, rehearsalBehaviour, retryPolicy } from '../../../src/engine/decisions.js';
import { formatRunId } from '../../../src/engine/ids.js';
import { progressLine } from '../../../src/cli/progress.js';
import { runJson, writeRunJson } from '../../../src/engine/run-json.js';
import type { TaskTypeDefinition } from '../../../src/core/task-type.js';
import type { TaskRecord } from '../../../src/store/store.js';

test('rehearsal: the task field overrides the type default; rehearsalFor decides for rich fields', () => {
  const http = { rehearsal: 'skip' as const };
  assert.equal(rehearsalBehaviour({}, http, {}), 'skip');
  assert.equal(rehearsalBehaviour({ rehearsal: 'run' }, http, {}), 'run');
  assert.equal(rehearsalBehaviour({ rehearsal: 'skip' }, { rehearsal: 'run' }, {}), 'skip');
  const seen: unknown[] = [];
  const slack = {
    rehearsal: 'skip' as const,
    rehearsalFor: (field: unknown) => {
      seen.push(field);
      return field === 'send' || typeof field === 'object' ? ('run' as const) : ('skip' as const);
    },
  };
  assert.equal(rehearsalBehaviour({ rehearsal: 'send' }, slack, {}), 'run');
  assert.equal(rehearsalBehaviour({ rehearsal: { channel: '#test' } }, slack, {}), 'run');
  assert.equal(rehearsalBehaviour({}, slack, {}), 'skip');
  assert.deepEqual(seen, ['send', { channel: '#test' }, undefined]);
});

test('retry policy: the task one wins over the type default', () => {
  const type = { retry: { attempts: 3, backoffMs: 1000 } };
  assert.deepEqual(retryPolicy({}, type), type.retry);
  assert.deepEqual(retryPolicy({ retry: { attempts: 1, backoffMs: 5 } }, type), { attempts: 1, backoffMs: 5 });
});

test('recovery re-runs only idempotent types', () => {
  assert.equal(recoverRunning(true), 'rerun');
  assert.equal(recoverRunning(false), 'interrupted');
});

test('readiness counts unfinished predecessors and lists dependents', () => {
  const tasks = [
    { id: 'a', depends_on: [] },
    { id: 'b', depends_on: ['a'] },
    { id: 'c', depends_on: ['a', 'b'] },
  ];
  const idx = indexDependencies(tasks, (id) => id === 'a');
  assert.deepEqual(
    [...idx.remaining],
    [
      ['a', 0],
      ['b', 0],
      ['c', 1],
    ],
  );
  assert.deepEqual(
    [...idx.dependents],
    [
      ['a', ['b', 'c']],
      ['b', ['c']],
      ['c', []],
    ],
  );
});

test('run ids are short, URL-safe and sort by time', () => {
  const a = formatRunId(Date.parse('2026-01-01T00:00:00Z'), new Uint8Array([255, 0, 1, 2, 3, 4]));
  const b = formatRunId(Date.parse('2026-01-01T00:00:00.001Z'), new Uint8Array([0, 0, 0, 0, 0, 0]));
  const c = formatRunId(Date.parse('2030-06-01T00:00:00Z'), new Uint8Array([0, 0, 0, 0, 0, 0]));
  for (const id of [a, b, c]) assert.match(id, /^r_[0-9a-z]{16}$/);
  assert.ok(a < b && b < c, `${a} < ${b} < ${c}`);
  assert.notEqual(a.slice(12), b.slice(12));
});

test('progress: plain lines off a terminal, markers on one, ready transitions hidden', () => {
  const types = new Map([['wait', { icon: 'clock' } as TaskTypeDefinition]]);
  const o = { types, taskTypes: new Map([['w', 'wait']]) };
  const e = {
    runId: 'r',
    at: '2026-01-01T10:11:12.000Z',
    actor: 'engine',
    kind: 'task.running',
    taskId: 'w',
    message: 'Wait: running',
  };
  assert.equal(progressLine(e, { ...o, tty: false }), '2026-01-01T10:11:12.000Z task.running w Wait: running');
  const tty = progressLine({ ...e, kind: 'task.failed', actor: 'cli:ann' }, { ...o, tty: true }) ?? '';
  assert.match(tty, /10:11:12/);
  assert.match(tty, /✖/);
  assert.match(tty, /⏱/);
  assert.match(tty, /cli:ann/);
  assert.equal(progressLine({ ...e, kind: 'task.ready' }, { ...o, tty: false }), undefined);
});

test('run JSON: the exact fields, reason when present, state under the type stateKey', () => {
  const types = new Map([['slack.message', { stateKey: 'slack' } as TaskTypeDefinition]]);
  const base: TaskRecord = {
    runId: 'r',
    taskId: 't',
    position: 0,
    name: 'T',
    type: 'slack.message',
    status: 'skipped',
    attempts: 0,
    startedAt: null,
    finishedAt: '2026-01-01T00:00:00.000Z',
    nextAttemptAt: 5,
    error: null,
    output: null,
    state: { state: 'sent' },
    reason: 'not run in rehearsal',
  };
  const run = {
    id: 'r',
    runbook: 'RB',
    mode: 'rehearsal' as const,
    status: 'succeeded' as const,
    vars: {},
    createdAt: 'x',
    startedAt: 'a',
    finishedAt: 'b',
    leaseOwner: null,
    leaseExpiresAt: null,
    leaseEpoch: 0,
    wakeAt: null,
  };
  assert.deepEqual(runJson(run, [base], types), {
    id: 'r',
    runbook: 'RB',
    mode: 'rehearsal',
    status: 'succeeded',
    started_at: 'a',
    finished_at: 'b',
    vars: {},
    tasks: [
      {
        id: 't',
        name: 'T',
        type: 'slack.message',
        status: 'skipped',
        started_at: null,
        finished_at: '2026-01-01T00:00:00.000Z',
        attempts: 0,
        error: null,
        output: null,
        reason: 'not run in rehearsal',
        slack: { state: 'sent' },
      },
    ],
  });
  const plain = runJson(run, [{ ...base, type: 'milestone', reason: null }], types).tasks[0];
  assert.equal(plain && 'reason' in plain, false);
  assert.equal(plain && 'slack' in plain, false);
});

test('the chunked run JSON writer prints exactly what JSON.stringify(run, null, 2) does', () => {
  const types = new Map([['slack.message', { stateKey: 'slack' } as TaskTypeDefinition]]);
  const run = {
    id: 'r',
    runbook: 'RB "quoted"\nline',
    mode: 'live' as const,
    status: 'failed' as const,
    vars: { a: '1' },
    createdAt: 'x',
    startedAt: 'a',
    finishedAt: null,
    leaseOwner: null,
    leaseExpiresAt: null,
    leaseEpoch: 0,
    wakeAt: null,
  };
  const task = (i: number): TaskRecord => ({
    runId: 'r',
    taskId: `t${i}`,
    position: i,
    name: `T ${i}\n`,
    type: i % 2 ? 'slack.message' : 'milestone',
    status: 'failed',
    attempts: i,
    startedAt: null,
    finishedAt: null,
    nextAttemptAt: null,
    error: { code: 'c', message: 'm\nn' },
    output: { nested: { list: [1, 'two'] } },
    state: { s: i },
    reason: i % 3 ? 'why' : null,
  });
  for (const n of [0, 1, 3, 700]) {
    const tasks = Array.from({ length: n }, (_, i) => task(i));
    let out = '';
    let chunks = 0;
    writeRunJson(run, tasks, types, (c) => {
      out += c;
      chunks++;
    });
    assert.equal(out, `${JSON.stringify(runJson(run, tasks, types), null, 2)}\n`, `${n} tasks`);
    if (n === 700) assert.ok(chunks > 1, 'written in several chunks');
  }
});
