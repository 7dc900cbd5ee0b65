/**
 * What the sandbox web page shows, computed from the workspace. Pure functions over workspace
 * records, so the page's JSON is easy to test and the routes stay thin.
 */
import type { SandboxChannel, SandboxMessage, SandboxUser } from '../workspace-types.js';
import { blocksView, type ViewBlock } from './blocks-view.js';

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

/** A message as the page draws it: the stored fields plus what the page needs precomputed. */
export type ViewMessage = SandboxMessage & {
  /** The blocks' text in order, when the message has blocks (Slack then shows them, not `text`). */
  view_blocks?: ViewBlock[];
};

/** A top-level message with its thread replies, oldest first. */
export type ThreadedMessage = ViewMessage & {
  replies: ViewMessage[];
  /**
   * Set on the channel-list copy of a reply posted with `reply_broadcast: true`: Slack shows such
   * a reply in the thread and also in the channel, headed "replied to a thread: <parent>".
   */
  broadcast_of?: { thread_ts: string; parent_text: string };
};

const view = (m: SandboxMessage): ViewMessage => {
  const blocks = blocksView(m.blocks);
  return blocks ? { ...m, view_blocks: blocks } : { ...m };
};

const ORDER: Record<SandboxChannel['type'], number> = { channel: 0, group: 1, mpim: 2, im: 3 };

/** Sidebar items: channels by kind then name. */
export function channelItems(
  channels: Iterable<SandboxChannel>,
  users: ReadonlyMap<string, SandboxUser>,
  botUserId: string,
): ChannelItem[] {
  const nameOf = (id: string): string => users.get(id)?.name ?? id;
  return [...channels]
    .map((c) => {
      const people = [...c.members].map(nameOf).sort();
      const label = c.type === 'im' || c.type === 'mpim' || c.name === '' ? people.join(', ') : c.name;
      return {
        id: c.id,
        name: c.name,
        label,
        type: c.type,
        is_archived: c.is_archived,
        is_general: c.is_general,
        topic: c.topic,
        purpose: c.purpose,
        num_members: c.members.size,
        bot_is_member: c.members.has(botUserId),
      };
    })
    .sort((a, b) => ORDER[a.type] - ORDER[b.type] || a.label.localeCompare(b.label));
}

/**
 * Top-level messages oldest first, each with its replies nested (the page indents them). A reply
 * whose parent is gone is shown at top level rather than lost. A reply sent with
 * `reply_broadcast` stays in its thread and also gets a top-level copy at its own time, as in Slack.
 */
export function threadedMessages(all: readonly SandboxMessage[]): ThreadedMessage[] {
  const top: ThreadedMessage[] = [];
  const byTs = new Map<string, ThreadedMessage>();
  for (const m of all) {
    if (m.thread_ts === undefined || m.thread_ts === m.ts) {
      const t: ThreadedMessage = { ...view(m), replies: [] };
      top.push(t);
      byTs.set(m.ts, t);
    }
  }
  for (const m of all) {
    if (m.thread_ts === undefined || m.thread_ts === m.ts) continue;
    const parent = byTs.get(m.thread_ts);
    if (!parent) {
      top.push({ ...view(m), replies: [] });
      continue;
    }
    parent.replies.push(view(m));
    if (m.reply_broadcast)
      top.push({ ...view(m), replies: [], broadcast_of: { thread_ts: m.thread_ts, parent_text: parent.text } });
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

/**
 * Where a Slack permalink (`/archives/C123/p1700000000123456`, as `chat.getPermalink` answers) points:
 * the channel and the message `ts`. Undefined for anything else.
 */
export function permalinkTarget(pathname: string): { channel: string; ts: string } | undefined {
  const m = /^\/archives\/([A-Z0-9]+)\/p(\d{7,10})(\d{6})\/?$/.exec(pathname);
  return m ? { channel: m[1]!, ts: `${m[2]}.${m[3]}` } : undefined;
}
