/** Rehearsal skipping and manual tasks, through the real CLI on a real SQLite file, against a local HTTP server. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { CountingServer, milestone, runCli, runOf, task, tempDir, writeRunbook } from './cli.js';

test('a rehearsal skips http (with the reason) and its dependents go on; rehearsal: run opts in', {
  timeout: 60_000,
}, async () => {
  const server = new CountingServer();
  const base = await server.start();
  try {
    const dir = await tempDir();
    const file = await writeRunbook(dir, 'reh.json', {
      name: 'Rehearse me',
      tasks: [
        milestone('start'),
        { id: 'notify', type: 'http', method: 'POST', url: `${base}/notify`, depends_on: ['start'] },
        { id: 'probe', type: 'http', url: `${base}/probe`, depends_on: ['start'], rehearsal: 'run' },
        { id: 'after', type: 'milestone', depends_on: ['notify', 'probe'] },
      ],
    });
    const r = await runCli(dir, ['run', file, '--rehearsal', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const run = runOf(r);
    assert.equal(run.mode, 'rehearsal');
    assert.equal(run.status, 'succeeded');
    assert.equal(task(run, 'notify').status, 'skipped');
    assert.equal(task(run, 'notify').reason, 'not run in rehearsal');
    assert.equal(task(run, 'probe').status, 'succeeded');
    assert.equal(task(run, 'after').status, 'succeeded');
    assert.equal(server.count('/notify'), 0, 'a skipped http task sends nothing');
    assert.equal(server.count('/probe'), 1, 'rehearsal: run calls it');

    // The same runbook live calls both.
    const live = runOf(await runCli(dir, ['run', file, '--json']));
    assert.equal(live.status, 'succeeded');
    assert.equal(task(live, 'notify').status, 'succeeded');
    assert.equal(task(live, 'notify').reason, undefined);
    assert.equal(server.count('/notify'), 1);
    assert.equal(server.count('/probe'), 2);
  } finally {
    await server.stop();
  }
});

test('a manual task waits (exit 3) until an operator completes it; the run then finishes', {
  timeout: 60_000,
}, async () => {
  const dir = await tempDir();
  const file = await writeRunbook(dir, 'manual.json', {
    name: 'Needs a human',
    tasks: [
      milestone('start'),
      { id: 'approve', type: 'manual', depends_on: ['start'], instructions: 'Say yes' },
      milestone('side', ['start']),
      milestone('done', ['approve', 'side']),
    ],
  });
  const first = await runCli(dir, ['run', file, '--json']);
  assert.equal(first.code, 3, first.stderr);
  const waiting = runOf(first);
  assert.equal(waiting.status, 'waiting');
  assert.equal(waiting.finished_at, null);
  assert.equal(task(waiting, 'approve').status, 'waiting');
  assert.equal(task(waiting, 'side').status, 'succeeded');
  assert.equal(task(waiting, 'done').status, 'pending');

  // Completing a task that is not waiting is refused clearly.
  const wrong = await runCli(dir, ['task', 'complete', waiting.id, 'side']);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /Cannot complete task "side".*it is succeeded/);
  const unknown = await runCli(dir, ['task', 'complete', waiting.id, 'nope']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /has no task "nope"/);

  const done = await runCli(dir, ['task', 'complete', waiting.id, 'approve', '--json']);
  assert.equal(done.code, 0, done.stderr);
  const run = runOf(done);
  assert.equal(run.id, waiting.id);
  assert.equal(run.status, 'succeeded');
  assert.ok(run.finished_at);
  assert.deepEqual(
    run.tasks.map((t) => t.status),
    ['succeeded', 'succeeded', 'succeeded', 'succeeded'],
  );

  const store = SqliteStore.open(dir);
  try {
    const events = await store.getEvents(run.id);
    const completed = events.find((e) => e.kind === 'task.succeeded' && e.taskId === 'approve');
    assert.equal(completed?.actor, 'cli:tester', 'the operator is recorded');
    assert.deepEqual(
      events.filter((e) => e.kind.startsWith('run.')).map((e) => e.kind),
      ['run.created', 'run.waiting', 'run.succeeded'],
    );
  } finally {
    await store.close();
  }
});

test('an operator can skip a waiting task, and a finished run refuses more actions', { timeout: 60_000 }, async () => {
  const dir = await tempDir();
  const file = await writeRunbook(dir, 'skip.json', {
    name: 'Skip',
    tasks: [{ id: 'ask', type: 'manual' }, milestone('next', ['ask'])],
  });
  const waiting = runOf(await runCli(dir, ['run', file, '--json']));
  const r = await runCli(dir, ['task', 'skip', waiting.id, 'ask', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const run = runOf(r);
  assert.equal(task(run, 'ask').status, 'skipped');
  assert.equal(task(run, 'ask').reason, 'skipped by cli:tester');
  assert.equal(task(run, 'next').status, 'succeeded');
  const again = await runCli(dir, ['resume', run.id]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /is succeeded; there is nothing to continue/);
});

test('runs cancel cancels a waiting run and its unfinished tasks', { timeout: 60_000 }, async () => {
  const dir = await tempDir();
  const file = await writeRunbook(dir, 'cancel.json', {
    name: 'Cancel',
    tasks: [{ id: 'ask', type: 'manual' }, milestone('next', ['ask'])],
  });
  const waiting = runOf(await runCli(dir, ['run', file, '--json']));
  const c = await runCli(dir, ['runs', 'cancel', waiting.id]);
  assert.equal(c.code, 0, c.stderr);
  const run = runOf(await runCli(dir, ['runs', 'show', waiting.id, '--json']));
  assert.equal(run.status, 'cancelled');
  assert.deepEqual(
    run.tasks.map((t) => [t.status, t.reason]),
    [
      ['cancelled', 'run cancelled'],
      ['cancelled', 'run cancelled'],
    ],
  );
  const again = await runCli(dir, ['runs', 'cancel', waiting.id]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /only an unfinished run can be cancelled/);
});

test('a live run records pre-flight problems as warnings and goes on; --strict refuses to start (exit 2)', {
  timeout: 60_000,
}, async () => {
  const dir = await tempDir();
  // No Slack connection is configured in this data dir: the slack.message type's check reports it.
  const file = await writeRunbook(dir, 'pre.json', {
    name: 'Pre-flight',
    tasks: [
      milestone('start'),
      { id: 'hello', type: 'slack.message', channel: '#general', message: 'hi', depends_on: ['start'] },
    ],
  });
  const strict = await runCli(dir, ['run', file, '--strict', '--json']);
  assert.equal(strict.code, 2);
  assert.equal(strict.stdout, '', 'nothing started, nothing printed on stdout');
  assert.match(strict.stderr, /error: hello: .*\[runwire\.slack\.[a-z_]+\]/);
  assert.match(strict.stderr, /Not started/);
  const listed = await runCli(dir, ['runs', 'list', '--json']);
  assert.deepEqual(JSON.parse(listed.stdout), [], 'no run was created');

  const lax = await runCli(dir, ['run', file, '--json']);
  assert.match(lax.stderr, /warning: hello: /);
  const run = runOf(lax);
  assert.equal(task(run, 'start').status, 'succeeded', 'the run went on');
  const store = SqliteStore.open(dir);
  try {
    const pre = (await store.getEvents(run.id)).filter((e) => e.kind === 'run.preflight');
    assert.equal(pre.length, 1);
    assert.equal(pre[0]?.taskId, 'hello');
    assert.match(String(pre[0]?.data?.code), /^runwire\.slack\./);
  } finally {
    await store.close();
  }

  // A rehearsal skips the check and the message: nothing to warn about, and no attempt counted.
  const reh = await runCli(dir, ['run', file, '--rehearsal', '--json']);
  assert.equal(reh.code, 0, reh.stderr);
  assert.doesNotMatch(reh.stderr, /warning/);
  assert.equal(task(runOf(reh), 'hello').status, 'skipped');
  assert.equal(task(runOf(reh), 'hello').attempts, 0);
});

test('task reject fails a waiting manual task: its dependents do not run, the run fails, the log names who', {
  timeout: 60_000,
}, async () => {
  const dir = await tempDir();
  const file = await writeRunbook(dir, 'reject.json', {
    name: 'Go or no go',
    tasks: [
      milestone('start'),
      { id: 'go', type: 'manual', depends_on: ['start'], instructions: 'Cut over?' },
      milestone('cutover', ['go']),
    ],
  });
  const waiting = runOf(await runCli(dir, ['run', file, '--json']));
  assert.equal(task(waiting, 'go').status, 'waiting');

  const notWaiting = await runCli(dir, ['task', 'reject', waiting.id, 'start']);
  assert.equal(notWaiting.code, 1);
  assert.match(notWaiting.stderr, /only a waiting task can be rejected/);

  const r = await runCli(dir, ['task', 'reject', waiting.id, 'go', '--json']);
  const run = runOf(r);
  assert.equal(run.status, 'failed', r.stderr);
  assert.equal(task(run, 'go').status, 'failed');
  assert.equal(task(run, 'cutover').status, 'pending', 'a rejected decision stops what depends on it');

  const again = await runCli(dir, ['task', 'complete', waiting.id, 'go']);
  assert.equal(again.code, 1, 'the decision was taken: a late complete is refused');
});
