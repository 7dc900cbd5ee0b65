/** `milestone`: a named point in the runbook, done as soon as its predecessors are. */
import { Type } from '../core/typebox.js';
import { defineTaskType } from '../core/task-type.js';

export const milestoneType = defineTaskType({
  type: 'milestone',
  title: 'Milestone',
  description: 'A named point in the runbook, done as soon as everything it depends on is done.',
  icon: 'flag',
  input: Type.Object({}, { additionalProperties: false }),
  rehearsal: 'run',
  idempotent: true,
  retry: { attempts: 1, backoffMs: 1000 },
  async run() {
    return { status: 'succeeded' };
  },
});
