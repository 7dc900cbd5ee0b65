/**
 * The JSON Schema (TypeBox) of a runbook document and of the fields every task shares. The
 * type-specific fields of a task are validated separately against its type's `input` schema.
 */
import { Type } from './typebox.js';

const DURATION_TYPE_HINT = 'expected a duration such as 250ms, 30s, 2m or 1h30m';

/**
 * A duration such as `30s`, `2m`, `1h30m`, `250ms` (ajv format `duration`, see schema-check.ts).
 * `{ format: 'duration-positive' }` also refuses 0 (a `0ms` timeout would fail every call at once).
 */
export const Duration = (opts: Record<string, unknown> = {}) =>
  Type.String({ format: 'duration', 'x-hint': DURATION_TYPE_HINT, ...opts });
/** A duration that must be written out (no template): used where validation needs the value. */
export const LiteralDuration = (opts: Record<string, unknown> = {}) =>
  Type.String({ format: 'duration-literal', 'x-hint': DURATION_TYPE_HINT, ...opts });

/** Task ids appear in templates (`tasks.<id>.output.x`), so no dots or spaces; and in every message. */
export const MAX_ID_LENGTH = 100;
/** Names are shown on one line (progress, Slack, the web UI). */
export const MAX_NAME_LENGTH = 500;
/** Task ids appear in templates (`tasks.<id>.output.x`), so no dots or spaces. */
export const TASK_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]*$';
export const VAR_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';

export const RetrySchema = Type.Object(
  {
    attempts: Type.Integer({
      minimum: 1,
      maximum: 100,
      title: 'Attempts',
      description: 'How many times the task may run in all, the first included (1-100).',
    }),
    backoff: Type.Optional(
      LiteralDuration({
        title: 'Backoff',
        description: 'The wait before the second attempt, doubled each attempt after, with ±25% jitter.',
      }),
    ),
    max_backoff: Type.Optional(
      LiteralDuration({ title: 'Longest backoff', description: 'The longest wait between two attempts.' }),
    ),
  },
  {
    additionalProperties: false,
    title: 'Retry',
    description:
      "How a failure that may pass on a retry (network, 5xx, 429, timeout) is retried; defaults from the task's type.",
  },
);

/** Fields every task has, whatever its type; other fields belong to the type. */
export const COMMON_TASK_FIELDS = ['id', 'name', 'type', 'depends_on', 'retry', 'rehearsal'] as const;

export const TaskCommonSchema = Type.Object(
  {
    id: Type.String({
      pattern: TASK_ID_PATTERN,
      maxLength: MAX_ID_LENGTH,
      'x-hint': 'task ids use letters, digits, "-" and "_" (no dots or spaces)',
      title: 'Id',
      description: 'Unique in the runbook: letters, digits, - and _; templates refer to the task by it.',
    }),
    name: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: MAX_NAME_LENGTH,
        title: 'Name',
        description: 'What people see; the id when not given.',
      }),
    ),
    type: Type.String({ minLength: 1, title: 'Type', description: 'The task type (runwire types lists them).' }),
    depends_on: Type.Optional(
      Type.Array(Type.String(), {
        'x-hint': 'expected a list of task ids, e.g. [freeze, backup]',
        title: 'Depends on',
        description: 'Ids of the tasks that must finish (succeeded or skipped) before this one starts.',
      }),
    ),
    retry: Type.Optional(RetrySchema),
    rehearsal: Type.Optional(
      Type.Unknown({
        title: 'In rehearsal',
        description: "run or skip: overrides the type's rehearsal default (a type may define a richer value).",
      }),
    ),
  },
  { additionalProperties: true },
);

/** Fields every trigger has, whatever its type; other fields belong to the type. */
export const COMMON_TRIGGER_FIELDS = ['id', 'type', 'mode', 'vars'] as const;

