/**
 * The JSON Schema (TypeBox) of a runbook document and of the fields every task shares. The
 * type-specific fields of a task are validated separately against its type's `input` schema.
 */
import { Type } from '@sinclair/typebox';

const DURATION_TYPE_HINT = 'expected a duration such as 250ms, 30s, 2m or 1h30m';

/** A duration such as `30s`, `2m`, `1h30m`, `250ms` (ajv format `duration`, see schema-check.ts). */
export const Duration = (opts: Record<string, unknown> = {}) =>
  Type.String({ format: 'duration', 'x-hint': DURATION_TYPE_HINT, ...opts });
/** A duration that must be written out (no template): used where validation needs the value. */
export const LiteralDuration = (opts: Record<string, unknown> = {}) =>
  Type.String({ format: 'duration-literal', 'x-hint': DURATION_TYPE_HINT, ...opts });

/** Task ids appear in templates (`tasks.<id>.output.x`), so no dots or spaces. */
export const TASK_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]*$';
export const VAR_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';

export const RetrySchema = Type.Object(
  {
    attempts: Type.Integer({ minimum: 1, maximum: 100 }),
    backoff: Type.Optional(LiteralDuration()),
    max_backoff: Type.Optional(LiteralDuration()),
  },
  { additionalProperties: false },
);

/** Fields every task has, whatever its type; other fields belong to the type. */
export const COMMON_TASK_FIELDS = ['id', 'name', 'type', 'depends_on', 'retry', 'rehearsal'] as const;

export const TaskCommonSchema = Type.Object(
  {
    id: Type.String({
      pattern: TASK_ID_PATTERN,
      'x-hint': 'task ids use letters, digits, "-" and "_" (no dots or spaces)',
    }),
    name: Type.Optional(Type.String({ minLength: 1 })),
    type: Type.String({ minLength: 1 }),
    depends_on: Type.Optional(
      Type.Array(Type.String(), { 'x-hint': 'expected a list of task ids, e.g. [freeze, backup]' }),
    ),
    retry: Type.Optional(RetrySchema),
    rehearsal: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: true },
);

export const RunbookSchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
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
        },
      ),
    ),
    tasks: Type.Array(TaskCommonSchema, { minItems: 1 }),
  },
  // `x-…` keys are free, e.g. to hold YAML anchors shared with `<<: *defaults`.
  { additionalProperties: false, patternProperties: { '^x-': {} } },
);

/** The `rehearsal` field for types that do not declare it themselves. */
export const RehearsalSchema = Type.Union([Type.Literal('run'), Type.Literal('skip')], {
  'x-hint': 'rehearsal must be "run" or "skip"',
});
