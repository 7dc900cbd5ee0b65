/**
 * The scope doctor's knowledge: which OAuth scopes each use of a connection needs, and the exact
 * fix when one is missing. `diagnoseScopes` is pure, so the CLI's `connection test` and the
 * slack.message task's pre-flight check give the same answer.
 */

/** What a connection is used for. */
export type ScopeUse =
  /** post messages (chat.postMessage / chat.update) */
  | 'post'
  /** post to public channels the bot is not a member of */
  | 'post_public'
  /** exactly-once delivery: after a crash, look in the channel's history for a message already sent */
  | 'exactly_once'
  /** resolve `#name` to a channel id */
  | 'channel_names'
  /** DM a person given as `@name` or e-mail */
  | 'dm'
  /** group DMs (several people) */
  | 'group_dm'
  /** an incoming webhook granted through OAuth */
  | 'webhook'
  /** optional: names for `<@U…>` / `<#C…>` mentions (`GET /api/connections/{name}/lookup`, the web UI) */
  | 'mention_names';

export const ALL_SCOPE_USES: readonly ScopeUse[] = [
  'post',
  'post_public',
  'exactly_once',
  'channel_names',
  'dm',
  'group_dm',
  'webhook',
  'mention_names',
];

/** `optional`: nothing Runwire needs fails, a convenience is missing (said so, never a problem). */
export type ScopeSeverity = 'error' | 'warning' | 'optional';

interface Requirement {
  scopes: string[];
  severity: ScopeSeverity;
  /** What fails without the scopes. */
  impact: string;
  /** Not meaningful for this token type (users post to public channels they are in). */
  botOnly?: boolean;
}

/** Needs per use, with why (README's "Scopes" table says the same). */
export const SCOPE_REQUIREMENTS: Readonly<Record<ScopeUse, Requirement>> = {
  post: { scopes: ['chat:write'], severity: 'error', impact: 'cannot post messages' },
  post_public: {
    scopes: ['chat:write.public'],
    severity: 'error',
    impact: 'cannot post to public channels the bot has not joined',
    botOnly: true,
  },
  exactly_once: {
    scopes: ['channels:history', 'groups:history', 'im:history', 'mpim:history'],
    severity: 'warning',
    impact:
      'delivery is at-least-once: after a crash Runwire cannot look in the channel for a message it already sent, so it may post it twice',
  },
  channel_names: {
    scopes: ['channels:read', 'groups:read'],
    severity: 'error',
    impact: 'cannot resolve #channel-name to a channel',
  },
  dm: {
    scopes: ['users:read', 'users:read.email', 'im:write'],
    severity: 'error',
    impact: 'cannot send direct messages to @name or e-mail addresses',
  },
  group_dm: { scopes: ['mpim:write'], severity: 'error', impact: 'cannot open group direct messages' },
  webhook: { scopes: ['incoming-webhook'], severity: 'error', impact: 'cannot post through an incoming webhook' },
  mention_names: {
    scopes: ['users:read', 'channels:read', 'groups:read'],
    severity: 'optional',
    impact:
      'optional: the connection lookup (GET /api/connections/{name}/lookup: users.info, conversations.info) cannot name users and channels, so the web UI shows <@U…> and <#C…> mentions as ids',
  },
};

/** Legacy (classic app) scopes that grant the same right as a granular one. */
const EQUIVALENTS: Readonly<Record<string, string[]>> = {
  'chat:write': ['chat:write:bot', 'chat:write:user'],
};

export interface ScopeFinding {
  use: ScopeUse;
  severity: ScopeSeverity;
  /** Scopes to add, in the order Slack's app settings list them. */
  missing: string[];
  /** What fails without them. */
  message: string;
  /** The exact fix, e.g. "add chat:write.public to Bot Token Scopes and reinstall the app". */
  fix: string;
}

/** True when `scope` (or a legacy equivalent) is among `granted`. */
export function hasScope(granted: ReadonlySet<string>, scope: string): boolean {
  return granted.has(scope) || (EQUIVALENTS[scope] ?? []).some((s) => granted.has(s));
}

