/**
 * The server's composition root: open the runtime, build the app with every route, listen.
 * Used by `runwire server`, `runwire start` and the tests (port 0 on loopback).
 */
import { readFileSync } from 'node:fs';
import type { DestinationStream } from 'pino';
import { packagePath } from '../core/package-root.js';
import type { TaskTypeRegistry } from '../core/task-type.js';
import { PUBLIC_URL_ENV } from '../cli/run-session.js';
import { openBoards } from '../cli/slack-observers.js';
import { processTypes } from '../cli/process-types.js';
import { ApprovalInteractions } from './slack/approval-clicks.js';
import { interactivityRoutes } from './slack/interactivity-route.js';
import { SlashCommands } from './slack/slash-commands.js';
import { slackUserRoutes } from './routes/slack-users.js';
import { SlackUserStore } from '../slack/users/store.js';
import { BoardStore } from '../slack/board/store.js';
import { type AppDeps, buildApp } from './app.js';
import { RunService } from '../engine/run-service.js';
import { Worker, WORKER_ALIVE_MS } from '../engine/worker.js';
import { EventHub } from './events/hub.js';
import { LoginLinks } from './routes/login-link.js';
import type { OpenedConnections } from '../slack/connections/open.js';
import { loadRunbookDir, type DirLoader } from './library/dir-loader.js';
import { createLogger } from './logger.js';
import { openServerRuntime, type ServerRuntime } from './runtime.js';
import { processScheduler } from './schedules.js';
import type { Scheduler } from '../triggers/scheduler/scheduler.js';
import { listen, type ListeningServer } from './start-server.js';
import { TriggerService } from './triggers/trigger-service.js';
import { SocketModeDispatcher } from './slack/socket-dispatcher.js';
import { SocketModeManager } from './slack/socket-mode.js';
import { SocketLeaseStore } from './store/socket-lease-store.js';
import { newOwnerId } from '../engine/ids.js';
import { LocalFlows } from './oauth/local-flows.js';

export interface ServerOptions {
  host?: string;
  port?: number;
  dataDir: string;
  databaseUrl?: string | undefined;
  /** Embedded workers (0 = `--no-worker`). */
  workers?: number;
  runbooksDir?: string | undefined;
  logLevel?: string;
  logDestination?: DestinationStream;
  /** How long shutdown waits for in-flight tasks (default 30 s). */
  drainMs?: number;
  /** Task types (default: the built-ins with slack.message on the data dir's connections). */
  types?: TaskTypeRegistry;
  /** The URL people reach this server at, for links in Slack (default RUNWIRE_PUBLIC_URL, else the listen URL). */
  publicUrl?: string;
  /** Socket Mode for connections with an app token (default on; `leaseMs` for tests). */
  socketMode?: false | { leaseMs?: number };
  /** More routes (tests). */
  plugins?: AppDeps['plugins'];
}

export interface RunningServer extends ListeningServer {
  runtime: ServerRuntime;
  /** One-time login links (`runwire start`). */
  links: LoginLinks;
  service: RunService;
  /** Triggers: the Slack router, replies, the library's trigger index. */
  triggers: TriggerService;
  /** The task types the server's workers run (and its runbook library validates with). */
  types: TaskTypeRegistry;
  /** Approval clicks (mounted at POST /slack/interactivity and on Socket Mode's `interactive`). */
  approvals: ApprovalInteractions;
  /** The `--runbooks DIR` loader, when one was given. */
  runbooks?: DirLoader;
}

