/** chat.postMessage, chat.update, chat.delete, chat.getPermalink, chat.postEphemeral */
import { DEFAULT_POST_MESSAGE } from '../../rate-limit.js';
import type { SandboxMessage, SandboxToken } from '../../workspace-types.js';
import type { PostInput, Workspace } from '../../workspace.js';
import { postDenial, visibleChannel } from '../access.js';
import { bool, jsonArg, str } from '../args.js';
import { blocksProblem } from '../blocks.js';
import { SlackApiError, type MethodCall, type MethodRegistry } from '../registry.js';
import { messageJson } from '../shape.js';

/** Slack refuses message text above 40,000 characters. */
export const MAX_TEXT = 40_000;
const MAX_ATTACHMENTS = 100;

/** The content of a message call (text, blocks, attachments, metadata), validated. */
function readContent(
  args: Record<string, unknown>,
  opts: { requireSome: boolean; badAttachments: string; truncate?: boolean },
): Pick<PostInput, 'text' | 'blocks' | 'attachments' | 'metadata'> & { truncated?: true } {
  const given = str(args, 'text');
  // chat.postMessage truncates text over 40,000 characters (its reference has no msg_too_long).
  const truncated = opts.truncate === true && given !== undefined && given.length > MAX_TEXT;
  const text = truncated ? given.slice(0, MAX_TEXT) : given;
  const blocks = jsonArg(args, 'blocks');
  const attachments = jsonArg(args, 'attachments');
  const metadata = jsonArg(args, 'metadata');
  if (blocks.invalid || (blocks.value !== undefined && blocksProblem(blocks.value)))
    throw new SlackApiError('invalid_blocks');
  if (attachments.invalid || (attachments.value !== undefined && !Array.isArray(attachments.value)))
    throw new SlackApiError(opts.badAttachments);
  if (Array.isArray(attachments.value) && attachments.value.length > MAX_ATTACHMENTS)
    throw new SlackApiError('too_many_attachments');
  const hasBlocks = Array.isArray(blocks.value) && blocks.value.length > 0;
  const hasAttachments = Array.isArray(attachments.value) && attachments.value.length > 0;
  if (opts.requireSome && text === undefined && !hasBlocks && !hasAttachments) throw new SlackApiError('no_text');
  if (text !== undefined && text.length > MAX_TEXT) throw new SlackApiError('msg_too_long');
  let meta: PostInput['metadata'];
  if (metadata.value !== undefined || metadata.invalid) {
    const m = metadata.value as Record<string, unknown> | undefined;
    if (
      metadata.invalid ||
      typeof m !== 'object' ||
      m === null ||
      typeof m.event_type !== 'string' ||
      typeof m.event_payload !== 'object' ||
      m.event_payload === null ||
      Array.isArray(m.event_payload)
    ) {
      throw new SlackApiError('invalid_metadata_format');
    }
    meta = { event_type: m.event_type, event_payload: m.event_payload as Record<string, unknown> };
  }
  return {
    text: text ?? '',
    ...(truncated ? { truncated: true as const } : {}),
    ...(hasBlocks ? { blocks: blocks.value as unknown[] } : {}),
    ...(hasAttachments ? { attachments: attachments.value as unknown[] } : {}),
    ...(meta ? { metadata: meta } : {}),
  };
}

/** Who the message is from: the bot (with bot_id) for bot tokens, the user for user tokens. */
function author(ws: Workspace, t: SandboxToken): Pick<PostInput, 'user' | 'bot_id' | 'app_id'> {
  return t.kind === 'bot'
    ? { user: t.user_id, bot_id: t.bot_id ?? ws.app.bot_id, app_id: t.app_id }
    : { user: t.user_id };
}

function postMessage(call: MethodCall): Record<string, unknown> {
  const { args, workspace: ws } = call;
  const t = call.token!;
  const ch = visibleChannel(ws, t, str(args, 'channel'), 'id_or_name');
  const denial = postDenial(ch, t);
  if (denial) throw new SlackApiError(denial);
  // Slack's reference lists no invalid_attachments for chat.postMessage; unparsable JSON there is invalid_form_data.
  const { truncated, ...content } = readContent(args, {
    requireSome: true,
    badAttachments: 'invalid_form_data',
    truncate: true,
  });
  let threadTs = str(args, 'thread_ts');
  if (threadTs !== undefined) {
    const parent = ws.findMessage(ch.id, threadTs);
    // Replying to a reply lands in the same thread, as in Slack; an unknown parent is refused.
    if (!parent) throw new SlackApiError('cannot_reply_to_message');
    threadTs = parent.thread_ts ?? parent.ts;
  }
  call.rateLimit(`chat.postMessage:${ch.id}`, call.limits.postMessage ?? DEFAULT_POST_MESSAGE);
  const msg = ws.post(ch.id, {
    ...author(ws, t),
    ...content,
    ...(threadTs ? { thread_ts: threadTs, reply_broadcast: bool(args, 'reply_broadcast') } : {}),
    ...(str(args, 'username') ? { username: str(args, 'username')! } : {}),
    ...(str(args, 'icon_emoji') ? { icon_emoji: str(args, 'icon_emoji')! } : {}),
    ...(str(args, 'icon_url') ? { icon_url: str(args, 'icon_url')! } : {}),
  });
  const warned = truncated
    ? { warning: 'message_truncated', response_metadata: { warnings: ['message_truncated'] } }
    : {};
  return { channel: ch.id, ts: msg.ts, message: messageJson(ws, ch.id, msg), ...warned };
}

