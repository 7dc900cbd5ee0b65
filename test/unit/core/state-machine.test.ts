import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertRunTransition,
  assertTransition,
  canRunTransition,
  canTransition,
  deriveRunStatus,
  isTaskDone,
  isTaskTerminal,
  RUN_STATUSES,
  TASK_STATUSES,
} from '../../../src/core/state-machine.js';
import { RunwireError } from '../../../src/core/errors.js';

test('the normal life of a task is legal', () => {
  const path = ['pending', 'ready', 'running', 'succeeded'] as const;
  for (let i = 1; i < path.length; i++)
    assert.ok(canTransition(path[i - 1]!, path[i]!), `${path[i - 1]} -> ${path[i]}`);
  assert.ok(canTransition('running', 'waiting'));
  assert.ok(canTransition('waiting', 'succeeded'));
  assert.ok(canTransition('running', 'ready'), 'a retry goes back to ready');
  assert.ok(canTransition('failed', 'ready'), 'an operator retry');
  assert.ok(canTransition('running', 'skipped'), 'skipped in rehearsal');
});

test('illegal transitions are refused with a stable code and the allowed next states', () => {
  assert.equal(canTransition('pending', 'running'), false);
  assert.equal(canTransition('succeeded', 'running'), false);
  assert.equal(canTransition('running', 'running'), false);
  assert.throws(
    () => assertTransition('succeeded', 'failed', 'deploy'),
    (e: unknown) =>
      e instanceof RunwireError &&
      e.code === 'runwire.state.illegal_transition' &&
      /"deploy"/.test(e.message) &&
      /final/.test(e.fix ?? ''),
  );
  assert.throws(
    () => assertTransition('pending', 'succeeded'),
    (e: unknown) => e instanceof RunwireError && /ready/.test(e.fix ?? ''),
  );
  assert.doesNotThrow(() => assertTransition('ready', 'running'));
});

test('terminal states have no way out; only succeeded and skipped release dependents', () => {
  for (const s of TASK_STATUSES) {
    const outs = TASK_STATUSES.filter((t) => canTransition(s, t));
    assert.equal(isTaskTerminal(s), outs.length === 0, s);
  }
  assert.deepEqual(TASK_STATUSES.filter(isTaskDone), ['succeeded', 'skipped']);
});

test('run transitions', () => {
  assert.ok(canRunTransition('running', 'waiting'));
  assert.ok(canRunTransition('waiting', 'running'));
  assert.ok(canRunTransition('failed', 'running'));
  assert.equal(canRunTransition('succeeded', 'running'), false);
  assert.equal(canRunTransition('cancelled', 'running'), false);
  assert.throws(
    () => assertRunTransition('succeeded', 'failed', 'r1'),
    (e: unknown) => e instanceof RunwireError && e.code === 'runwire.state.illegal_run_transition',
  );
  for (const s of RUN_STATUSES) assert.equal(canRunTransition(s, s), false);
});

test('run status derived from task statuses', () => {
  assert.equal(deriveRunStatus([]), 'succeeded');
  assert.equal(deriveRunStatus(['succeeded', 'skipped']), 'succeeded');
  assert.equal(deriveRunStatus(['succeeded', 'running', 'failed']), 'running', 'work still in flight');
  assert.equal(deriveRunStatus(['succeeded', 'pending', 'failed']), 'failed', 'pending behind a failure cannot start');
  assert.equal(deriveRunStatus(['succeeded', 'waiting', 'pending']), 'waiting');
  assert.equal(deriveRunStatus(['succeeded', 'waiting', 'ready']), 'running');
  assert.equal(deriveRunStatus(['succeeded', 'pending']), 'running');
  assert.equal(deriveRunStatus(['cancelled', 'failed', 'succeeded']), 'cancelled');
  assert.equal(deriveRunStatus(['failed', 'waiting']), 'failed');
});
