/**
 * `GET /api/slack-users`, `PUT /api/slack-users/{subject}`, `DELETE /api/slack-users/{subject}`
 * (admin): which Slack people and user groups get which Runwire role for `/runwire` — the same as
 * `runwire slack-users list|map|unmap`.
 */
import { Type } from '@sinclair/typebox';
import type { Api } from '../app.js';
import { HttpError } from '../http-errors.js';
import { errors } from '../schemas.js';
import { normaliseSubject, type SlackUserStore } from '../../slack/users/store.js';

const RoleSchema = Type.Union([Type.Literal('viewer'), Type.Literal('operator'), Type.Literal('admin')], {
  description: 'viewer: /runwire status and help; operator: also run, approve, reject; admin: everything',
});
const Subject = Type.String({
  minLength: 1,
  maxLength: 100,
  description: 'A person or user group: @handle, U… or S… (URL-encode the @ as %40 or leave it)',
  examples: ['@alice', '@release-managers', 'U0123ABCD'],
});
const SlackUserRole = Type.Object(
  {
    subject: Type.String({ description: 'As mapped: @handle (lower case), U… or S…' }),
    role: RoleSchema,
    created_at: Type.String({ description: 'When it was first mapped (ISO-8601)' }),
  },
  { title: 'SlackUserRole' },
);

const view = (r: { subject: string; role: string; createdAt: string }) => ({
  subject: r.subject,
  role: r.role as 'viewer' | 'operator' | 'admin',
  created_at: r.createdAt,
});

export function slackUserRoutes(app: Api, users: SlackUserStore): void {
  app.get(
    '/api/slack-users',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'List Slack people and user groups with their Runwire role (for /runwire)',
        tags: ['slack'],
        response: { 200: Type.Array(SlackUserRole) },
      },
    },
    async () => (await users.list()).map(view),
  );
  app.put(
    '/api/slack-users/:subject',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'Map a Slack person or user group to a Runwire role',
        tags: ['slack'],
        params: Type.Object({ subject: Subject }),
        body: Type.Object({ role: RoleSchema }, { additionalProperties: false }),
        response: { 200: SlackUserRole, ...errors(422) },
      },
    },
    async (req) => view(await users.map(req.params.subject, req.body.role, new Date().toISOString())),
  );
  app.delete(
    '/api/slack-users/:subject',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'Remove the role of a Slack person or user group',
        tags: ['slack'],
        params: Type.Object({ subject: Subject }),
        response: { 204: Type.Null(), ...errors(404, 422) },
      },
    },
    async (req, reply) => {
      if (!(await users.unmap(req.params.subject)))
        throw new HttpError(
          404,
          'runwire.slack_users.not_found',
          `No role is mapped for ${normaliseSubject(req.params.subject)}.`,
          { fix: 'See the mappings with GET /api/slack-users (runwire slack-users list).' },
        );
      return reply.status(204).send(null);
    },
  );
}