export function runwireVersion(): string {
  const pkg = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export async function startServer(o: ServerOptions): Promise<RunningServer> {
  const logger = createLogger({
    ...(o.logLevel ? { level: o.logLevel } : {}),
    ...(o.logDestination ? { destination: o.logDestination } : {}),
  });
  const runtime = await openServerRuntime({
    dataDir: o.dataDir,
    ...(o.databaseUrl ? { databaseUrl: o.databaseUrl } : {}),
    eventNotices: true,
    poolSize: 10,
  });
  const store = runtime.runtime.store;
  const workers = o.workers ?? 1;
  // slack.message and manual's approvals get this process's runtime (already open) for their connections.
  const made = processTypes({
    config: runtime.runtime.config,
    get: async () => runtime.runtime,
    close: async () => {},
  });
  const types = o.types ?? made.types;
  const slack = made.slack!;
  const service = new RunService({ store });
  let publicUrl: string | undefined = o.publicUrl ?? process.env[PUBLIC_URL_ENV];
  const board = openBoards(runtime.runtime, slack, {
    owner: `server-${process.pid}`,
    publicUrl: () => publicUrl,
    log: (line) => logger.warn(line),
  });
  const slackUsers = new SlackUserStore(runtime.runtime.sql);
  const commands = new SlashCommands({
    service,
    store,
    library: runtime.library,
    users: slackUsers,
    boards: new BoardStore(runtime.runtime.sql),
    connections: async () => (await slack()).connections(),
    delivery: async () => (await slack()).delivery,
    log: (line) => logger.warn(line),
  });
  const approvals = new ApprovalInteractions({
    service,
    connections: async () => (await slack()).connections(),
    delivery: async () => (await slack()).delivery,
    approvalKey: async () => (await slack()).approvalKey(),
    log: (line) => logger.warn(line),
  });
  const links = new LoginLinks();
  let opened: OpenedConnections | undefined;
  const hub = new EventHub({ store, onError: (err) => logger.error({ err }, 'event stream read failed') });
  const workerList: Worker[] = [];
  let scheduler: Scheduler | undefined;
  const connections = async () => {
    const { connectionsOver } = await import('../slack/connections/open.js');
    opened ??= connectionsOver(runtime.runtime.connectionStore, runtime.runtime.config.dataDir, process.env);
    return opened;
  };
  let listening = '';
  const triggers = new TriggerService({
    triggers: runtime.triggers,
    library: runtime.library,
    sql: runtime.sql,
    store,
    service,
    connections,
    publicUrl: () => publicUrl ?? listening,
    log: (level, msg, data) => logger[level](data ?? {}, msg),
  });
  const slackSocket = new SocketModeDispatcher();
  const leases = new SocketLeaseStore(runtime.sql);
  const socketOwner = newOwnerId();
  const sockets =
    o.socketMode === false
      ? undefined
      : new SocketModeManager({
          leases,
          connections,
          dispatcher: slackSocket,
          owner: socketOwner,
          ...(o.socketMode?.leaseMs ? { leaseMs: o.socketMode.leaseMs } : {}),
          log: (level, msg, data) => logger[level](data ?? {}, msg),
        });
  // Hoisted so a failed start (e.g. the port is taken) closes its directory watcher: an open
  // fs.watch handle would keep the process alive after `runwire start` falls back to another port.
  let dir: DirLoader | undefined;
  try {
    await hub.start();
    for (let i = 0; i < workers; i++) {
      const w = new Worker({
        store,
        types,
        register: true,
        name: `server-${process.pid}${workers > 1 ? `-${i + 1}` : ''}`,
        onEvent: (e, run) => board.onEvent(e, run),
        log: (line) => logger.warn({ worker: i + 1 }, line),
      });
      await w.start({ claim: true });
      workerList.push(w);
    }
    // Schedules fire where runs are driven: a server without workers (`--no-worker`) leaves them to others.
    if (workers > 0) {
      scheduler = processScheduler({ sql: runtime.sql, store, service, log: (line) => logger.warn(line) });
      scheduler.start();
    }
    const app = await buildApp({
      logger,
      tokens: runtime.tokens,
      library: runtime.library,
      types,
      store,
      service,
      hub,
      links,
      connections,
      triggers,
      slackSocket,
      socketMode: async () =>
        (await leases.list()).map((l) => ({
          connection: l.connection,
          connected: l.live && l.connected,
          since: l.connectedSince,
          last_event_at: l.lastEventAt,
          reconnects: l.reconnects,
          holder_host: l.holderHost,
          held_here: l.holder === socketOwner,
          live: l.live,
        })),
      oauthStates: runtime.oauthStates,
      localFlows: new LocalFlows(logger),
      version: runwireVersion(),
      database: { kind: runtime.backend, ping: runtime.ping },
      liveWorkers: () => store.listWorkers(WORKER_ALIVE_MS),
      localWorkerIds: () => workerList.map((w) => w.id),
      plugins: [
        ...(o.plugins ?? []),
        (scope) => interactivityRoutes(scope, approvals, commands),
        (scope) => slackUserRoutes(scope, slackUsers),
      ],
    });
    dir = o.runbooksDir ? await loadRunbookDir(o.runbooksDir, runtime.library, types, logger) : undefined;
    const url = await listen(app, o.host ?? '127.0.0.1', o.port ?? 8080);
    listening = url;
    triggers.start();
    publicUrl ??= url;
    sockets?.start();
    let closed: Promise<void> | undefined;
    const close = (): Promise<void> =>
      (closed ??= (async () => {
        dir?.close();
        await app.close();
        await sockets?.close();
        await triggers.close();
        await hub.close();
        await scheduler?.stop();
        // As the worker does on SIGTERM: in-flight tasks finish, leases are released for the next process.
        await approvals.idle();
        await Promise.all(workerList.map((w) => w.drain(o.drainMs ?? 30_000)));
        await board.close();
        await runtime.close();
      })());
    return { app, url, runtime, links, service, triggers, types, approvals, close, ...(dir ? { runbooks: dir } : {}) };
  } catch (err) {
    dir?.close();
    await scheduler?.stop();
    await triggers.close();
    await hub.close();
    await Promise.all(workerList.map((w) => w.close()));
    await runtime.close();
    throw err;
  }
}
