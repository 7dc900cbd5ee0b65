/**
 * What the Slack trigger needs from the Web API, cached (the workspace client memoises look-ups for
 * a minute and lists channels once for every name): channel names to ids, the users a trigger allows
 * (`@name` of a person or a user group, ids; groups expanded to their members), a user's name for
 * `{{trigger.user_name}}`, a message's permalink.
 */
import { resolveApprovers } from '../../slack/approvals/approvers.js';
import type { ResolvedConnection } from '../../slack/connections/types.js';
import { realClock } from '../../slack/delivery/channel-queue.js';
import { type WorkspaceClient, WorkspaceClients } from '../../slack/delivery/workspace-client.js';

export class SlackLookups {
  private readonly clients = new WorkspaceClients(realClock, 10_000);

  client(conn: ResolvedConnection): WorkspaceClient {
    return this.clients.for(conn, 'bot');
  }

  /** Ids of `#name` / id references; names the workspace does not have are left out (and returned). */
  async channelIds(conn: ResolvedConnection, refs: readonly string[]): Promise<{ ids: string[]; unknown: string[] }> {
    const ids: string[] = [];
    const unknown: string[] = [];
    const ws = this.client(conn);
    for (const ref of refs) {
      if (!ref.startsWith('#')) {
        ids.push(ref);
        continue;
      }
      await ws.listChannels();
      let ch = ws.channelsByName?.get(ref.slice(1));
      if (!ch) {
        await ws.listChannels(undefined, true);
        ch = ws.channelsByName?.get(ref.slice(1));
      }
      if (ch) ids.push(ch.id);
      else unknown.push(ref);
    }
    return { ids, unknown };
  }

  /** The user ids `users:` allows (throws `runwire.approval.unknown_approver` for a name the workspace lacks). */
  allowedUsers(conn: ResolvedConnection, refs: readonly string[]): Promise<Set<string>> {
    return resolveApprovers(this.client(conn), refs);
  }

  /** Who the connection's bot is, by auth.test (memoised by the workspace client): its user and bot ids. */
  async ownBot(conn: ResolvedConnection): Promise<{ userId?: string; botId?: string }> {
    const out = await this.client(conn).authTest();
    if (out.kind !== 'ok') return {};
    const userId = typeof out.data.user_id === 'string' ? out.data.user_id : undefined;
    const botId = typeof out.data.bot_id === 'string' ? out.data.bot_id : undefined;
    return { ...(userId ? { userId } : {}), ...(botId ? { botId } : {}) };
  }

  async userName(conn: ResolvedConnection, userId: string): Promise<string> {
    const ws = this.client(conn);
    const out = await ws.memoise(`trigger-user:${userId}`, () => ws.read('users.info', { user: userId }));
    if (out.kind !== 'ok') return '';
    const user = out.data.user as { name?: string; real_name?: string } | undefined;
    return user?.name ?? '';
  }

  async permalink(conn: ResolvedConnection, channel: string, ts: string): Promise<string> {
    const out = await this.client(conn).read('chat.getPermalink', { channel, message_ts: ts });
    return out.kind === 'ok' && typeof out.data.permalink === 'string' ? out.data.permalink : '';
  }
}
