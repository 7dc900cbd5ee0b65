/**
 * `manual`: a step a person does (freeze deployments, call the vendor). The task waits until an
 * operator completes it (`runwire task complete RUN TASK`); `instructions` says what to do.
 */
import { Type } from '../core/typebox.js';
import { defineTaskType } from '../core/task-type.js';

export const manualType = defineTaskType({
  type: 'manual',
  title: 'Manual step',
  description:
    'A step a person does outside Runwire; the task waits until an operator completes it (runwire task complete).',
  icon: 'hand',
  input: Type.Object(
    {
      instructions: Type.Optional(
        Type.String({
          title: 'Instructions',
          description: 'What the operator should do; shown while the task waits (templates allowed).',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  rehearsal: 'run',
  // Starting it again only waits again: nothing outside Runwire happens.
  idempotent: true,
  retry: { attempts: 1, backoffMs: 1000 },
  async run(input) {
    return {
      status: 'waiting',
      ...(input.instructions !== undefined ? { output: { instructions: input.instructions } } : {}),
    };
  },
});
