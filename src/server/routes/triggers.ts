/**
 * Triggers over HTTP: `GET /api/triggers` (every trigger of the library: enabled, what it listens
 * for, a schedule's next 5 fire times, the last entry of its history), `GET
 * /api/triggers/{runbook}/{id}/history` (newest first, paged with `before`), and
 * `POST /api/triggers/{runbook}/{id}/disable` / `…/enable` (operator: pause a schedule during an
 * incident without editing the runbook). `GET /api/triggers/history`: everything, Slack deliveries
 * and duplicates included. Viewers read.
 */
import { Type } from '@sinclair/typebox';
import type { Api } from '../app.js';
import { errors, MAX_ID } from '../schemas.js';
import type { TriggerService } from '../triggers/trigger-service.js';
import { historyJson, listTriggers, setTriggerEnabled, triggerHistory } from '../triggers/trigger-views.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

const HistoryEntry = Type.Object(
  {
    id: Type.Integer(),
    kind: Type.String({
      description: 'slack.event (a delivery), slack.message (a decision), schedule (an occurrence)',
    }),
    runbook: Nullable(Type.String()),
    trigger: Nullable(Type.String()),
    connection: Nullable(Type.String()),
    received_at: Type.String({ description: 'When it was recorded (ISO-8601)' }),
    scheduled_for: Nullable(Type.String({ description: 'The occurrence, for a schedule' })),
    outcome: Type.String({
      description:
        'started, or why not: no_match, not_allowed, duplicate, disabled, invalid_runbook, ignored, missed, failed; received while undecided',
    }),
    run_id: Nullable(Type.String()),
    detail: Nullable(Type.String()),
  },
  { title: 'TriggerHistoryEntry' },
);

const Trigger = Type.Object(
  {
    runbook: Type.String(),
    runbook_name: Type.String(),
    version: Type.Integer({ description: 'The runbook version the trigger comes from (the latest)' }),
    id: Type.String(),
    type: Type.String({ description: 'slack.message or schedule' }),
    mode: Type.Union([Type.Literal('live'), Type.Literal('rehearsal')]),
    enabled: Type.Boolean(),
    updated_by: Nullable(Type.String()),
    updated_at: Nullable(Type.String()),
    invalid_runbook: Type.Boolean({ description: "The runbook's current file does not validate; it does not fire" }),
    config: Type.Record(Type.String(), Type.Unknown(), { description: 'The type fields as written in the runbook' }),
    vars: Type.Record(Type.String(), Type.String()),
    next_fires: Type.Array(Type.String(), { description: "A schedule's next 5 fire times (ISO-8601)" }),
    last: Type.Union([HistoryEntry, Type.Null()]),
  },
  { title: 'Trigger' },
);

const Params = Type.Object({
  runbook: Type.String({ description: 'Runbook id' }),
  id: Type.String({ description: 'Trigger id' }),
});

export function triggerRoutes(app: Api, triggers: TriggerService): void {
  app.get(
    '/api/triggers',
    {
      config: { role: 'viewer' },
      schema: {
        summary: 'Every trigger of the runbook library',
        tags: ['triggers'],
        response: { 200: Type.Array(Trigger) },
      },
    },
    async () => listTriggers(triggers.index, triggers.store) as never,
  );

  const Paging = Type.Object({
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    before: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_ID, description: 'Entries with an id below this (the next page)' }),
    ),
  });
  app.get(
    '/api/triggers/history',
    {
      config: { role: 'viewer' },
      schema: {
        summary: 'Everything triggers received and did (Slack deliveries, duplicates included), newest first',
        tags: ['triggers'],
        querystring: Paging,
        response: { 200: Type.Array(HistoryEntry) },
      },
    },
    async (req) =>
      (
        await triggers.store.history({
          ...(req.query.limit !== undefined ? { limit: req.query.limit } : {}),
          ...(req.query.before !== undefined ? { beforeId: req.query.before } : {}),
        })
      ).map(historyJson),
  );

  app.get(
    '/api/triggers/:runbook/:id/history',
    {
      config: { role: 'viewer' },
      schema: {
        summary: "A trigger's history: every event it received and every fire, newest first",
        tags: ['triggers'],
        params: Params,
        querystring: Paging,
        response: { 200: Type.Array(HistoryEntry), ...errors(404) },
      },
    },
    async (req) =>
      triggerHistory(triggers.index, triggers.store, req.params.runbook, req.params.id, {
        ...(req.query.limit !== undefined ? { limit: req.query.limit } : {}),
        ...(req.query.before !== undefined ? { before: req.query.before } : {}),
      }),
  );

  for (const action of ['enable', 'disable'] as const) {
    app.post(
      `/api/triggers/:runbook/:id/${action}`,
      {
        config: { role: 'operator' },
        schema: {
          summary: action === 'enable' ? 'Enable a trigger' : 'Disable a trigger (the runbook stays as it is)',
          tags: ['triggers'],
          params: Params,
          response: { 200: Trigger, ...errors(404) },
        },
      },
      async (req) =>
        setTriggerEnabled(
          triggers.index,
          triggers.store,
          req.params.runbook,
          req.params.id,
          action === 'enable',
          `api:${req.principal?.name ?? 'unknown'}`,
        ) as never,
    );
  }
}
