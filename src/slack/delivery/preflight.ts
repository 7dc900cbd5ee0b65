/**
 * Pre-flight of one slack.message task, without posting anything: the connection resolves and
 * its token works (auth.test), the token has the scopes the task needs (the scope doctor's
 * `diagnoseScopes`), the conversation resolves, and the bot can post there (conversations.info:
 * not archived, a member — or chat:write.public for a public channel).
 */
import type { CheckProblem } from '../../core/task-type.js';
import { toRunwireError } from '../../core/errors.js';
import type { ConnectionResolver } from '../connections/types.js';
import { diagnoseScopes, hasScope, scopeFix, type ScopeUse } from '../scopes.js';
import type { SlackTarget } from '../targets.js';
import { slackError } from './error-catalog.js';
import { outcomeError, resolveConversation } from './resolve-conversation.js';
import type { DeliveryService } from './service.js';

export interface PreflightInput {
  connection: string;
  asUser: boolean;
  /** The target to post to; undefined for thread replies and updates (checked through their parent). */
  target: SlackTarget | undefined;
  signal: AbortSignal;
}

function problemOf(err: unknown): CheckProblem {
  const e = toRunwireError(err, 'runwire.slack.check_failed');
  return { code: e.code, message: e.message, ...(e.fix ? { fix: e.fix } : {}), severity: 'error' };
}

/** Which scope-doctor uses a target needs. */
export function usesFor(target: SlackTarget | undefined): ScopeUse[] {
  const uses: ScopeUse[] = ['post', 'exactly_once'];
  if (target?.kind === 'channel_name') uses.push('channel_names');
  if (target?.kind === 'dm') uses.push('dm');
  if (target?.kind === 'group_dm') uses.push('dm', 'group_dm');
  return uses;
}

export async function checkMessageTask(
  svc: DeliveryService,
  resolver: ConnectionResolver,
  i: PreflightInput,
): Promise<CheckProblem[]> {
  let conn: Awaited<ReturnType<ConnectionResolver['resolve']>>;
  try {
    conn = await resolver.resolve(i.connection);
  } catch (err) {
    return [problemOf(err)];
  }
  let ws: ReturnType<typeof svc.workspaceFor>;
  try {
    ws = svc.workspaceFor(conn, i.asUser);
  } catch (err) {
    return [problemOf(err)];
  }
  const problems: CheckProblem[] = [];
  const label = i.target?.label ?? 'the channel';

  // The token works, and what it may do (Slack sends the granted scopes with every answer).
  const auth = await ws.authTest(i.signal);
  if (auth.kind !== 'ok') return [problemOf(outcomeError(auth, 'auth.test', label, conn.name, conn.kind))];
  const fromSlack = (auth.data.response_metadata as { scopes?: string[] } | undefined)?.scopes;
  const tokenType = ws.tokenKind;
  const granted =
    fromSlack && fromSlack.length > 0 ? fromSlack : tokenType === 'user' ? conn.userScopes : conn.botScopes;
  const findings = diagnoseScopes(granted, usesFor(i.target), tokenType, conn).filter((f) => f.use !== 'post_public');
  for (const f of findings) {
    problems.push({
      code: f.use === 'exactly_once' ? 'runwire.slack.at_least_once' : 'runwire.slack.missing_scope',
      message: `Connection "${conn.name}" ${f.message}.`,
      fix: `${f.fix[0]?.toUpperCase()}${f.fix.slice(1)}.`,
      severity: f.severity === 'error' ? 'error' : 'warning',
    });
  }
  // Without chat:write nothing else matters; without the read scopes the look-ups below would only repeat it.
  if (findings.some((f) => f.severity === 'error')) return problems;
  if (!i.target) return problems;

  let conv: Awaited<ReturnType<typeof resolveConversation>>;
  try {
    conv = await resolveConversation(ws, i.target, i.signal);
  } catch (err) {
    problems.push(problemOf(err));
    return problems;
  }
  if (i.target.kind === 'dm' || i.target.kind === 'group_dm') return problems;

  // The channel listing (one call for every task) already says whether the bot is a member;
  // conversations.info is asked only about channels the listing does not show.
  await ws.listChannels(i.signal);
  const listed = ws.channelsById?.get(conv.id);
  const info =
    listed && listed.is_member !== undefined
      ? ({ kind: 'ok', data: { channel: listed } } as const)
      : await ws.memoise(`info:${conv.id}`, () => ws.read('conversations.info', { channel: conv.id }, i.signal));
  if (info.kind !== 'ok') {
    if (info.kind === 'refused' && info.error === 'missing_scope') {
      problems.push({
        code: 'runwire.slack.cannot_check_membership',
        message: `Could not check that the bot can post to ${label}: connection "${conn.name}" lacks ${info.needed ?? 'channels:read / groups:read'}.`,
        fix: scopeFix(['channels:read', 'groups:read'], tokenType, conn),
        severity: 'warning',
      });
    } else {
      problems.push(problemOf(outcomeError(info, 'conversations.info', label, conn.name, conn.kind)));
    }
    return problems;
  }
  const ch = (info.data.channel ?? {}) as {
    is_archived?: boolean;
    is_member?: boolean;
    is_private?: boolean;
    is_im?: boolean;
    is_mpim?: boolean;
  };
  const botName = typeof auth.data.user === 'string' ? auth.data.user : undefined;
  const ctx = { channel: conv.name, connection: conn.name, kind: conn.kind, ...(botName ? { botName } : {}) };
  if (ch.is_archived) problems.push(problemOf(slackError('is_archived', ctx)));
  else if (ch.is_member === false && !ch.is_im && !ch.is_mpim) {
    const canPublic = tokenType === 'bot' && !ch.is_private && hasScope(new Set(granted), 'chat:write.public');
    if (!canPublic) problems.push(problemOf(slackError(ch.is_private ? 'channel_not_found' : 'not_in_channel', ctx)));
  }
  return problems;
}
