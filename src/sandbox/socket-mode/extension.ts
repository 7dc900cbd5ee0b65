/**
 * Plugs Socket Mode into a sandbox: the `/link/` WebSocket endpoint on the sandbox's port,
 * `apps.connections.open`, and admin endpoints to inspect the link and trigger `disconnect`s.
 *
 * Admin API:
 * - `GET  /sandbox/socket-mode` → `{ ok, connections, pending, acked, dropped }`
 * - `POST /sandbox/socket-mode/disconnect` `{ reason?: "warning" | "refresh_requested" | … }` →
 *   `{ ok, sent_to }` (with `warning`, `refresh_requested` follows shortly, as on Slack)
 */
import { readBody, sendJson } from '../http-util.js';
import type { Sandbox, SandboxExtension } from '../server.js';
import type { SocketTransport } from '../events/app-events.js';
import { appsConnectionsOpen } from './apps-connections-open.js';
import { SocketModeLink, type SocketModeLinkOptions } from './link-server.js';
import { DISCONNECT_REASONS, type DisconnectReason } from './messages.js';

/** The key under `sandbox.services` where the link is published (the events extension reads it). */
export const SOCKET_MODE_SERVICE = 'socketMode';

/** Tunables of the link (ack timeout, redeliveries, ping interval…); `appId` comes from the workspace. */
export type SocketModeExtensionOptions = Omit<SocketModeLinkOptions, 'appId' | 'now'>;

/** The Socket Mode extension; options tune timings (tests shorten the ack timeout). */
export function socketModeExtension(opts: SocketModeExtensionOptions = {}): SandboxExtension {
  return (sb: Sandbox) => {
    const link = new SocketModeLink({ ...opts, appId: sb.workspace.app.id, now: () => sb.workspace.now() });
    const transport: SocketTransport = {
      get connected() {
        return link.connected;
      },
      send: (p) => link.send(p),
      sendInteraction: (type, p) => link.sendInteraction(type, p),
      disable: () => {
        void link.disconnectAll('link_disabled');
      },
    };
    sb.services[SOCKET_MODE_SERVICE] = transport;
    // The events extension decides whether Socket Mode is switched on; absent that, it is.
    const enabled = (): boolean => (sb.services.socketModeEnabled as (() => boolean) | undefined)?.() ?? true;
    sb.methods.register(appsConnectionsOpen(link, enabled));

    sb.http.on('upgrade', (req, socket, head) => {
      if (link.handleUpgrade(req, socket, head)) return;
      // Nobody else takes WebSockets on the sandbox: refuse rather than leave the socket hanging.
      if (sb.http.listenerCount('upgrade') === 1)
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });

    sb.route('GET', '/sandbox/socket-mode', (_req, res) => sendJson(res, 200, { ok: true, ...link.status() }));
    sb.route('POST', '/sandbox/socket-mode/disconnect', async (req, res) => {
      const reason = await readReason(req);
      if (reason === undefined) {
        return sendJson(res, 400, {
          ok: false,
          error: 'invalid_reason',
          detail: `reason must be one of ${DISCONNECT_REASONS.join(', ')}`,
        });
      }
      const sentTo = await link.disconnectAll(reason);
      sendJson(res, 200, { ok: true, sent_to: sentTo });
    });
    sb.onClose(() => link.close());
  };
}

/** The `reason` of a disconnect request (JSON or form); default `refresh_requested`; undefined if invalid. */
async function readReason(req: Parameters<typeof readBody>[0]): Promise<DisconnectReason | undefined> {
  const text = (await readBody(req)).toString('utf8').trim();
  let reason: unknown = 'refresh_requested';
  if (text.startsWith('{')) {
    try {
      const parsed = JSON.parse(text) as { reason?: unknown };
      if (parsed.reason !== undefined) reason = parsed.reason;
    } catch {
      return undefined;
    }
  } else if (text.length > 0) {
    reason = new URLSearchParams(text).get('reason') ?? reason;
  }
  return DISCONNECT_REASONS.find((r) => r === reason);
}
