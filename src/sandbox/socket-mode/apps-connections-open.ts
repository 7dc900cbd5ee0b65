/**
 * `apps.connections.open`: trades an app-level token (`xapp-…` with `connections:write`) for a one-time
 * Socket Mode URL on the sandbox's own port.
 */
import { SlackApiError, type MethodDefinition } from '../api/registry.js';
import type { SocketModeLink } from './link-server.js';

/**
 * The method, bound to a link. Tier 3 as in `reference/slack/methods/apps.connections.open.json`
 * (Slack's docs page says Tier 1, but at 1/min a client could not reconnect promptly after a
 * `disconnect`, which real Slack does allow).
 */
export function appsConnectionsOpen(link: SocketModeLink, enabled: () => boolean): MethodDefinition {
  return {
    name: 'apps.connections.open',
    tier: 3,
    // Bot and user tokens get `not_allowed_token_type` from the dispatcher.
    tokenKinds: ['app'],
    errors: ['invalid_auth', 'missing_scope', 'not_allowed_token_type', 'access_denied', 'missing_args'],
    handler(call) {
      const token = call.token!;
      if (!token.scopes.includes('connections:write')) {
        throw new SlackApiError('missing_scope', { needed: 'connections:write', provided: token.scopes.join(',') });
      }
      // Socket Mode switched off in the app's settings (POST /sandbox/app {socket_mode:false}).
      if (!enabled()) throw new SlackApiError('access_denied');
      return { url: link.issueUrl(call.baseUrl) };
    },
  };
}
