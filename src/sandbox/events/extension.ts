/**
 * Plugs Events API delivery into a sandbox: follows the workspace, delivers the app's subscribed
 * events to its Request URL (or a connected Socket Mode client), and adds the app-settings admin API.
 *
 * Admin API:
 * - `GET  /sandbox/app` → `{ ok, app_id, request_url?, socket_mode, events, socket_mode_connected, dispatches }`
 * - `POST /sandbox/app` `{ request_url?, socket_mode?, events?, skip_verification? }` → the new settings;
 *   a new Request URL must pass Slack's `url_verification` handshake (HTTP 400 `url_verification_failed` if not).
 *   `request_url: ""` removes it.
 */
import { readBody, sendJson } from '../http-util.js';
import type { Sandbox, SandboxExtension } from '../server.js';
import { AppEvents, EventConfigError, type EventSubscriptionConfig, type SocketTransport } from './app-events.js';
import type { RetryPolicy } from './retry-policy.js';
import type { EventsSeed } from './seed-schema.js';

/** The key under `sandbox.services` where the service is published. */
export const EVENTS_SERVICE = 'events';

/** Start-time settings: the subscription (as from a seed or a flag) and retry timings. */
export interface EventsExtensionOptions {
  /**
   * Initial subscription (default: the workspace seed's `events` section); a Request URL given here
   * is trusted (not verified), like an app set up before the sandbox started.
   */
  config?: EventSubscriptionConfig;
  policy?: Partial<RetryPolicy>;
}

/** The Events API extension. */
export function eventsExtension(opts: EventsExtensionOptions = {}): SandboxExtension {
  return (sb: Sandbox) => {
    const config = opts.config ?? fromSeed(sb.workspace.eventsSeed);
    const events = new AppEvents({
      workspace: sb.workspace,
      ...(config ? { config } : {}),
      ...(opts.policy ? { policy: opts.policy } : {}),
      socket: () => sb.services.socketMode as SocketTransport | undefined,
    });
    sb.services[EVENTS_SERVICE] = events;
    sb.services.socketModeEnabled = () => events.current().socket_mode !== false;
    events.start();

    sb.route('GET', '/sandbox/app', (_req, res) => {
      const socket = sb.services.socketMode as SocketTransport | undefined;
      sendJson(res, 200, {
        ok: true,
        app_id: sb.workspace.app.id,
        ...events.current(),
        socket_mode_connected: socket?.connected ?? false,
        dispatches: events.dispatches(),
      });
    });
    sb.route('POST', '/sandbox/app', async (req, res) => {
      const parsed = parseSettings((await readBody(req)).toString('utf8'));
      if (typeof parsed === 'string')
        return sendJson(res, 400, { ok: false, error: 'invalid_arguments', detail: parsed });
      try {
        sendJson(res, 200, { ok: true, app_id: sb.workspace.app.id, ...(await events.configure(parsed)) });
      } catch (err) {
        if (err instanceof EventConfigError)
          return sendJson(res, 400, { ok: false, error: err.error, detail: err.message });
        throw err;
      }
    });
    sb.onClose(() => events.close());
  };
}

/** The seed's `events` section as a subscription config (the seed says `subscriptions`, the admin API `events`). */
function fromSeed(seed: EventsSeed | undefined): EventSubscriptionConfig | undefined {
  if (seed === undefined) return undefined;
  return {
    ...(seed.request_url !== undefined ? { request_url: seed.request_url } : {}),
    ...(seed.socket_mode !== undefined ? { socket_mode: seed.socket_mode } : {}),
    ...(seed.subscriptions !== undefined ? { events: seed.subscriptions } : {}),
  };
}

/** Validates the admin body; returns an explanation string when it is wrong. */
export function parseSettings(text: string): (EventSubscriptionConfig & { skip_verification?: boolean }) | string {
  let body: unknown;
  try {
    body = JSON.parse(text.trim() === '' ? '{}' : text);
  } catch {
    return 'body must be JSON: { "request_url": "http://…", "socket_mode": true, "events": ["message.channels", …] }';
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'body must be a JSON object';
  const b = body as Record<string, unknown>;
  const out: EventSubscriptionConfig & { skip_verification?: boolean } = {};
  for (const key of Object.keys(b)) {
    if (!['request_url', 'socket_mode', 'events', 'skip_verification'].includes(key)) return `unknown field "${key}"`;
  }
  if (b.request_url !== undefined) {
    if (typeof b.request_url !== 'string') return 'request_url must be a string';
    out.request_url = b.request_url;
  }
  if (b.socket_mode !== undefined) {
    if (typeof b.socket_mode !== 'boolean') return 'socket_mode must be true or false';
    out.socket_mode = b.socket_mode;
  }
  if (b.skip_verification !== undefined) {
    if (typeof b.skip_verification !== 'boolean') return 'skip_verification must be true or false';
    out.skip_verification = b.skip_verification;
  }
  if (b.events !== undefined) {
    if (!Array.isArray(b.events) || !b.events.every((e) => typeof e === 'string'))
      return 'events must be an array of event type names';
    out.events = b.events as string[];
  }
  return out;
}
