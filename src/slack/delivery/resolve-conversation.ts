/**
 * Turn a parsed target into the conversation id chat.postMessage needs: `#name` through one
 * cached conversations.list, a user (`@name`, e-mail, id) through users.list / users.lookupByEmail
 * and conversations.open, a group DM through conversations.open with all of them. Failures become
 * RunwireErrors from the catalog, naming the method and the target.
 */
import { RunwireError } from '../../core/errors.js';
import type { SlackTarget, UserRef } from '../targets.js';
import { slackError, transportError } from './error-catalog.js';
import { sandboxNotRunning } from '../sandbox-unreachable.js';
import type { ConnectionKind } from '../connections/types.js';
import type { CallOutcome } from './slack-call.js';
import type { Conversation, WorkspaceClient } from './workspace-client.js';

/** The error for a failed look-up call. */
export function outcomeError(
  out: Exclude<CallOutcome, { kind: 'ok' }>,
  method: string,
  channel: string,
  connection: string,
  kind?: ConnectionKind,
): RunwireError {
  if (out.kind === 'refused') {
    return slackError(out.error, {
      method,
      channel,
      connection,
      ...(kind ? { kind } : {}),
      ...(out.needed ? { needed: out.needed } : {}),
      ...(out.provided ? { provided: out.provided } : {}),
    });
  }
  if (out.kind === 'rate_limited') return slackError('ratelimited', { method, channel, connection });
  if (out.kind === 'unknown' && out.refusedAt) return sandboxNotRunning(out.refusedAt, connection);
  return transportError(out.transport, out.detail, { method, channel, connection });
}

async function lookupUser(ws: WorkspaceClient, ref: UserRef, label: string, signal?: AbortSignal): Promise<string> {
  const conn = ws.connection.name;
  if (ref.kind === 'user_id') return ref.id;
  if (ref.kind === 'email') {
    return ws.memoise(`email:${ref.email}`, async () => {
      const out = await ws.read('users.lookupByEmail', { email: ref.email }, signal);
      if (out.kind !== 'ok') throw outcomeError(out, 'users.lookupByEmail', label, conn, ws.connection.kind);
      return String((out.data.user as { id: string }).id);
    });
  }
  // A handle: users.list once (cached), matching the handle or the display name.
  const users = await ws.memoise('users', async () => {
    const all: Array<{ id: string; name: string; profile?: { display_name?: string } }> = [];
    let cursor: string | undefined;
    do {
      const out = await ws.read('users.list', { limit: 999, ...(cursor ? { cursor } : {}) }, signal);
      if (out.kind !== 'ok') throw outcomeError(out, 'users.list', label, conn, ws.connection.kind);
      all.push(...((out.data.members as typeof all | undefined) ?? []));
      cursor = (out.data.response_metadata as { next_cursor?: string } | undefined)?.next_cursor || undefined;
    } while (cursor);
    return all;
  });
  const found = users.find((u) => u.name === ref.name) ?? users.find((u) => u.profile?.display_name === ref.name);
  if (!found) {
    throw new RunwireError(
      'runwire.slack.user_not_found',
      `Slack has no user @${ref.name} that connection "${conn}" can see.`,
      {
        fix: 'Check the handle in `channel:`, or write the user id (U…) or e-mail address instead.',
      },
    );
  }
  return found.id;
}

async function openConversation(
  ws: WorkspaceClient,
  userIds: string[],
  label: string,
  signal?: AbortSignal,
): Promise<string> {
  const users = [...userIds].sort().join(',');
  return ws.memoise(`open:${users}`, async () => {
    const out = await ws.read('conversations.open', { users, return_im: false }, signal);
    if (out.kind !== 'ok') throw outcomeError(out, 'conversations.open', label, ws.connection.name, ws.connection.kind);
    return String((out.data.channel as { id: string }).id);
  });
}

/** Resolve a target to a conversation id and a name to show. Throws RunwireError. */
export async function resolveConversation(
  ws: WorkspaceClient,
  target: SlackTarget,
  signal?: AbortSignal,
): Promise<Conversation> {
  switch (target.kind) {
    case 'channel_id':
      return { id: target.id, name: target.label };
    case 'channel_name': {
      let failed = await ws.listChannels(signal);
      let hit = ws.channelsByName?.get(target.name);
      if (!hit && !failed) {
        // The channel may have been created since the listing: look once more.
        failed = await ws.listChannels(signal, true);
        hit = ws.channelsByName?.get(target.name);
      }
      if (failed)
        throw outcomeError(
          failed as Exclude<CallOutcome, { kind: 'ok' }>,
          'conversations.list',
          target.label,
          ws.connection.name,
          ws.connection.kind,
        );
      if (!hit) {
        const botName = await ws.botName(signal);
        throw slackError('channel_not_found', {
          channel: target.label,
          connection: ws.connection.name,
          method: 'conversations.list',
          ...(botName ? { botName } : {}),
        });
      }
      return hit;
    }
    case 'dm': {
      const id = await lookupUser(ws, target.user, target.label, signal);
      return { id: await openConversation(ws, [id], target.label, signal), name: target.label };
    }
    case 'group_dm': {
      const ids: string[] = [];
      for (const u of target.users) ids.push(await lookupUser(ws, u, target.label, signal));
      return { id: await openConversation(ws, ids, target.label, signal), name: target.label };
    }
  }
}
