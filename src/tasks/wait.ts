/**
 * `wait`: pause for a duration (`duration: 30s`). The deadline is saved durably before waiting,
 * so a run resumed after a crash waits only for what is left, not the whole duration again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Type } from '@sinclair/typebox';
import { defineTaskType } from '../core/task-type.js';
import { RunwireError } from '../core/errors.js';
import { parseDuration } from '../core/duration.js';
import { Duration } from '../core/runbook-schema.js';

export const waitType = defineTaskType({
  type: 'wait',
  title: 'Wait',
  description: 'Pause for a duration. The deadline is saved, so a resumed run waits only for what is left.',
  icon: 'clock',
  input: Type.Object(
    {
      duration: Duration({
        title: 'Duration',
        description: 'How long to wait: 250ms, 30s, 2m, 1h30m, 1d.',
        examples: ['30s'],
      }),
    },
    { additionalProperties: false },
  ),
  rehearsal: 'run',
  idempotent: true,
  retry: { attempts: 1, backoffMs: 1000 },
  async run(input, ctx) {
    const ms = parseDuration(input.duration);
    const saved = ctx.state?.until;
    let until = typeof saved === 'string' ? Date.parse(saved) : NaN;
    if (Number.isNaN(until)) {
      until = ctx.now().getTime() + ms;
      await ctx.saveState({ until: new Date(until).toISOString() }, `Waiting ${input.duration}`);
    }
    await pause(Math.max(0, until - ctx.now().getTime()), ctx.signal);
    return { status: 'succeeded', output: { waited_ms: ms } };
  },
});

/** Resolve after `ms`, or reject with `runwire.aborted` when the signal fires. */
async function pause(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (err) {
    if (!signal.aborted) throw err;
    throw new RunwireError('runwire.aborted', 'the wait was interrupted (run cancelled or Runwire shutting down)', {
      cause: signal.reason,
    });
  }
}
