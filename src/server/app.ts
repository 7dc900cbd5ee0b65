/**
 * The Runwire HTTP API as a Fastify app: TypeBox schemas drive validation, serialization and the
 * OpenAPI document (`/api/openapi.json`, docs at `/api/docs`); every error is `{ error: { code,
 * message, fix? } }`; every request has an id (`x-request-id`, echoed, and `reqId` in the log).
 * `buildApp` only builds: listening, the worker and shutdown belong to `start-server.ts`.
 */
import { randomUUID } from 'node:crypto';
import fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RawServerDefault,
} from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Logger } from 'pino';
import { Type } from '@sinclair/typebox';
import { ErrorSchema } from './schemas.js';
import { toErrorResponse } from './http-errors.js';
import { clientErrorHandler } from './client-errors.js';
import { refuseNul } from './nul-guard.js';
import { healthRoutes, type HealthDeps } from './routes/health.js';
import { authGuard } from './auth/guard.js';
import type { TokenStore } from './store/token-store.js';
import type { LibraryStore } from './store/library-store.js';
import type { TaskTypeRegistry } from '../core/task-type.js';
import { runbookRoutes } from './routes/runbooks.js';
import { runRoutes } from './routes/runs.js';
import { eventRoutes } from './routes/events.js';
import { type LoginLinks, loginLinkRoutes } from './routes/login-link.js';
import { connectionRoutes } from './routes/connections.js';
import { connectionLookupRoute } from './routes/connection-lookup.js';
import { connectionUpdateRoute } from './routes/connection-update.js';
import { oauthRoutes } from './routes/oauth.js';
import type { OAuthStateStore } from './store/oauth-state-store.js';
import type { LocalFlows } from './oauth/local-flows.js';
import type { OpenedConnections } from '../slack/connections/open.js';
import type { RunService } from '../engine/run-service.js';
import type { Store } from '../store/store.js';
import type { EventHub } from './events/hub.js';
import { sessionRoutes } from './routes/session.js';
import { tokenRoutes } from './routes/tokens.js';
import { webRoutes } from './routes/web.js';
import type { TriggerService } from './triggers/trigger-service.js';
import { slackEventsRoute } from './triggers/slack-events-route.js';
import { triggerRoutes } from './routes/triggers.js';
import { runPlanRoutes } from './routes/run-plan.js';

import { BODY_LIMIT } from './app-limits.js';
import { SlackConnectionFinder } from './slack/connection-finder.js';
import { SocketModeDispatcher } from './slack/socket-dispatcher.js';

export interface AppDeps extends HealthDeps {
  logger: Logger;
  tokens: TokenStore;
  library: LibraryStore;
  types: TaskTypeRegistry;
  store: Store;
  service: RunService;
  hub: EventHub;
  links: LoginLinks;
  connections: () => Promise<OpenedConnections>;
  /** Where the built web UI is (default `dist/web/`). */
  webDir?: string;
  oauthStates: OAuthStateStore;
  localFlows: LocalFlows;
  /** Triggers (`POST /slack/events`, `/api/triggers`); absent in apps built without them. */
  triggers?: TriggerService;
  /** Socket Mode envelopes by type (the server's Socket Mode clients hand theirs to it). */
  slackSocket?: SocketModeDispatcher;
  /** Registers the routes beyond health and docs (auth, runbooks, runs, …). */
  plugins?: Array<(app: Api) => Promise<void> | void>;
}

export type Api = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** Every error a request ends with, in the API's shape (`toErrorResponse`); a 5xx is logged in full. */
function answerError(err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, body } = toErrorResponse(err, req.id);
  if (status >= 500) req.log.error({ err }, 'request failed');
  else req.log.info({ code: body.error.code, status }, 'request refused');
  return reply.status(status).type('application/json').send(body);
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export async function buildApp(deps: AppDeps): Promise<Api> {
  const app = fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
    // A caller's id is kept when it is a plain token (for tracing across services); otherwise a fresh one.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // strictNumbers off: with it on, ajv lets a coerced "Infinity" / "1e400" through as an integer and skips
    // its maximum (the bound is only checked on finite numbers); off, the maximum refuses them.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false, strictNumbers: false } },
    return503OnClosing: true,
    // What Node's parser refuses (malformed HTTP, conflicting lengths, huge headers) in the API's error shape.
    clientErrorHandler,
    // Bad percent-encoding in the path and over-long path parameters, which the router answers itself.
    frameworkErrors: answerError,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addSchema(ErrorSchema);
  // For Slack's requests (`slack/ingress.ts`) and Socket Mode envelopes, in every scope.
  app.decorate('slackConnections', new SlackConnectionFinder(deps.connections));
  app.decorate('slackSocket', deps.slackSocket ?? new SocketModeDispatcher());
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });

  app.setErrorHandler(answerError);
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({
      error: {
        code: 'runwire.http.not_found',
        message: `No route ${req.method} ${req.url.split('?')[0]}.`,
        fix: 'See the API docs at /api/docs.',
      },
    }),
  );

  // Every route that needs a role says so in the OpenAPI document and may answer 401 and 403.
  app.addHook('onRoute', (route) => {
    const role = route.config?.role;
    if (!route.url.startsWith('/api/') || role === 'public' || route.url.startsWith('/api/docs')) return;
    route.schema ??= {};
    const schema = route.schema as Record<string, unknown>;
    schema.security ??= [{ bearer: [] }, { session: [] }];
    schema.description = `${schema.description ? `${String(schema.description)}\n\n` : ''}Needs role **${role ?? 'admin'}**.`;
    schema.response ??= {};
    const response = schema.response as Record<string, unknown>;
    response[401] ??= Type.Ref('Error');
    response[403] ??= Type.Ref('Error');
  });
  app.addHook('onRequest', authGuard(deps.tokens));
  app.addHook('preHandler', refuseNul);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Runwire API',
        version: deps.version,
        description:
          'Runbooks, runs, live events and Slack connections. Authenticate with `Authorization: Bearer rwt_…` ' +
          '(`runwire token create`) or the session cookie from `POST /api/session`.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token (`runwire token create`)' },
          session: { type: 'apiKey', in: 'cookie', name: 'runwire_session', description: 'From POST /api/session' },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  app.get('/api/openapi.json', { schema: { hide: true }, config: { role: 'public' } }, async () => app.swagger());
  await app.register(async (scope) => {
    healthRoutes(scope, deps);
    sessionRoutes(scope, deps.tokens);
    tokenRoutes(scope, deps.tokens);
    loginLinkRoutes(scope, deps.tokens, deps.links);
  });
  await app.register(async (scope) => runbookRoutes(scope, deps.library, deps.types));
  await app.register(async (scope) => {
    runRoutes(scope, deps);
    runPlanRoutes(scope, deps);
    eventRoutes(scope, deps.store, deps.hub);
    connectionRoutes(scope, deps.connections);
    connectionUpdateRoute(scope, deps.connections);
    connectionLookupRoute(scope, deps.connections);
    oauthRoutes(scope, deps);
  });
  const triggers = deps.triggers;
  if (triggers) {
    await app.register(async (scope) => slackEventsRoute(scope, triggers.router));
    await app.register(async (scope) => triggerRoutes(scope, triggers));
  }
  for (const plugin of deps.plugins ?? []) await app.register(async (scope) => plugin(scope));
  // Last: the UI's catch-all GET never shadows a route registered above.
  await app.register(async (scope) => webRoutes(scope, deps.webDir));
  return app;
}
