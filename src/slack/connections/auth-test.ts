/**
 * `auth.test` for one token: who it is, which team, and the scopes Slack grants it (the
 * `x-oauth-scopes` header, which `@slack/web-api` puts in `response_metadata.scopes`).
 */
import { RunwireError } from '../../core/errors.js';
import { refusedLoopback, sandboxNotRunning } from '../sandbox-unreachable.js';
import { createWebClient, slackFailureOf } from '../web-client.js';
import { DEAD_TOKEN_ERRORS, deadTokenError } from './oauth-errors.js';
import type { ResolvedConnection } from './types.js';

export interface AuthTestResult {
  teamId?: string;
  teamName?: string;
  userId?: string;
  botId?: string;
  /** Granted scopes; empty when Slack sent no header. */
  scopes: string[];
}

/** Call auth.test with the connection's bot or user token; dead tokens become `runwire.slack.token_invalid`. */
export async function authTest(conn: ResolvedConnection, which: 'bot' | 'user'): Promise<AuthTestResult> {
  const client = createWebClient(conn, { token: which, retries: 1, timeoutMs: 15_000 });
  try {
    const r = await client.auth.test();
    const out: AuthTestResult = { scopes: r.response_metadata?.scopes ?? [] };
    if (r.team_id) out.teamId = r.team_id;
    if (r.team) out.teamName = r.team;
    if (r.user_id) out.userId = r.user_id;
    if (r.bot_id) out.botId = r.bot_id;
    return out;
  } catch (err) {
    const f = slackFailureOf(err);
    if (f.kind === 'platform' && f.error && DEAD_TOKEN_ERRORS.has(f.error)) throw deadTokenError(f.error, conn);
    if (f.kind === 'platform') {
      throw new RunwireError(
        'runwire.slack.auth_test_failed',
        `auth.test failed for connection ${conn.name}: ${f.error}`,
        { fix: "check the token and the app's installation" },
      );
    }
    if (refusedLoopback(err, conn.apiUrl)) throw sandboxNotRunning(conn.apiUrl, conn.name);
    throw new RunwireError('runwire.slack.unreachable', `cannot reach Slack at ${conn.apiUrl}: ${f.message}`, {
      fix: 'check the Slack URL (--slack-url / RUNWIRE_SLACK_URL) and your network, or add with --no-verify when offline',
      retryable: true,
    });
  }
}
