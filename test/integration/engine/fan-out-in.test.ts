/** Fan-out/fan-in through the real CLI on a real SQLite file: dependency order, concurrency, the event log. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { milestone, runCli, runOf, task, tempDir, wait, writeRunbook } from './cli.js';

test('a fan-out/fan-in runbook runs every task once, each after its predecessors, siblings concurrently', {
  timeout: 60_000,
}, async () => {
  const dir = await tempDir();
  const file = await writeRunbook(dir, 'fan.json', {
    name: 'Fan out and in',
    vars: { release: '7' },
    tasks: [
      { ...milestone('start'), name: 'Start {{vars.release}}' },
      wait('a', '200ms', ['start']),
      wait('b', '100ms', ['start']),
      wait('c', '50ms', ['start']),
      milestone('ab', ['a', 'b']),
      milestone('end', ['ab', 'c']),
    ],
  });
  const r = await runCli(dir, ['run', file, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const run = runOf(r);
  assert.equal(run.status, 'succeeded');
  assert.equal(run.mode, 'live');
  assert.match(run.id, /^r_[0-9a-z]{16}$/);
  assert.deepEqual(run.vars, { release: '7' });
  assert.equal(task(run, 'start').name, 'Start 7');
  for (const t of run.tasks) {
    assert.equal(t.status, 'succeeded', t.id);
    assert.equal(t.attempts, 1, t.id);
    assert.ok(t.started_at && !Number.isNaN(Date.parse(t.started_at)), `${t.id} started_at is ISO`);
    assert.ok(t.finished_at && t.finished_at >= t.started_at, `${t.id} finished_at`);
  }

  const store = SqliteStore.open(dir);
  try {
    const events = await store.getEvents(run.id);
    const seqOf = (kind: string, id: string): number => {
      const e = events.find((x) => x.kind === kind && x.taskId === id);
      assert.ok(e?.seq, `event ${kind} for ${id}`);
      return e.seq;
    };
    const deps: Record<string, string[]> = {
      a: ['start'],
      b: ['start'],
      c: ['start'],
      ab: ['a', 'b'],
      end: ['ab', 'c'],
    };
    for (const [id, preds] of Object.entries(deps)) {
      for (const p of preds)
        assert.ok(seqOf('task.running', id) > seqOf('task.succeeded', p), `${id} starts after ${p} succeeded`);
    }
    // The three siblings were all started before any of them finished: they ran concurrently.
    const lastStart = Math.max(...['a', 'b', 'c'].map((id) => seqOf('task.running', id)));
    const firstEnd = Math.min(...['a', 'b', 'c'].map((id) => seqOf('task.succeeded', id)));
    assert.ok(lastStart < firstEnd, 'siblings overlap');
    // Each task ran exactly once.
    for (const id of Object.keys(deps))
      assert.equal(events.filter((e) => e.kind === 'task.running' && e.taskId === id).length, 1, id);
    assert.equal(events[0]?.kind, 'run.created');
    assert.equal(events[0]?.actor, 'cli:tester');
    assert.equal(events.at(-1)?.kind, 'run.succeeded');
    assert.ok(events.some((e) => e.kind === 'task.succeeded' && e.actor === 'task:a'));
  } finally {
    await store.close();
  }

  const list = await runCli(dir, ['runs', 'list', '--json']);
  assert.equal(list.code, 0, list.stderr);
  const runs = JSON.parse(list.stdout) as Array<{ id: string; status: string; task_count: number }>;
  assert.deepEqual(
    runs.map((x) => [x.id, x.status, x.task_count]),
    [[run.id, 'succeeded', 6]],
  );

  const show = await runCli(dir, ['runs', 'show', run.id]);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, new RegExp(`Run ${run.id}\\s+succeeded`));
  assert.match(show.stdout, /Events:/);
  assert.match(show.stdout, /task\.succeeded\s+c: succeeded/);

  const showJson = runOf(await runCli(dir, ['runs', 'show', run.id, '--json']));
  assert.deepEqual(showJson, run);
});

test('without --json and off a terminal, progress is plain lines, one per transition', {
  timeout: 60_000,
}, async () => {
  const dir = await tempDir();
  const file = await writeRunbook(dir, 'two.json', {
    name: 'Two',
    tasks: [milestone('one'), milestone('two', ['one'])],
  });
  const r = await runCli(dir, ['run', file]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.ok(lines.some((l) => / task\.running one One?/.test(l) || / task\.running one /.test(l)));
  assert.ok(lines.some((l) => / task\.succeeded two /.test(l)));
  assert.doesNotMatch(r.stdout, /\x1b\[/, 'no colour codes off a terminal');
  assert.match(r.stdout, /Run r_\w+ succeeded \(2 succeeded\)/);
});

test('bad input gets a clear error, never a stack trace', { timeout: 60_000 }, async () => {
  const dir = await tempDir();
  for (const args of [
    ['resume', 'r_nope'],
    ['runs', 'show', 'r_nope'],
    ['task', 'complete', 'r_nope', 'x'],
    ['runs', 'cancel', 'r_nope'],
  ]) {
    const r = await runCli(dir, args);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stderr, /No run "r_nope"/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
  const badVar = await runCli(dir, ['run', 'examples/none.yaml', '--var', 'novalue']);
  assert.equal(badVar.code, 2);
  assert.match(badVar.stderr, /--var "novalue"/);
  const missing = await runCli(dir, ['run', `${dir}/missing.yaml`]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read runbook/);
});