/** What a plain `slack.message` task to `#name` needs: what the default scopes cover and `connection test` checks. */
export const PLAIN_TASK_USES: readonly ScopeUse[] = ['post', 'post_public', 'channel_names', 'exactly_once'];

/** What the scope doctor (`connection test`, `POST /api/connections/{name}/test`) reports as optional too. */
export const OPTIONAL_USES: readonly ScopeUse[] = ['mention_names'];

/** The connection a fix is for: its name and kind decide how scopes are added. */
export interface FixTarget {
  name: string;
  kind: 'bot_token' | 'user_token' | 'oauth_app' | 'webhook';
}

/**
 * The fix for missing scopes on a bot or user token. An OAuth app asks Slack for more with
 * `authenticate --scopes`; a pasted token needs the app reinstalled in Slack and the token added again
 * (`authenticate` refuses such a connection).
 */
export function scopeFix(missing: readonly string[], tokenType: 'bot' | 'user', conn?: FixTarget): string {
  const where = tokenType === 'bot' ? 'Bot Token Scopes' : 'User Token Scopes';
  const list = missing.join(',');
  if (conn?.kind === 'oauth_app')
    return `ask Slack for them: runwire connection authenticate ${conn.name} ${tokenType === 'bot' ? '--scopes' : '--user-scopes'} ${list}`;
  if (conn)
    return `add ${missing.join(', ')} to ${where} (OAuth & Permissions), reinstall the app, and add its ${tokenType === 'bot' ? 'Bot User OAuth Token (xoxb-…)' : 'User OAuth Token (xoxp-…)'} again: runwire connection update ${conn.name} --token -`;
  return `add ${missing.join(', ')} to ${where} (OAuth & Permissions) and reinstall the app`;
}

/**
 * What is missing from `granted` for `uses`: one finding per use that lacks a scope, errors first.
 * An empty result means every use is covered.
 */
export function diagnoseScopes(
  granted: readonly string[],
  uses: readonly ScopeUse[],
  tokenType: 'bot' | 'user' = 'bot',
  conn?: FixTarget,
): ScopeFinding[] {
  const have = new Set(granted.map((s) => s.trim()).filter((s) => s !== ''));
  const findings: ScopeFinding[] = [];
  for (const use of [...new Set(uses)]) {
    const req = SCOPE_REQUIREMENTS[use];
    if (req.botOnly && tokenType === 'user') continue;
    const missing = req.scopes.filter((s) => !hasScope(have, s));
    if (missing.length === 0) continue;
    findings.push({
      use,
      severity: req.severity,
      missing,
      message: `missing ${missing.join(', ')}: ${req.impact}`,
      fix: scopeFix(missing, tokenType, conn),
    });
  }
  const rank: Record<ScopeSeverity, number> = { error: 0, warning: 1, optional: 2 };
  return findings.sort((a, b) => rank[a.severity] - rank[b.severity]);
}

/** Every scope the given uses need (for a manifest or the scopes to request). */
export function scopesForUses(uses: readonly ScopeUse[], tokenType: 'bot' | 'user' = 'bot'): string[] {
  const out: string[] = [];
  for (const use of uses) {
    const req = SCOPE_REQUIREMENTS[use];
    if (req.botOnly && tokenType === 'user') continue;
    for (const s of req.scopes) if (!out.includes(s)) out.push(s);
  }
  return out;
}

/** Parse `--uses post,dm`; throws a plain Error naming the valid uses for anything else. */
export function parseScopeUses(list: string): ScopeUse[] {
  const items = list.split(/[\s,]+/).filter((s) => s !== '');
  for (const i of items) {
    if (!(ALL_SCOPE_USES as readonly string[]).includes(i))
      throw new Error(`unknown use "${i}"; valid uses: ${ALL_SCOPE_USES.join(', ')}`);
  }
  return items as ScopeUse[];
}
