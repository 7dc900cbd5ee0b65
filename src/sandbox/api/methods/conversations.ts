/** conversations.list / info / join / open / history / replies */
import type { SandboxChannel } from '../../workspace-types.js';
import { historyScope, readScope, requireScope, visibleChannel } from '../access.js';
import { bool, int, paginate, str } from '../args.js';
import { SlackApiError, type MethodCall, type MethodRegistry } from '../registry.js';
import { conversationJson, messageJson } from '../shape.js';

const TYPE_OF: Record<string, SandboxChannel['type']> = {
  public_channel: 'channel',
  private_channel: 'group',
  im: 'im',
  mpim: 'mpim',
};
const READ_SCOPES = ['channels:read', 'groups:read', 'im:read', 'mpim:read'];
const HISTORY_SCOPES = ['channels:history', 'groups:history', 'im:history', 'mpim:history'];
const TS = /^\d{10}\.\d{6}$|^\d+(\.\d+)?$/;

function list(call: MethodCall): Record<string, unknown> {
  const t = call.token!;
  const typeNames = (str(call.args, 'types') ?? 'public_channel')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const types = new Set<SandboxChannel['type']>();
  for (const n of typeNames) {
    const ty = TYPE_OF[n];
    if (!ty) throw new SlackApiError('invalid_types');
    types.add(ty);
    requireScope(t, { channel: 'channels:read', group: 'groups:read', im: 'im:read', mpim: 'mpim:read' }[ty]);
  }
  const limit = int(call.args, 'limit', 100, 1, 1000, 'invalid_limit');
  const excludeArchived = bool(call.args, 'exclude_archived');
  const all = [...call.workspace.channels.values()].filter(
    (c) =>
      types.has(c.type) && (c.type === 'channel' || c.members.has(t.user_id)) && !(excludeArchived && c.is_archived),
  );
  const { page, next_cursor } = paginate(all, limit, str(call.args, 'cursor'));
  return {
    channels: page.map((c) => conversationJson(call.workspace, c, t.user_id)),
    response_metadata: { next_cursor },
  };
}

/** Slack's time-range filter of history and replies: `oldest`/`latest`, exclusive unless `inclusive`. */
function inRange(args: Record<string, unknown>): (m: { ts: string }) => boolean {
  const latest = str(args, 'latest');
  const oldest = str(args, 'oldest');
  const inclusive = bool(args, 'inclusive');
  return (m) => {
    const ts = Number(m.ts);
    if (latest !== undefined && (inclusive ? ts > Number(latest) : ts >= Number(latest))) return false;
    if (oldest !== undefined && (inclusive ? ts < Number(oldest) : ts <= Number(oldest))) return false;
    return true;
  };
}

function history(call: MethodCall): Record<string, unknown> {
  const t = call.token!;
  const ws = call.workspace;
  const ch = visibleChannel(ws, t, str(call.args, 'channel'));
  requireScope(t, historyScope(ch));
  const latest = str(call.args, 'latest');
  const oldest = str(call.args, 'oldest');
  if (latest !== undefined && !TS.test(latest)) throw new SlackApiError('invalid_ts_latest');
  if (oldest !== undefined && !TS.test(oldest)) throw new SlackApiError('invalid_ts_oldest');
  const limit = int(call.args, 'limit', 100, 1, 999);
  const msgs = ws.history(ch.id).filter(inRange(call.args));
  const { page, next_cursor } = paginate(msgs, limit, str(call.args, 'cursor'));
  const includeMetadata = bool(call.args, 'include_all_metadata');
  return {
    messages: page.map((m) => messageJson(ws, ch.id, m, { includeMetadata })),
    has_more: next_cursor !== '',
    pin_count: 0,
    channel_actions_ts: null,
    channel_actions_count: 0,
    response_metadata: { next_cursor },
  };
}

/**
 * A thread, as Slack answers it: the parent first (on the first page, whatever the time range),
 * then the replies within `oldest`/`latest`; `ts` may name the parent or any reply; message
 * metadata only with `include_all_metadata`, as in conversations.history.
 */
function replies(call: MethodCall): Record<string, unknown> {
  const t = call.token!;
  const ws = call.workspace;
  const ch = visibleChannel(ws, t, str(call.args, 'channel'));
  requireScope(t, historyScope(ch));
  const ts = str(call.args, 'ts');
  const named = ts === undefined ? undefined : ws.findMessage(ch.id, ts);
  const thread = named ? ws.replies(ch.id, named.thread_ts ?? named.ts) : undefined;
  if (!thread) throw new SlackApiError('thread_not_found');
  const [parent, ...rest] = thread;
  const inThread = [parent!, ...rest.filter(inRange(call.args))];
  const limit = int(call.args, 'limit', 1000, 1, 1000);
  const { page, next_cursor } = paginate(inThread, limit, str(call.args, 'cursor'));
  const includeMetadata = bool(call.args, 'include_all_metadata');
  return {
    messages: page.map((m) => messageJson(ws, ch.id, m, { includeMetadata })),
    has_more: next_cursor !== '',
    response_metadata: { next_cursor },
  };
}

