/**
 * Slack's channel rules for callers, as small decisions shared by the methods:
 * names are accepted only where Slack takes them (posting), ids everywhere; a private conversation the caller is not in does not exist for them (`channel_not_found`);
 * archived channels refuse writes (`is_archived`); a public channel the caller is not in refuses
 * posts (`not_in_channel`) unless a bot token holds `chat:write.public`.
 */
import type { SandboxChannel, SandboxToken } from '../workspace-types.js';
import type { Workspace } from '../workspace.js';
import { SlackApiError } from './registry.js';

/**
 * What a method's `channel` argument may be. Slack's chat.postMessage and chat.postEphemeral take
 * "an encoded ID or channel name" (and a user id, meaning the app's DM with that person); every other
 * method takes a conversation ID only (chat.update: "ensure that this value is a DM ID … instead of a
 * User ID"), and answers `channel_not_found` for a name.
 */
export type ChannelArg = 'id' | 'id_or_name';

/** The conversation as the caller may see it, or `channel_not_found`. */
export function visibleChannel(
  ws: Workspace,
  token: SandboxToken,
  ref: string | undefined,
  accepts: ChannelArg = 'id',
): SandboxChannel {
  if (!ref) throw new SlackApiError('channel_not_found');
  const ch = accepts === 'id' ? ws.channels.get(ref) : ws.resolveChannel(ref, token.user_id);
  if (!ch) throw new SlackApiError('channel_not_found');
  if (ch.type !== 'channel' && !ch.members.has(token.user_id)) throw new SlackApiError('channel_not_found');
  return ch;
}

/** Decide whether the caller may post into a conversation (pure); returns the Slack error or undefined. */
export function postDenial(ch: SandboxChannel, token: SandboxToken): string | undefined {
  if (ch.is_archived) return 'is_archived';
  if (ch.members.has(token.user_id)) return undefined;
  if (ch.type === 'channel' && token.kind === 'bot' && token.scopes.includes('chat:write.public')) return undefined;
  return 'not_in_channel';
}

/** The scope that reading a conversation's history needs, by its type. */
export function historyScope(ch: SandboxChannel): string {
  return { channel: 'channels:history', group: 'groups:history', im: 'im:history', mpim: 'mpim:history' }[ch.type];
}

/** The scope that reading a conversation's info needs, by its type. */
export function readScope(ch: SandboxChannel): string {
  return { channel: 'channels:read', group: 'groups:read', im: 'im:read', mpim: 'mpim:read' }[ch.type];
}

/** Throw `missing_scope` (with Slack's comma-separated `needed`/`provided`) unless the token holds `scope`. */
export function requireScope(token: SandboxToken, scope: string): void {
  if (!token.scopes.includes(scope)) {
    throw new SlackApiError('missing_scope', { needed: scope, provided: token.scopes.join(',') });
  }
}
