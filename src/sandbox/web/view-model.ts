/**
 * What the sandbox web page shows, computed from the workspace. Pure functions over workspace
 * records, so the page's JSON is easy to test and the routes stay thin.
 */
import type { SandboxChannel, SandboxMessage, SandboxUser } from '../workspace-types.js';

/** A conversation in the sidebar. */
export interface ChannelItem {
  id: string;
  name: string;
  /** What the sidebar shows: the name, or for DMs the people in it. */
  label: string;
  type: SandboxChannel['type'];
  is_archived: boolean;
  is_general: boolean;
  topic: string;
  purpose: string;
  num_members: number;
  /** Whether the app's bot is in it (so it will hear posts there). */
  bot_is_member: boolean;
}

/** A top-level message with its thread replies, oldest first. */
export type ThreadedMessage = SandboxMessage & { replies: SandboxMessage[] };

const ORDER: Record<SandboxChannel['type'], number> = { channel: 0, group: 1, mpim: 2, im: 3 };

/** Sidebar items: channels by kind then name. */
export function channelItems(channels: Iterable<SandboxChannel>, users: ReadonlyMap<string, SandboxUser>, botUserId: string): ChannelItem[] {
  const nameOf = (id: string): string => users.get(id)?.name ?? id;
  return [...channels]
    .map((c) => {
      const people = [...c.members].map(nameOf).sort();
      const label = c.type === 'im' || c.type === 'mpim' || c.name === '' ? people.join(', ') : c.name;
      return {
        id: c.id, name: c.name, label, type: c.type, is_archived: c.is_archived, is_general: c.is_general,
        topic: c.topic, purpose: c.purpose, num_members: c.members.size, bot_is_member: c.members.has(botUserId),
      };
    })
    .sort((a, b) => ORDER[a.type] - ORDER[b.type] || a.label.localeCompare(b.label));
}

/**
 * Top-level messages oldest first, each with its replies nested (the page indents them). A reply
 * whose parent is gone is shown at top level rather than lost.
 */
export function threadedMessages(all: readonly SandboxMessage[]): ThreadedMessage[] {
  const top: ThreadedMessage[] = [];
  const byTs = new Map<string, ThreadedMessage>();
  for (const m of all) {
    if (m.thread_ts === undefined || m.thread_ts === m.ts) {
      const t = { ...m, replies: [] };
      top.push(t);
      byTs.set(m.ts, t);
    }
  }
  for (const m of all) {
    if (m.thread_ts === undefined || m.thread_ts === m.ts) continue;
    const parent = byTs.get(m.thread_ts);
    if (parent) parent.replies.push(m);
    else top.push({ ...m, replies: [] });
  }
  const cmp = (a: SandboxMessage, b: SandboxMessage): number => compareTs(a.ts, b.ts);
  top.sort(cmp);
  for (const t of top) t.replies.sort(cmp);
  return top;
}

/** Orders Slack `ts` strings numerically (seconds, then the six-digit suffix). */
export function compareTs(a: string, b: string): number {
  const [as = '0', af = '0'] = a.split('.');
  const [bs = '0', bf = '0'] = b.split('.');
  return Number(as) - Number(bs) || Number(af) - Number(bf);
}
