/**
 * "Set up application": a Slack app manifest with the connection's redirect URL and scopes, and the
 * link that opens Slack's "create app from manifest" page with it filled in. Pure.
 */
import type { ConnectionRecord } from './model.js';

export interface SlackAppManifest {
  display_information: { name: string; description: string };
  features: { bot_user: { display_name: string; always_online: boolean } };
  oauth_config: { redirect_urls: string[]; scopes: { bot: string[]; user?: string[] } };
  settings: { org_deploy_enabled: boolean; socket_mode_enabled: boolean; token_rotation_enabled: boolean };
}

export function buildManifest(
  rec: ConnectionRecord,
  extraBotScopes: readonly string[] = [],
  appName = 'Runwire',
): SlackAppManifest {
  const bot = [
    ...new Set([...rec.botScopes, ...extraBotScopes, ...(rec.kind === 'webhook' ? ['incoming-webhook'] : [])]),
  ];
  return {
    display_information: { name: appName, description: 'Runbook automation: posts runbook progress to Slack' },
    features: { bot_user: { display_name: appName.toLowerCase(), always_online: false } },
    oauth_config: {
      redirect_urls: [rec.redirectUrl],
      scopes: { bot, ...(rec.userScopes.length > 0 ? { user: rec.userScopes } : {}) },
    },
    settings: { org_deploy_enabled: false, socket_mode_enabled: false, token_rotation_enabled: false },
  };
}

/** https://api.slack.com/apps?new_app=1&manifest_json=… */
export function manifestLink(m: SlackAppManifest): string {
  return `https://api.slack.com/apps?new_app=1&manifest_json=${encodeURIComponent(JSON.stringify(m))}`;
}
