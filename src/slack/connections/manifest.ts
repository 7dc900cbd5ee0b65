/**
 * "Set up application": a Slack app manifest with the connection's redirect URL and scopes, and the
 * link that opens Slack's "create app from manifest" page with it filled in. Pure.
 */
import type { ConnectionRecord } from './model.js';

export interface SlackAppManifest {
  display_information: { name: string; description: string };
  features: {
    bot_user: { display_name: string; always_online: boolean };
    slash_commands?: Array<{ command: string; url: string; description: string; usage_hint: string }>;
  };
  oauth_config: { redirect_urls: string[]; scopes: { bot: string[]; user?: string[] } };
  settings: {
    org_deploy_enabled: boolean;
    socket_mode_enabled: boolean;
    token_rotation_enabled: boolean;
    interactivity?: { is_enabled: boolean; request_url: string };
  };
}

export function buildManifest(
  rec: ConnectionRecord,
  extraBotScopes: readonly string[] = [],
  appName = 'Runwire',
  /** The Runwire server's public URL: approval buttons and /runwire are pointed at it when given. */
  serverUrl?: string,
): SlackAppManifest {
  const base = serverUrl?.replace(/\/+$/, '');
  const bot = [
    ...new Set([...rec.botScopes, ...extraBotScopes, ...(rec.kind === 'webhook' ? ['incoming-webhook'] : [])]),
  ];
  return {
    display_information: { name: appName, description: 'Runbook automation: posts runbook progress to Slack' },
    features: {
      bot_user: { display_name: appName.toLowerCase(), always_online: false },
      ...(base
        ? {
            slash_commands: [
              {
                command: '/runwire',
                url: `${base}/slack/commands`,
                description: 'Run runbooks, see their status, approve or reject',
                usage_hint:
                  'run <runbook> [--rehearsal] [key=value …] | status [run] | approve|reject <run> <task> | help',
              },
            ],
          }
        : {}),
    },
    oauth_config: {
      redirect_urls: [rec.redirectUrl],
      scopes: { bot, ...(rec.userScopes.length > 0 ? { user: rec.userScopes } : {}) },
    },
    settings: {
      org_deploy_enabled: false,
      socket_mode_enabled: false,
      token_rotation_enabled: false,
      ...(base ? { interactivity: { is_enabled: true, request_url: `${base}/slack/interactivity` } } : {}),
    },
  };
}

/** https://api.slack.com/apps?new_app=1&manifest_json=… */
export function manifestLink(m: SlackAppManifest): string {
  return `https://api.slack.com/apps?new_app=1&manifest_json=${encodeURIComponent(JSON.stringify(m))}`;
}
