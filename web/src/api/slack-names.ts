/**
 * Names for the `<@U…>` and `<#C…>` mentions in a message, from
 * `GET /api/connections/{name}/lookup` (the server caches them; this page keeps what it was told).
 * Until they arrive, or when Slack does not know an id, the renderer shows the id.
 */
import { useEffect, useState } from 'react';
import { api } from './client';

export interface SlackNames {
  users: Record<string, string | null>;
  channels: Record<string, string | null>;
}

const known = new Map<string, SlackNames>();

/** The user and channel ids mentioned anywhere in the text or the blocks. */
export function mentionedIds(text: string | undefined, blocks: unknown): { users: string[]; channels: string[] } {
  const all = `${text ?? ''} ${typeof blocks === 'string' ? blocks : JSON.stringify(blocks ?? null)}`;
  const users = new Set([...all.matchAll(/<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>/g)].map((m) => m[1]!));
  const channels = new Set([...all.matchAll(/<#([CGD][A-Z0-9]{2,})(?:\|[^>]*)?>/g)].map((m) => m[1]!));
  return { users: [...users].slice(0, 50), channels: [...channels].slice(0, 50) };
}

export function useSlackNames(connection: string | undefined, text: string | undefined, blocks: unknown): SlackNames {
  const { users, channels } = mentionedIds(text, blocks);
  const key = `${connection ?? ''}|${users.join(',')}|${channels.join(',')}`;
  const [names, setNames] = useState<SlackNames>(() => known.get(key) ?? { users: {}, channels: {} });
  useEffect(() => {
    const have = known.get(key);
    if (have) {
      setNames(have);
      return;
    }
    const [conn = '', u = '', c = ''] = key.split('|');
    if (!conn || (!u && !c)) return;
    let live = true;
    const q = new URLSearchParams();
    if (u) q.set('users', u);
    if (c) q.set('channels', c);
    api<SlackNames>(`/api/connections/${encodeURIComponent(conn)}/lookup?${q}`)
      .then((n) => {
        known.set(key, n);
        if (live) setNames(n);
      })
      .catch(() => undefined); // the ids stay shown: a lookup is a nicety, not the message
    return () => {
      live = false;
    };
  }, [key]);
  return names;
}
