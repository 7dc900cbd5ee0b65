/**
 * Names for Slack user and channel ids, for the web UI's message view (`<@U…>` → @name, `<#C…>` →
 * #name): asked of Slack with the connection's token (users.info, conversations.info) and kept per
 * connection for ten minutes, so opening task after task does not ask Slack again. An id Slack does
 * not know (or the token may not read) is kept as null for the same time. Only names leave here.
 */
import type { WebClient } from '@slack/web-api';

const TTL_MS = 10 * 60_000;
const MAX_ENTRIES = 10_000;

type Kind = 'user' | 'channel';

export class SlackNameCache {
  private readonly entries = new Map<string, { name: string | null; until: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Names for the ids, cached ones first; `client` is opened only when something is missing. */
  async lookup(
    connection: string,
    client: () => Promise<WebClient>,
    ids: { users: readonly string[]; channels: readonly string[] },
  ): Promise<{ users: Record<string, string | null>; channels: Record<string, string | null> }> {
    const out = { users: {} as Record<string, string | null>, channels: {} as Record<string, string | null> };
    let web: WebClient | undefined;
    for (const [kind, list, into] of [
      ['user', ids.users, out.users],
      ['channel', ids.channels, out.channels],
    ] as const) {
      for (const id of list) {
        const key = `${connection}\u0000${kind}\u0000${id}`;
        const hit = this.entries.get(key);
        if (hit && hit.until > this.now()) {
          into[id] = hit.name;
          continue;
        }
        web ??= await client();
        const name = await ask(web, kind, id);
        this.remember(key, name);
        into[id] = name;
      }
    }
    return out;
  }

  private remember(key: string, name: string | null): void {
    if (this.entries.size >= MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.delete(key);
    this.entries.set(key, { name, until: this.now() + TTL_MS });
  }
}

async function ask(web: WebClient, kind: Kind, id: string): Promise<string | null> {
  try {
    if (kind === 'user') {
      const r = await web.users.info({ user: id });
      const u = r.user;
      return u?.profile?.display_name || u?.real_name || u?.name || null;
    }
    const r = await web.conversations.info({ channel: id });
    return r.channel?.name ?? null;
  } catch {
    // user_not_found, channel_not_found, missing_scope, invalid_auth…: the UI shows the id instead.
    return null;
  }
}