function open(call: MethodCall): Record<string, unknown> {
  const t = call.token!;
  const ws = call.workspace;
  const existing = str(call.args, 'channel');
  const returnIm = bool(call.args, 'return_im');
  if (existing !== undefined) {
    const ch = ws.channels.get(existing);
    if (!ch || (ch.type !== 'im' && ch.type !== 'mpim') || !ch.members.has(t.user_id))
      throw new SlackApiError('channel_not_found');
    return { channel: conversationJson(ws, ch, t.user_id) };
  }
  const ids = (str(call.args, 'users') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new SlackApiError('users_list_not_supplied');
  // Slack counts the listed users; the caller joins them (an MPIM holds at most 8 others plus the caller).
  if (ids.length > 8) throw new SlackApiError('too_many_users');
  for (const id of ids) {
    const u = ws.users.get(id);
    if (!u) throw new SlackApiError('user_not_found');
    if (u.deleted) throw new SlackApiError('user_disabled');
  }
  if (ids.length === 1) {
    requireScope(t, 'im:write');
    const ch = ws.openIm(t.user_id, ids[0]!);
    const full = conversationJson(ws, ch, t.user_id);
    return { no_op: false, already_open: false, channel: returnIm ? full : { id: ch.id } };
  }
  requireScope(t, 'mpim:write');
  const ch = ws.openMpim([t.user_id, ...ids.filter((id) => id !== t.user_id)]);
  return { channel: conversationJson(ws, ch, t.user_id) };
}

export function registerConversationMethods(reg: MethodRegistry): void {
  reg.register({
    name: 'conversations.list',
    tier: 2,
    scopes: { bot: READ_SCOPES, user: READ_SCOPES },
    errors: ['invalid_cursor', 'invalid_limit', 'invalid_types', 'missing_scope'],
    handler: list,
  });
  reg.register({
    name: 'conversations.info',
    tier: 3,
    scopes: { bot: READ_SCOPES, user: READ_SCOPES },
    errors: ['channel_not_found', 'missing_scope'],
    handler(call) {
      const ch = visibleChannel(call.workspace, call.token!, str(call.args, 'channel'));
      requireScope(call.token!, readScope(ch));
      return { channel: conversationJson(call.workspace, ch, call.token!.user_id) };
    },
  });
  reg.register({
    name: 'conversations.join',
    tier: 3,
    scopes: { bot: ['channels:join'], user: ['channels:write'] },
    errors: ['channel_not_found', 'is_archived', 'method_not_supported_for_channel_type'],
    handler(call) {
      const t = call.token!;
      const ch = visibleChannel(call.workspace, t, str(call.args, 'channel'));
      if (ch.type !== 'channel') throw new SlackApiError('method_not_supported_for_channel_type');
      if (ch.is_archived) throw new SlackApiError('is_archived');
      const already = ch.members.has(t.user_id);
      call.workspace.join(ch.id, t.user_id);
      return {
        channel: conversationJson(call.workspace, ch, t.user_id),
        ...(already ? { warning: 'already_in_channel', response_metadata: { warnings: ['already_in_channel'] } } : {}),
      };
    },
  });
  reg.register({
    name: 'conversations.open',
    tier: 3,
    scopes: {
      bot: ['channels:manage', 'groups:write', 'im:write', 'mpim:write'],
      user: ['channels:write', 'groups:write', 'im:write', 'mpim:write'],
    },
    errors: [
      'channel_not_found',
      'users_list_not_supplied',
      'too_many_users',
      'user_not_found',
      'user_disabled',
      'missing_scope',
    ],
    handler: open,
  });
  reg.register({
    name: 'conversations.history',
    tier: 3,
    scopes: { bot: HISTORY_SCOPES, user: HISTORY_SCOPES },
    errors: ['channel_not_found', 'missing_scope', 'invalid_ts_latest', 'invalid_ts_oldest', 'invalid_cursor'],
    handler: history,
  });
  reg.register({
    name: 'conversations.replies',
    tier: 3,
    scopes: { bot: HISTORY_SCOPES, user: HISTORY_SCOPES },
    errors: ['channel_not_found', 'missing_scope', 'thread_not_found', 'invalid_cursor'],
    handler: replies,
  });
}
