/**
 * Runs over HTTP, on the run service (which records and returns at once; the workers drive):
 * `POST /api/runs` (201 queued, or 200 with the first run for a repeated `Idempotency-Key`),
 * `GET /api/runs` (filters, newest first, cursor pages), `GET /api/runs/{id}`, cancel, and the
 * operator's task actions. Replies are the run JSON `runwire run --json` prints.
 */
import { Type } from '@sinclair/typebox';
import { RUN_STATUSES } from '../../core/state-machine.js';
import type { TaskTypeRegistry } from '../../core/task-type.js';
import { runJson } from '../../engine/run-json.js';
import type { RunService, TaskAction } from '../../engine/run-service.js';
import type { RunSummary, Store } from '../../store/store.js';
import type { Api } from '../app.js';
import { HttpError } from '../http-errors.js';
import { errors, MAX_INT32 } from '../schemas.js';
import type { LibraryStore } from '../store/library-store.js';

export const TaskJsonSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    type: Type.String(),
    status: Type.String(),
    started_at: Type.Union([Type.String(), Type.Null()]),
    finished_at: Type.Union([Type.String(), Type.Null()]),
    attempts: Type.Integer(),
    error: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
    output: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
    reason: Type.Optional(Type.String()),
  },
  {
    additionalProperties: true,
    title: 'Task',
    description: "Plus the type's durable state under its key (e.g. `slack`)",
  },
);
export const RunJsonSchema = Type.Object(
  {
    id: Type.String(),
    runbook: Type.String({ description: "The runbook's name" }),
    mode: Type.Union([Type.Literal('live'), Type.Literal('rehearsal')]),
    status: Type.String({ enum: [...RUN_STATUSES] }),
    started_at: Type.Union([Type.String(), Type.Null()]),
    finished_at: Type.Union([Type.String(), Type.Null()]),
    vars: Type.Record(Type.String(), Type.String()),
    tasks: Type.Array(TaskJsonSchema),
  },
  { title: 'Run' },
);
const RunSummarySchema = Type.Object(
  {
    id: Type.String(),
    runbook: Type.String(),
    mode: Type.String(),
    status: Type.String(),
    created_at: Type.String(),
    started_at: Type.Union([Type.String(), Type.Null()]),
    finished_at: Type.Union([Type.String(), Type.Null()]),
    vars: Type.Record(Type.String(), Type.String()),
    task_count: Type.Integer(),
  },
  { title: 'RunSummary' },
);
const RunId = Type.Object({ id: Type.String() });

export interface RunRouteDeps {
  store: Store;
  service: RunService;
  library: LibraryStore;
  types: TaskTypeRegistry;
}

function summaryJson(r: RunSummary) {
  return {
    id: r.id,
    runbook: r.runbook,
    mode: r.mode,
    status: r.status,
    created_at: r.createdAt,
    started_at: r.startedAt,
    finished_at: r.finishedAt,
    vars: r.vars,
    task_count: r.taskCount,
  };
}

