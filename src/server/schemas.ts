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

/** Error statuses every authenticated route can answer. */
export const AUTH_ERRORS = [400, 401, 403, 500];
