/**
 * The contract between Slack connections (issue 4) and their users (the slack.message task,
 * triggers): a connection resolved for use, with its secrets decrypted in memory only.
 */
export type ConnectionKind = 'bot_token' | 'user_token' | 'oauth_app' | 'webhook';

export interface ResolvedConnection {
  name: string;
  kind: ConnectionKind;
  /** Slack's base URL, e.g. `https://slack.com` or a sandbox's `http://127.0.0.1:PORT`. */
  slackUrl: string;
  /** The Web API root: `<slackUrl>/api/` — pass as `slackApiUrl` to `@slack/web-api`. */
  apiUrl: string;
  /** Bot token (xoxb-), when the connection has one. */
  botToken?: string;
  /** User token (xoxp-), when the connection has one (posting `as_user`). */
  userToken?: string;
  /** Incoming webhook URL, when the connection is or has one. */
  webhookUrl?: string;
  /** The channel the incoming webhook posts to (`#name` or id), when Slack said so (OAuth grant). */
  webhookChannel?: string;
  /** Scopes granted to the bot token / user token, as last learned from Slack. */
  botScopes: string[];
  userScopes: string[];
  teamId?: string;
  teamName?: string;
  botUserId?: string;
  signingSecret?: string;
  appToken?: string;
}

/** Looks connections up by name, decrypting (and refreshing a rotating token) as needed. */
export interface ConnectionResolver {
  /** Throws RunwireError `runwire.slack.connection_not_found` naming the fix when absent. */
  resolve(name: string): Promise<ResolvedConnection>;
  /**
   * Refresh a rotating token now (after Slack answered `token_expired`), store the new pair and
   * return the connection with it. Absent or throwing `runwire.slack.token_expired` when the
   * connection cannot refresh (no refresh token): the fix says to re-authenticate.
   */
  refreshNow?(name: string, which?: 'bot' | 'user'): Promise<ResolvedConnection>;
}
