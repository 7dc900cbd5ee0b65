/**
 * `GET /api/health`: up, which version, whether the database answers, and every live worker on the
 * database (from the workers table: this server's embedded ones, other servers', `runwire worker`s),
 * and the Socket Mode sockets (from their leases: which process holds each, connected since, last event).
 * It is public (for load balancers and probes), so where things run — worker hosts and pids, a socket
 * holder's host — is shown only to a caller with a valid API token or session.
 */
import { Type } from '@sinclair/typebox';
import { WORKER_ALIVE_MS } from '../../engine/worker.js';
import type { WorkerRecord } from '../../store/store.js';
import type { Api } from '../app.js';
import { optionalPrincipal } from '../auth/guard.js';
import type { TokenStore } from '../store/token-store.js';

export interface HealthDeps {
  version: string;
  /** `sqlite` or `postgres`, and a cheap query to see it answer. */
  database: { kind: 'sqlite' | 'postgres'; ping(): Promise<void> };
  /** Workers whose heartbeat is recent, wherever they run. */
  liveWorkers(): Promise<WorkerRecord[]>;
  /** The ids (lease owners) of this process's workers. */
  localWorkerIds(): string[];
  /** Socket Mode sockets on this database (one per connection with an app token), when the server runs them. */
  socketMode?: () => Promise<SocketHealth[]>;
  /** To tell a logged-in caller (who sees hosts and pids) from an anonymous one. */
  tokens?: TokenStore;
}

export interface SocketHealth {
  connection: string;
  connected: boolean;
  since: string | null;
  last_event_at: string | null;
  reconnects: number;
  holder_host: string;
  held_here: boolean;
  live: boolean;
}

const SocketInfo = Type.Object(
  {
    connection: Type.String(),
    connected: Type.Boolean({ description: 'The socket is open and Slack said hello' }),
    since: Type.Union([Type.String(), Type.Null()], { description: 'Connected since (ISO-8601)' }),
    last_event_at: Type.Union([Type.String(), Type.Null()]),
    reconnects: Type.Integer({ description: 'Reconnects since its holder opened it' }),
    holder_host: Type.Optional(
      Type.String({ description: 'The host of the process holding the socket (to callers with a token)' }),
    ),
    held_here: Type.Boolean({ description: 'This server process holds it' }),
    live: Type.Boolean({ description: 'The lease is current (false: its holder stopped renewing)' }),
  },
  { title: 'SocketModeSocket' },
);

const WorkerInfo = Type.Object(
  {
    name: Type.String(),
    host: Type.Optional(Type.String({ description: 'Shown to callers with a token or session' })),
    pid: Type.Optional(Type.Integer({ description: 'Shown to callers with a token or session' })),
    started_at: Type.String(),
    heartbeat_at: Type.String(),
    runs_held: Type.Integer(),
    in_this_server: Type.Boolean({ description: "One of this server process's embedded workers" }),
  },
  { title: 'Worker' },
);

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  version: Type.String(),
  database: Type.Object({ kind: Type.String(), ok: Type.Boolean() }),
  workers: Type.Array(WorkerInfo, {
    description: `Every worker on this database with a heartbeat in the last ${WORKER_ALIVE_MS / 1000} s`,
  }),
  socket_mode: Type.Array(SocketInfo, {
    description: 'Socket Mode: one socket per connection with an app-level token, held by one process',
  }),
});

export function healthRoutes(app: Api, deps: HealthDeps): void {
  app.get(
    '/api/health',
    {
      schema: { summary: 'Health', tags: ['server'], security: [], response: { 200: Health, 503: Health } },
      config: { role: 'public' },
    },
    async (req, reply) => {
      const known = deps.tokens ? (await optionalPrincipal(req, deps.tokens)) !== undefined : false;
      const workers = await deps.database
        .ping()
        .then(() => deps.liveWorkers())
        .catch(() => undefined);
      const ok = workers !== undefined;
      const here = new Set(deps.localWorkerIds());
      const all = ok && deps.socketMode ? await deps.socketMode().catch(() => []) : [];
      const sockets = known ? all : all.map(({ holder_host: _h, ...rest }) => rest);
      const body = {
        status: ok ? ('ok' as const) : ('degraded' as const),
        version: deps.version,
        database: { kind: deps.database.kind, ok },
        workers: (workers ?? []).map((w) => ({
          name: w.name,
          ...(known ? { host: w.host, pid: w.pid } : {}),
          started_at: w.startedAt,
          heartbeat_at: w.heartbeatAt,
          runs_held: w.runsHeld,
          in_this_server: here.has(w.id),
        })),
        socket_mode: sockets,
      };
      return reply.status(ok ? 200 : 503).send(body);
    },
  );
}
