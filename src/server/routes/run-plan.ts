/**
 * What a UI needs beside the run JSON: `GET /api/types` (every task type with its title, icon and
 * rehearsal default, as `runwire types --json`) and `GET /api/runs/{id}/plan` — the run's own tasks
 * as they were when it started (dependencies, rehearsal field) with each input rendered as the
 * engine renders it from the run's vars and the outputs so far (what is not known yet stays as
 * written), so a task's detail can show the channel and message it sends.
 */
import { Type } from '@sinclair/typebox';
import { describeTaskTypes } from '../../core/describe-types.js';
import { renderTaskInput, type TaskTypeRegistry } from '../../core/task-type.js';
import type { RunService } from '../../engine/run-service.js';
import type { Api } from '../app.js';
import { errors } from '../schemas.js';

const PlannedTask = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    type: Type.String(),
    depends_on: Type.Array(Type.String()),
    rehearsal: Type.Optional(Type.Unknown({ description: "The task's rehearsal field as written" })),
    input: Type.Object({}, { additionalProperties: true, description: 'Rendered as far as it can be now' }),
  },
  { title: 'PlannedTask' },
);

const TypeDoc = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    description: Type.String(),
    icon: Type.String(),
    rehearsal: Type.String({ description: 'run or skip: what the type does in a rehearsal by default' }),
    idempotent: Type.Boolean(),
    fields: Type.Array(Type.Object({}, { additionalProperties: true })),
  },
  { title: 'TaskType' },
);

export function runPlanRoutes(app: Api, d: { service: RunService; types: TaskTypeRegistry }): void {
  app.get(
    '/api/types',
    {
      config: { role: 'viewer' },
      schema: { summary: 'Task types', tags: ['runbooks'], response: { 200: Type.Array(TypeDoc) } },
    },
    async () => describeTaskTypes(d.types),
  );

  app.get(
    '/api/runs/:id/plan',
    {
      config: { role: 'viewer' },
      schema: {
        summary: "A run's tasks as planned: dependencies, rehearsal field, rendered input",
        tags: ['runs'],
        params: Type.Object({ id: Type.String() }),
        response: {
          200: Type.Object({
            runbook: Type.String(),
            description: Type.Union([Type.String(), Type.Null()]),
            tasks: Type.Array(PlannedTask),
          }),
          ...errors(404),
        },
      },
    },
    async (req) => {
      const { run, tasks } = await d.service.get(req.params.id);
      const outputs = new Map(tasks.map((t) => [t.taskId, { output: t.output ?? undefined, status: t.status }]));
      return {
        runbook: run.spec.name,
        description: run.spec.description ?? null,
        tasks: run.spec.tasks.map((spec) => {
          const type = d.types.get(spec.type);
          let input: Record<string, unknown> = spec.input;
          if (type) {
            try {
              input = renderTaskInput(
                type,
                spec.input,
                {
                  vars: run.vars,
                  runbook: { name: run.spec.name },
                  run: { id: run.id, mode: run.mode },
                  task: { id: spec.id, name: spec.name },
                  tasks: (id: string) => outputs.get(id),
                },
                { partial: true },
              );
            } catch {
              // A template that cannot render yet: shown as written.
            }
          }
          return {
            id: spec.id,
            name: spec.name,
            type: spec.type,
            depends_on: spec.depends_on,
            ...(spec.rehearsal !== undefined ? { rehearsal: spec.rehearsal } : {}),
            input,
          };
        }),
      };
    },
  );
}
