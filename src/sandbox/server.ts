/**
 * `startSandbox()`: a local Slack on loopback — Web API at `/api/<method>`, OAuth v2 at `/oauth/v2/…`,
 * incoming webhooks at `/services/…`, admin endpoints at `/sandbox/…`, plus whatever the extensions add
 * (Events API delivery, Socket Mode, the web page). Quick to start and close, so tests start many.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiHandler } from './api/dispatch.js';
import { MethodRegistry, type SandboxServices } from './api/registry.js';
import { registerDefaultMethods } from './api/methods/index.js';
import { attachAdmin } from './admin.js';
import { defaultExtensions } from './extensions.js';
import { FaultInjector, type FaultSpec } from './faults.js';
import { Router, sendJson, type RouteHandler } from './http-util.js';
import { attachOAuth, type OAuthOptions } from './oauth/authorize.js';
import { RateLimiter, type RateLimitConfig } from './rate-limit.js';
import { defaultSeed, type WorkspaceSeed } from './seed.js';
import { attachWebhooks } from './webhooks.js';
import { Workspace, type SandboxCredentials } from './workspace.js';

/** Adds behaviour to a sandbox (routes, methods, workspace listeners); may be async. */
export type SandboxExtension = (sb: Sandbox) => void | Promise<void>;

export interface SandboxOptions {
  /** Default 0 (an ephemeral port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Replaces the built-in demo workspace. */
  workspace?: WorkspaceSeed;
  /** false turns rate limits off; an object tunes them. Default on with Slack's numbers. */
  rateLimits?: boolean | RateLimitConfig;
  /** OAuth behaviour: consent page, token rotation. */
  oauth?: OAuthOptions;
  /** Faults armed from the start. */
  faults?: FaultSpec[];
  /** Default `defaultExtensions()` (events, Socket Mode, web page). Pass `[]` for the core only. */
  extensions?: SandboxExtension[];
  /** Epoch ms clock; tests inject one to move time (code and token expiry). */
  clock?: () => number;
  /** Where the sandbox reports unexpected failures (default: nowhere). */
  log?: (line: string) => void;
}

export interface Sandbox {
  /** Base URL, ending with `/` (e.g. `http://127.0.0.1:53123/`). */
  url: string;
  /** Web API base for `new WebClient(token, { slackApiUrl: apiUrl })`; ends with `/api/`. */
  apiUrl: string;
  workspace: Workspace;
  credentials: SandboxCredentials;
  /** The underlying server (extensions attach `upgrade` listeners for WebSockets). */
  http: Server;
  /** Add a route; the longest matching path prefix wins. `method` may be `*`. */
  route(method: string, pathPrefix: string, handler: RouteHandler): void;
  /** Web API methods; extensions register more (e.g. apps.connections.open). */
  methods: MethodRegistry;
  faults: FaultInjector;
  rateLimiter: RateLimiter;
  /** Shared services between routes and methods (e.g. `oauth`); extensions may add keys. */
  services: SandboxServices;
  /** Functions run on close (extensions register cleanup here). */
  onClose(fn: () => void | Promise<void>): void;
  log(line: string): void;
  close(): Promise<void>;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const workspace = new Workspace(opts.workspace ?? defaultSeed(), opts.clock ? { clock: opts.clock } : {});
  const router = new Router();
  const closers: Array<() => void | Promise<void>> = [];
  const log = opts.log ?? (() => {});
  const http = createServer((req, res) => {
    // Async wrapper: a handler that throws (even synchronously) answers 500 instead of crashing the process.
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://sandbox.local');
      const handler = router.match(req.method ?? 'GET', url.pathname);
      if (!handler) return sendJson(res, 404, { ok: false, error: 'not_found', path: url.pathname });
      await handler(req, res, url);
    })().catch((err: unknown) => {
      log(`sandbox: ${req.method} ${req.url} failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'fatal_error' });
      else res.destroy();
    });
  });
  // Keep-alive sockets must not hold close() up; close() ends them explicitly.
  http.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  const addr = http.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${host}:${addr.port}/`;

  const faults = new FaultInjector();
  for (const f of opts.faults ?? []) faults.add(f);
  let closed = false;
  const sb: Sandbox = {
    url,
    apiUrl: `${url}api/`,
    workspace,
    credentials: workspace.credentials,
    http,
    route: (method, prefix, handler) => router.add(method, prefix, handler),
    methods: new MethodRegistry(),
    faults,
    rateLimiter: new RateLimiter(opts.rateLimits),
    services: {},
    onClose: (fn) => {
      closers.push(fn);
    },
    log,
    async close() {
      if (closed) return;
      closed = true;
      for (const fn of closers.reverse()) await fn();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
  registerDefaultMethods(sb.methods);
  sb.route('*', '/api/', createApiHandler(sb));
  attachOAuth(sb, opts.oauth ?? {});
  attachWebhooks(sb);
  attachAdmin(sb);
  try {
    for (const ext of opts.extensions ?? defaultExtensions()) await ext(sb);
  } catch (err) {
    await sb.close();
    throw err;
  }
  return sb;
}