export const TriggerCommonSchema = Type.Object(
  {
    id: Type.String({
      pattern: TASK_ID_PATTERN,
      maxLength: MAX_ID_LENGTH,
      'x-hint': 'trigger ids use letters, digits, "-" and "_" (no dots or spaces)',
      title: 'Id',
      description: "Unique among the runbook's triggers; history, enable and disable name it.",
    }),
    type: Type.String({ minLength: 1, title: 'Type', description: 'slack.message or schedule.' }),
    mode: Type.Optional(
      Type.Union([Type.Literal('live'), Type.Literal('rehearsal')], {
        'x-hint': 'mode must be "live" or "rehearsal"',
        title: 'Mode',
        description: 'How the runs it starts run (default live).',
      }),
    ),
    vars: Type.Optional(
      Type.Record(Type.String(), Type.String(), {
        propertyNames: {
          pattern: VAR_NAME_PATTERN,
          'x-hint': 'variable names use letters, digits and "_", not starting with a digit',
        },
        'x-hint': 'expected a mapping of variable names to text, e.g. { release: "{{trigger.match.release}}" }',
        title: 'Variables',
        description: 'Runbook variables the run gets, as templates over {{trigger.*}} values.',
      }),
    ),
  },
  { additionalProperties: true },
);

export const RunbookSchema = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: MAX_NAME_LENGTH,
      title: 'Name',
      description: 'The runbook name, shown in runs and Slack.',
    }),
    description: Type.Optional(Type.String({ title: 'Description', description: 'What the runbook is for.' })),
    vars: Type.Optional(
      Type.Record(
        Type.String(),
        Type.Union([Type.String(), Type.Number(), Type.Boolean()], {
          'x-hint': 'a variable is a string, number or boolean',
        }),
        {
          propertyNames: {
            pattern: VAR_NAME_PATTERN,
            'x-hint': 'variable names use letters, digits and "_", not starting with a digit',
          },
          title: 'Variables',
          description: 'Defaults for {{vars.NAME}} in templates; --var NAME=VALUE overrides one per run.',
        },
      ),
    ),
    notify: Type.Optional(
      Type.Object(
        {
          slack: Type.Optional(
            Type.Object(
              {
                connection: Type.Optional(
                  Type.String({
                    minLength: 1,
                    title: 'Connection',
                    description: 'The Slack connection that posts the board (runwire connection add).',
                    default: 'default',
                  }),
                ),
                channel: Type.String({
                  pattern: '^(#[a-z0-9][a-z0-9._-]*|[CG][A-Z0-9]{2,})$',
                  'x-hint': 'notify.slack.channel is a channel: #name or a channel id',
                  title: 'Channel',
                  description: 'Where the live run board goes: #name or a channel id.',
                }),
              },
              {
                additionalProperties: false,
                title: 'Live run board in Slack',
                description:
                  'One message per run in this channel, kept up to date in place: progress, running tasks, failures, approvals, and the final state.',
              },
            ),
          ),
        },
        {
          additionalProperties: false,
          title: 'Notify',
          description: 'Where each run of the runbook reports itself as it goes.',
        },
      ),
    ),
    tasks: Type.Array(TaskCommonSchema, {
      minItems: 1,
      title: 'Tasks',
      description: 'The tasks; each starts as soon as everything in its depends_on is done.',
    }),
    triggers: Type.Optional(
      Type.Array(TriggerCommonSchema, {
        maxItems: 100,
        title: 'Triggers',
        description: 'What starts a run without anyone asking: a Slack message, a schedule.',
      }),
    ),
  },
  // `x-…` keys are free, e.g. to hold YAML anchors shared with `<<: *defaults`.
  { additionalProperties: false, patternProperties: { '^x-': {} } },
);

/** The `rehearsal` field for types that do not declare it themselves. */
export const RehearsalSchema = Type.Union([Type.Literal('run'), Type.Literal('skip')], {
  'x-hint': 'rehearsal must be "run" or "skip"',
});
