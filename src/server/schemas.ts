/** TypeBox schemas shared by the routes: they validate requests, serialize replies and make the OpenAPI document. */
import { Type, type TSchema } from '@sinclair/typebox';

export const ErrorSchema = Type.Object(
  {
    error: Type.Object(
      {
        code: Type.String({ description: 'Stable error code, e.g. `runwire.run.not_found`' }),
        message: Type.String(),
        fix: Type.Optional(Type.String({ description: 'What to do about it' })),
      },
      { additionalProperties: true },
    ),
  },
  { $id: 'Error', title: 'Error' },
);

/** The error replies a route can give, for its `response` schema. */
export function errors(...statuses: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const s of statuses) out[s] = Type.Ref('Error');
  return out;
}

/**
 * The largest values integer parameters take: a version is a 32-bit INTEGER column, ids and seqs are
 * BIGINT but JavaScript numbers are exact only to 2^53 - 1. Above them PostgreSQL refuses the query.
 */
export const MAX_INT32 = 2_147_483_647;
export const MAX_ID = Number.MAX_SAFE_INTEGER;

/** Error statuses every authenticated route can answer. */
export const AUTH_ERRORS = [400, 401, 403, 500];
