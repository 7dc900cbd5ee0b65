/**
 * `wait`: pause for a duration (`duration: 30s`). The deadline is saved durably before waiting, so a
 * run resumed after a crash waits only for what is left; the wait itself is an engine timer (a
 * `sleeping` result), so a long one holds no lease and no process (see the engine's park rule).
 */
import { Type } from '../core/typebox.js';
import { defineTaskType } from '../core/task-type.js';
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
    // A durable timer: the engine calls run again at `until` (in this worker, or after a park in any).
    if (until > ctx.now().getTime()) return { status: 'sleeping', until: new Date(until) };
    return { status: 'succeeded', output: { waited_ms: ms } };
  },
});