export function runRoutes(app: Api, d: RunRouteDeps): void {
  const json = (o: Awaited<ReturnType<RunService['get']>>) => runJson(o.run, o.tasks, d.types);

  app.post(
    '/api/runs',
    {
      config: { role: 'operator' },
      schema: {
        summary: 'Start a run of a library runbook',
        description:
          'Queued at once; the workers drive it. With an `Idempotency-Key` header a repeat returns the same run (200).',
        tags: ['runs'],
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }),
        body: Type.Object(
          {
            runbook: Type.String({ description: 'Library id of the runbook' }),
            version: Type.Optional(
              Type.Integer({ minimum: 1, maximum: MAX_INT32, description: 'Default: the latest' }),
            ),
            mode: Type.Optional(
              Type.Union([Type.Literal('live'), Type.Literal('rehearsal')], {
                default: 'live',
                description: 'live or rehearsal',
              }),
            ),
            vars: Type.Optional(
              Type.Record(Type.String(), Type.String(), { description: 'Overrides of declared vars' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: RunJsonSchema, 201: RunJsonSchema, ...errors(404, 409, 422) },
      },
    },
    async (req, reply) => {
      const { runbook: id, version, vars = {} } = req.body;
      const mode = req.body.mode ?? 'live';
      const v = version === undefined ? await d.library.current(id) : await d.library.version(id, version);
      if (!v) {
        throw new HttpError(
          404,
          'runwire.runbook.not_found',
          version === undefined ? `No runbook "${id}" in the library.` : `Runbook "${id}" has no version ${version}.`,
          { fix: 'List them with GET /api/runbooks.' },
        );
      }
      const declared = Object.keys(v.runbook.vars);
      const unknown = Object.keys(vars).filter((k) => !Object.hasOwn(v.runbook.vars, k));
      if (unknown.length > 0) {
        throw new HttpError(
          422,
          'runwire.run.unknown_var',
          `Runbook "${id}" version ${v.version} declares no var ${unknown.map((k) => `"${k}"`).join(', ')}.`,
          {
            fix: declared.length
              ? `Its vars are: ${declared.join(', ')}. Declare new ones under vars: in the runbook.`
              : 'It declares no vars; add them under vars: in the runbook first.',
          },
        );
      }
      const principal = req.principal!;
      const key = req.headers['idempotency-key'];
      const merged = { ...v.runbook.vars, ...vars };
      const created = await d.service.create(v.runbook, {
        mode,
        vars: merged,
        actor: `api:${principal.name}`,
        // Keys are per token: two callers cannot collide, nor see each other's runs through a key.
        ...(key ? { idempotencyKey: `api:${principal.name}:${key}` } : {}),
      });
      if (key && !created.created) {
        const r = created.run;
        if (r.mode !== mode || r.runbook !== v.runbook.name || JSON.stringify(r.vars) !== JSON.stringify(merged)) {
          throw new HttpError(
            422,
            'runwire.run.idempotency_mismatch',
            `Idempotency-Key "${key}" was used for run ${r.id} with a different request.`,
            { fix: 'Use a new key for a different run.' },
          );
        }
        return reply.status(200).send(json(created) as never);
      }
      return reply.status(201).send(json(created) as never);
    },
  );

  app.get(
    '/api/runs',
    {
      config: { role: 'viewer' },
      schema: {
        summary: 'Runs, newest first',
        description: 'Pass `next_cursor` back as `cursor` for the next page.',
        tags: ['runs'],
        querystring: Type.Object({
          runbook: Type.Optional(Type.String({ description: "The runbook's name" })),
          status: Type.Optional(Type.String({ enum: [...RUN_STATUSES] })),
          mode: Type.Optional(Type.Union([Type.Literal('live'), Type.Literal('rehearsal')])),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
          cursor: Type.Optional(Type.String()),
        }),
        response: {
          200: Type.Object({
            runs: Type.Array(RunSummarySchema),
            next_cursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (req) => {
      const q = req.query;
      const limit = q.limit ?? 50;
      const rows = await d.store.listRuns({
        limit: limit + 1,
        ...(q.runbook ? { runbook: q.runbook } : {}),
        ...(q.status ? { status: q.status as RunSummary['status'] } : {}),
        ...(q.mode ? { mode: q.mode } : {}),
        ...(q.cursor ? { before: q.cursor } : {}),
      });
      const page = rows.slice(0, limit);
      return {
        runs: page.map(summaryJson),
        next_cursor: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null,
      };
    },
  );

  app.get(
    '/api/runs/:id',
    {
      config: { role: 'viewer' },
      schema: {
        summary: 'A run with its tasks',
        tags: ['runs'],
        params: RunId,
        response: { 200: RunJsonSchema, ...errors(404) },
      },
    },
    async (req) => json(await d.service.get(req.params.id)) as never,
  );

  app.post(
    '/api/runs/:id/cancel',
    {
      config: { role: 'operator' },
      schema: {
        summary: 'Cancel a run',
        tags: ['runs'],
        params: RunId,
        response: { 200: RunJsonSchema, ...errors(404, 409) },
      },
    },
    async (req) => json(await d.service.cancel(req.params.id, `api:${req.principal!.name}`)) as never,
  );

  const routeActions = [
    ['complete', 'complete'],
    ['reject', 'fail'],
    ['skip', 'skip'],
    ['retry', 'retry'],
  ] as const satisfies ReadonlyArray<readonly [string, TaskAction]>;
  for (const [name, action] of routeActions) {
    app.post(
      `/api/runs/:id/tasks/:task/${name}`,
      {
        config: { role: 'operator' },
        schema: {
          summary: `${name[0]!.toUpperCase()}${name.slice(1)} a task`,
          description:
            action === 'complete'
              ? 'A waiting (manual) task succeeds.'
              : action === 'fail'
                ? 'A waiting (manual) task is rejected: it fails and its dependents do not run (as Reject in Slack).'
                : action === 'skip'
                  ? 'A pending, ready, waiting or failed task is skipped.'
                  : 'A failed task runs again (a fresh round of its retry policy).',
          tags: ['runs'],
          params: Type.Object({ id: Type.String(), task: Type.String() }),
          response: { 200: RunJsonSchema, ...errors(404, 409) },
        },
      },
      async (req) =>
        json(await d.service.act(req.params.id, req.params.task, action, `api:${req.principal!.name}`)) as never,
    );
  }
}
