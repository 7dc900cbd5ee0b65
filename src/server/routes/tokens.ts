/** `GET/POST /api/tokens`, `DELETE /api/tokens/{name}` (admin): the same as `runwire token …`. */
import { Type } from '@sinclair/typebox';
import type { Api } from '../app.js';
import { HttpError } from '../http-errors.js';
import { errors } from '../schemas.js';
import type { TokenStore } from '../store/token-store.js';

const RoleSchema = Type.Union([Type.Literal('viewer'), Type.Literal('operator'), Type.Literal('admin')]);
const TokenInfo = Type.Object(
  {
    name: Type.String(),
    role: RoleSchema,
    prefix: Type.String({ description: 'The first characters, to tell tokens apart' }),
    created_at: Type.String(),
    last_used_at: Type.Union([Type.String(), Type.Null()]),
  },
  { title: 'TokenInfo' },
);

export function tokenRoutes(app: Api, tokens: TokenStore): void {
  app.get(
    '/api/tokens',
    {
      config: { role: 'admin' },
      schema: { summary: 'List API tokens', tags: ['auth'], response: { 200: Type.Array(TokenInfo) } },
    },
    async () => tokens.list(),
  );
  app.post(
    '/api/tokens',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'Create an API token (shown once)',
        tags: ['auth'],
        body: Type.Object(
          { role: RoleSchema, name: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' })) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ token: Type.String(), ...TokenInfo.properties }), ...errors(409) },
      },
    },
    async (req, reply) => {
      const { token, info } = await tokens.create(req.body.role, req.body.name);
      return reply.status(201).send({ token, ...info });
    },
  );
  app.delete(
    '/api/tokens/:name',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'Revoke an API token and its sessions',
        tags: ['auth'],
        params: Type.Object({ name: Type.String() }),
        response: { 204: Type.Null(), ...errors(404) },
      },
    },
    async (req, reply) => {
      if (!(await tokens.revoke(req.params.name)))
        throw new HttpError(404, 'runwire.token.not_found', `No token named "${req.params.name}".`);
      return reply.status(204).send(null);
    },
  );
}