/** The message an update/delete targets, which must be the caller's own. */
function ownMessage(call: MethodCall, tsArg: string, notOwn: string): { channel: string; msg: SandboxMessage } {
  const t = call.token!;
  const ch = visibleChannel(call.workspace, t, str(call.args, 'channel'));
  const ts = str(call.args, tsArg);
  const msg = ts === undefined ? undefined : call.workspace.findMessage(ch.id, ts);
  if (!msg) throw new SlackApiError('message_not_found');
  if (msg.user !== t.user_id) throw new SlackApiError(notOwn);
  return { channel: ch.id, msg };
}

/**
 * chat.update keeps a message's blocks, attachments and metadata when the call leaves them out; an
 * empty array (blocks, attachments) or an empty object (metadata) removes them, as Slack documents.
 * Returns the arguments without those empty values, and the fields to remove.
 */
function clearedFields(input: Record<string, unknown>): {
  args: Record<string, unknown>;
  clear: Array<'blocks' | 'attachments' | 'metadata'>;
} {
  const args = { ...input };
  const clear: Array<'blocks' | 'attachments' | 'metadata'> = [];
  for (const field of ['blocks', 'attachments', 'metadata'] as const) {
    const v = jsonArg(args, field).value;
    const empty =
      field === 'metadata'
        ? v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0
        : Array.isArray(v) && v.length === 0;
    if (!empty) continue;
    clear.push(field);
    delete args[field];
  }
  return { args, clear };
}

export function registerChatMethods(reg: MethodRegistry): void {
  reg.register({
    name: 'chat.postMessage',
    tier: 'special',
    scopes: { bot: ['chat:write'], user: ['chat:write'] },
    errors: [
      'channel_not_found',
      'not_in_channel',
      'is_archived',
      'no_text',
      'invalid_blocks',
      'too_many_attachments',
      'invalid_metadata_format',
      'cannot_reply_to_message',
    ],
    handler: postMessage,
  });
  reg.register({
    name: 'chat.update',
    tier: 3,
    scopes: { bot: ['chat:write'], user: ['chat:write'] },
    errors: [
      'channel_not_found',
      'message_not_found',
      'cant_update_message',
      'msg_too_long',
      'no_text',
      'invalid_blocks',
      'invalid_attachments',
      'too_many_attachments',
      'invalid_metadata_format',
      'is_inactive',
    ],
    handler(call) {
      const { channel, msg } = ownMessage(call, 'ts', 'cant_update_message');
      if (call.workspace.channels.get(channel)!.is_archived) throw new SlackApiError('is_inactive');
      const { args, clear } = clearedFields(call.args);
      const content = readContent(args, { requireSome: true, badAttachments: 'invalid_attachments' });
      const updated = call.workspace.update(channel, msg.ts, content, call.token!.user_id, clear)!;
      return { channel, ts: updated.ts, text: updated.text, message: messageJson(call.workspace, channel, updated) };
    },
  });
  reg.register({
    name: 'chat.delete',
    tier: 3,
    scopes: { bot: ['chat:write'], user: ['chat:write'] },
    errors: ['channel_not_found', 'message_not_found', 'cant_delete_message'],
    handler(call) {
      const { channel, msg } = ownMessage(call, 'ts', 'cant_delete_message');
      call.workspace.remove(channel, msg.ts, call.token!.user_id);
      return { channel, ts: msg.ts };
    },
  });
  reg.register({
    name: 'chat.getPermalink',
    tier: 'special',
    errors: ['channel_not_found', 'message_not_found'],
    handler(call) {
      const ch = visibleChannel(call.workspace, call.token!, str(call.args, 'channel'));
      const ts = str(call.args, 'message_ts');
      const msg = ts === undefined ? undefined : call.workspace.findMessage(ch.id, ts);
      if (!msg) throw new SlackApiError('message_not_found');
      const thread = msg.thread_ts && msg.thread_ts !== msg.ts ? `?thread_ts=${msg.thread_ts}&cid=${ch.id}` : '';
      return { channel: ch.id, permalink: `${call.baseUrl}archives/${ch.id}/p${msg.ts.replace('.', '')}${thread}` };
    },
  });
  reg.register({
    name: 'chat.postEphemeral',
    tier: 4,
    scopes: { bot: ['chat:write'], user: ['chat:write'] },
    errors: [
      'channel_not_found',
      'not_in_channel',
      'is_archived',
      'msg_too_long',
      'no_text',
      'invalid_blocks',
      'invalid_attachments',
      'too_many_attachments',
      'user_not_in_channel',
      'cannot_reply_to_message',
    ],
    handler(call) {
      const t = call.token!;
      const ws = call.workspace;
      const ch = visibleChannel(ws, t, str(call.args, 'channel'), 'id_or_name');
      const denial = postDenial(ch, t);
      if (denial) throw new SlackApiError(denial);
      const userId = str(call.args, 'user');
      if (!userId || !ch.members.has(userId)) throw new SlackApiError('user_not_in_channel');
      const content = readContent(call.args, { requireSome: true, badAttachments: 'invalid_attachments' });
      // In a thread when thread_ts names a message of the channel (a reply's ts: its thread), as Slack.
      let threadTs = str(call.args, 'thread_ts');
      if (threadTs !== undefined) {
        const parent = ws.findMessage(ch.id, threadTs);
        if (!parent) throw new SlackApiError('cannot_reply_to_message');
        threadTs = parent.thread_ts ?? parent.ts;
      }
      const msg = ws.ephemeral(ch.id, userId, {
        ...author(ws, t),
        ...content,
        ...(threadTs ? { thread_ts: threadTs } : {}),
      });
      return { message_ts: msg.ts };
    },
  });
}
