/** `GET /api/health`: up, which version, whether the database answers, how many workers run here. */
import { Type } from '@sinclair/typebox';
import type { Api } from '../app.js';

export interface HealthDeps {
  version: string;
  /** `sqlite` or `postgres`, and a cheap query to see it answer. */
  database: { kind: 'sqlite' | 'postgres'; ping(): Promise<void> };
  /** Workers running in this process. */
  workers(): number;
}

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  version: Type.String(),
  database: Type.Object({ kind: Type.String(), ok: Type.Boolean() }),
  workers: Type.Integer({ description: 'Workers running in this server process' }),
});

export function healthRoutes(app: Api, deps: HealthDeps): void {
  app.get(
    '/api/health',
    {
      schema: { summary: 'Health', tags: ['server'], security: [], response: { 200: Health, 503: Health } },
      config: { role: 'public' },
    },
    async (_req, reply) => {
      const ok = await deps.database.ping().then(
        () => true,
        () => false,
      );
      const body = {
        status: ok ? ('ok' as const) : ('degraded' as const),
        version: deps.version,
        database: { kind: deps.database.kind, ok },
        workers: deps.workers(),
      };
      return reply.status(ok ? 200 : 503).send(body);
    },
  );
}
