/**
 * The in-memory workspace of the sandbox: team, users, the app with its bot, channels, memberships,
 * messages (ts unique per channel, threads, metadata), tokens and incoming webhooks.
 *
 * It is an EventEmitter so transports (Events API, Socket Mode, the web page) can follow it:
 * - `'message'` `(e: MessageEvent)` whenever a message is posted, by a user (web page) or an app (API);
 * - `'message_changed'` `(e: MessageEvent)` after chat.update (`e.previous` holds the old message);
 * - `'message_deleted'` `(e: MessageEvent)` after chat.delete (`e.message` is the removed message);
 * - `'ephemeral'` `(e: MessageEvent & { to: string })` for chat.postEphemeral (never stored);
 * - `'reset'` `()` after `reset()`.
 * Decisions about Slack semantics (who may post where) live in the API methods, not here.
 */
import { EventEmitter } from 'node:events';
import { RunwireError } from '../core/errors.js';
import { newClientId, newId, newSecret, newToken, nextTs } from './ids.js';
import { DEFAULT_USER_SCOPES, RUNWIRE_BOT_SCOPES, type WorkspaceSeed } from './seed.js';
import type {
  MessageEvent,
  SandboxApp,
  SandboxChannel,
  SandboxMessage,
  SandboxToken,
  SandboxUser,
  SandboxWebhook,
  TokenKind,
} from './workspace-types.js';

export type * from './workspace-types.js';

/** Credentials of the seeded app, fixed for the life of the workspace (kept across `reset()`). */
export interface SandboxCredentials {
  bot_token: string;
  app_token: string;
  signing_secret: string;
  client_id: string;
  client_secret: string;
  user_token?: string;
}

/** What a post needs besides channel and text. */
export interface PostInput {
  user: string;
  text: string;
  bot_id?: string;
  app_id?: string;
  /** Only `bot_message`: an incoming webhook's post (Slack's legacy integration subtype). */
  subtype?: 'bot_message';
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: SandboxMessage['metadata'];
  thread_ts?: string;
  reply_broadcast?: boolean;
  username?: string;
  icon_emoji?: string;
  icon_url?: string;
}

export interface WorkspaceOptions {
  /** Epoch milliseconds; injectable so tests can move time (code and token expiry). */
  clock?: () => number;
}

/** A seed with every id, token and secret filled in, so `reset()` rebuilds the same workspace. */
type SeedUserOf = NonNullable<WorkspaceSeed['users']>[number];
type SeedChannelOf = NonNullable<WorkspaceSeed['channels']>[number];
type SeedGroupOf = NonNullable<WorkspaceSeed['usergroups']>[number];
type ResolvedSeed = {
  users: Array<SeedUserOf & { id: string }>;
  usergroups: Array<SeedGroupOf & { id: string }>;
  channels: Array<SeedChannelOf & { id: string }>;
  team: { id: string; name: string; domain: string };
  app: Required<NonNullable<WorkspaceSeed['app']>> & { bot_id: string; bot_user_id: string };
};

function badSeed(problem: string): RunwireError {
  return new RunwireError('runwire.sandbox.bad_workspace', `sandbox workspace: ${problem}`, {
    fix: 'Members and message authors must be user names or ids from `users` (or `bot` for the app).',
  });
}

function resolveSeed(seed: WorkspaceSeed): ResolvedSeed {
  const given: SeedUserOf[] = seed.users && seed.users.length > 0 ? seed.users : [{ name: 'admin', is_admin: true }];
  const users = given.map((u) => ({ ...u, id: u.id ?? newId('U') }));
  const firstAdmin = users.find((u) => u.is_admin) ?? users[0]!;
  const app = seed.app ?? {};
  const twice = (values: string[]) => values.find((v, i) => values.indexOf(v) !== i);
  const dupUser = twice(users.map((u) => u.name)) ?? twice(users.map((u) => u.id));
  if (dupUser) throw badSeed(`two users are both "${dupUser}"`);
  if (users.some((u) => u.name === (app.bot_name ?? 'runwire')))
    throw badSeed(`a user is named like the bot ("${app.bot_name ?? 'runwire'}")`);
  const chans = seed.channels ?? [];
  const dupChannel = twice(chans.map((c) => c.name)) ?? twice(chans.flatMap((c) => (c.id ? [c.id] : [])));
  if (dupChannel) throw badSeed(`two channels are both "${dupChannel}"`);
  return {
    team: {
      id: seed.team?.id ?? newId('T'),
      name: seed.team?.name ?? 'Sandbox',
      domain: seed.team?.domain ?? 'sandbox',
    },
    users,
    usergroups: (seed.usergroups ?? []).map((g) => ({ ...g, id: g.id ?? newId('S') })),
    channels: (seed.channels ?? []).map((c) => ({ ...c, id: c.id ?? newId('C') })),
    app: {
      id: app.id ?? newId('A'),
      name: app.name ?? 'Runwire',
      bot_name: app.bot_name ?? 'runwire',
      client_id: app.client_id ?? newClientId(),
      client_secret: app.client_secret ?? newSecret(),
      signing_secret: app.signing_secret ?? newSecret(),
      bot_token: app.bot_token ?? newToken('bot'),
      app_token: app.app_token ?? newToken('app'),
      user_token: app.user_token ?? newToken('user'),
      user_token_user: app.user_token_user ?? firstAdmin.id,
      bot_scopes: app.bot_scopes ?? [...RUNWIRE_BOT_SCOPES],
      user_scopes: app.user_scopes ?? [...DEFAULT_USER_SCOPES],
      bot_id: newId('B'),
      bot_user_id: newId('U'),
    },
  };
}

export class Workspace extends EventEmitter {
  readonly team: { id: string; name: string; domain: string };
  readonly app: SandboxApp;
  readonly credentials: SandboxCredentials;
  readonly users = new Map<string, SandboxUser>();
  /** User groups by `S…` id: handle, name and member ids. */
  readonly usergroups = new Map<string, { id: string; handle: string; name: string; users: string[] }>();
  readonly channels = new Map<string, SandboxChannel>();
  readonly tokens = new Map<string, SandboxToken>();
  readonly webhooks = new Map<string, SandboxWebhook>();
  /** Per channel, every message (top-level and replies) in ts order. */
  private readonly messages = new Map<string, SandboxMessage[]>();
  private readonly seed: ResolvedSeed;
  readonly clock: () => number;
  /** The seed's `events` section, read by the events extension at start. */
  readonly eventsSeed: WorkspaceSeed['events'];

  constructor(seed: WorkspaceSeed, opts: WorkspaceOptions = {}) {
    super();
    this.eventsSeed = seed.events;
    this.clock = opts.clock ?? Date.now;
    this.seed = resolveSeed(seed);
    const a = this.seed.app;
    this.team = this.seed.team;
    this.app = {
      id: a.id,
      name: a.name,
      client_id: a.client_id,
      client_secret: a.client_secret,
      signing_secret: a.signing_secret,
      bot_id: a.bot_id,
      bot_user_id: a.bot_user_id,
    };
    this.credentials = {
      bot_token: a.bot_token,
      app_token: a.app_token,
      signing_secret: a.signing_secret,
      client_id: a.client_id,
      client_secret: a.client_secret,
      user_token: a.user_token,
    };
    this.build();
  }

  /** Back to the seeded state: seeded messages only, tokens as issued at start, no webhooks. */
  reset(): void {
    this.users.clear();
    this.usergroups.clear();
    this.channels.clear();
    this.tokens.clear();
    this.webhooks.clear();
    this.messages.clear();
    this.build();
    this.emit('reset');
  }

  private build(): void {
    const s = this.seed;
    const created = Math.floor(this.clock() / 1000);
    for (const u of s.users) {
      this.users.set(u.id, {
        id: u.id,
        name: u.name,
        real_name: u.real_name ?? u.name,
        email: u.email ?? '',
        is_admin: u.is_admin ?? false,
        is_bot: false,
        deleted: false,
        tz: u.tz ?? 'Etc/UTC',
        title: u.title ?? '',
      });
    }
    this.users.set(s.app.bot_user_id, {
      id: s.app.bot_user_id,
      name: s.app.bot_name,
      real_name: s.app.name,
      email: '',
      is_admin: false,
      is_bot: true,
      bot_id: s.app.bot_id,
      app_id: s.app.id,
      deleted: false,
      tz: 'Etc/UTC',
      title: '',
    });
    const creator = s.users[0]!.id;
    for (const g of s.usergroups) {
      const users = (g.users ?? []).map((ref) => {
        const u = this.userRef(ref);
        if (!u) throw badSeed(`user group @${g.handle} lists unknown user "${ref}"`);
        return u.id;
      });
      this.usergroups.set(g.id, { id: g.id, handle: g.handle, name: g.name ?? g.handle, users });
    }
    for (const c of s.channels) {
      const members = new Set<string>();
      for (const ref of c.members ?? []) {
        const id = ref === 'bot' ? s.app.bot_user_id : this.userRef(ref)?.id;
        if (!id) throw badSeed(`channel #${c.name} lists unknown member "${ref}"`);
        members.add(id);
      }
      this.channels.set(c.id, {
        id: c.id,
        name: c.name,
        type: c.private ? 'group' : 'channel',
        is_archived: c.archived ?? false,
        is_general: c.general ?? false,
        created,
        creator,
        topic: c.topic ?? '',
        purpose: c.purpose ?? '',
        members,
      });
      this.messages.set(c.id, []);
    }
    this.addToken({
      token: s.app.bot_token,
      kind: 'bot',
      scopes: [...s.app.bot_scopes],
      user_id: s.app.bot_user_id,
      app_id: s.app.id,
      bot_id: s.app.bot_id,
    });
    this.addToken({
      token: s.app.app_token,
      kind: 'app',
      scopes: ['connections:write'],
      user_id: s.app.bot_user_id,
      app_id: s.app.id,
    });
    this.addToken({
      token: s.app.user_token,
      kind: 'user',
      scopes: [...s.app.user_scopes],
      user_id: this.userRef(s.app.user_token_user)?.id ?? creator,
      app_id: s.app.id,
    });
    for (const c of s.channels) {
      for (const m of c.messages ?? []) {
        const u = this.userRef(m.user);
        if (!u) throw badSeed(`a message in #${c.name} names unknown user "${m.user}"`);
        this.store(c.id, { user: u.id, text: m.text });
      }
    }
  }

  /** Current time in epoch ms (the injectable clock). */
  now(): number {
    return this.clock();
  }

  /** The app's bot user. */
  botUser(): SandboxUser {
    return this.users.get(this.app.bot_user_id)!;
  }

  /** A user by id or name (`alice`, `@alice`). */
  userRef(ref: string): SandboxUser | undefined {
    const r = ref.replace(/^@/, '');
    return this.users.get(r) ?? [...this.users.values()].find((u) => u.name === r);
  }

  userByEmail(email: string): SandboxUser | undefined {
    const e = email.trim().toLowerCase();
    return [...this.users.values()].find((u) => u.email !== '' && u.email.toLowerCase() === e);
  }

  /**
   * Resolve what a caller passed as `channel`: an id, a name with or without `#`, or a user id
   * (which means the IM between the caller and that user, opened on demand, as Slack does).
   */
  resolveChannel(ref: string, actingUserId: string): SandboxChannel | undefined {
    const r = ref.trim();
    const byId = this.channels.get(r);
    if (byId) return byId;
    if (/^[UW][A-Z0-9]+$/.test(r)) {
      const target = this.users.get(r);
      return target ? this.openIm(actingUserId, target.id) : undefined;
    }
    const name = r.replace(/^#/, '');
    return [...this.channels.values()].find((c) => c.type !== 'im' && c.type !== 'mpim' && c.name === name);
  }

  /** The IM between two users, created when it does not exist yet. */
  openIm(a: string, b: string): SandboxChannel {
    for (const c of this.channels.values()) {
      if (c.type === 'im' && c.members.has(a) && c.members.has(b) && c.members.size === (a === b ? 1 : 2)) return c;
    }
    const ch: SandboxChannel = {
      id: newId('D'),
      name: '',
      type: 'im',
      is_archived: false,
      is_general: false,
      created: Math.floor(this.now() / 1000),
      creator: a,
      topic: '',
      purpose: '',
      members: new Set([a, b]),
      im_users: [a, b],
    };
    this.channels.set(ch.id, ch);
    this.messages.set(ch.id, []);
    return ch;
  }

  /** The MPIM of exactly these users, created when it does not exist yet. */
  openMpim(userIds: string[]): SandboxChannel {
    const want = new Set(userIds);
    for (const c of this.channels.values()) {
      if (c.type === 'mpim' && c.members.size === want.size && [...want].every((u) => c.members.has(u))) return c;
    }
    const names = [...want].map((id) => this.users.get(id)?.name ?? id);
    const ch: SandboxChannel = {
      id: newId('G'),
      name: `mpdm-${names.join('--')}-1`,
      type: 'mpim',
      is_archived: false,
      is_general: false,
      created: Math.floor(this.now() / 1000),
      creator: userIds[0]!,
      topic: '',
      purpose: '',
      members: want,
    };
    this.channels.set(ch.id, ch);
    this.messages.set(ch.id, []);
    return ch;
  }

  /** Add a user to a channel (conversations.join, the web page). */
  join(channelId: string, userId: string): void {
    this.channels.get(channelId)?.members.add(userId);
  }

  /** Store a message without emitting (used for seeding). */
  private store(channelId: string, input: PostInput): SandboxMessage {
    const list = this.messages.get(channelId);
    if (!list) throw new Error(`no such channel ${channelId}`);
    const ts = nextTs(list[list.length - 1]?.ts, this.now());
    const msg: SandboxMessage = { type: 'message', ts, user: input.user, text: input.text };
    if (input.bot_id) {
      msg.bot_id = input.bot_id;
      if (input.app_id) msg.app_id = input.app_id;
    }
    if (input.subtype) msg.subtype = input.subtype;
    if (input.blocks) msg.blocks = input.blocks;
    if (input.attachments) msg.attachments = input.attachments;
    if (input.metadata) msg.metadata = input.metadata;
    if (input.username) msg.username = input.username;
    if (input.icon_emoji) msg.icon_emoji = input.icon_emoji;
    if (input.icon_url) msg.icon_url = input.icon_url;
    if (input.thread_ts) {
      msg.thread_ts = input.thread_ts;
      if (input.reply_broadcast) msg.reply_broadcast = true;
      const parent = list.find((m) => m.ts === input.thread_ts);
      if (parent) {
        parent.thread_ts = parent.ts;
        parent.reply_count = (parent.reply_count ?? 0) + 1;
        parent.latest_reply = ts;
        parent.reply_users = [...new Set([...(parent.reply_users ?? []), input.user])];
      }
    }
    list.push(msg);
    return msg;
  }

  /** Post a message and emit `'message'`. Callers have already checked permissions. */
  post(channelId: string, input: PostInput): SandboxMessage {
    const msg = this.store(channelId, input);
    this.emit('message', this.eventFor(channelId, msg, input.user));
    return msg;
  }

  /** Post as a person (the web page's box). `channel` may be an id or a name; joins public channels. */
  postAsUser(userId: string, channel: string, text: string, threadTs?: string): SandboxMessage {
    const user = this.users.get(userId);
    if (!user) throw new Error(`no such user ${userId}`);
    const ch = this.resolveChannel(channel, userId);
    if (!ch) throw new Error(`no such channel ${channel}`);
    if (ch.is_archived) throw new Error(`#${ch.name} is archived`);
    if (!ch.members.has(userId)) {
      if (ch.type !== 'channel') throw new Error(`${user.name} is not a member of ${ch.id}`);
      ch.members.add(userId);
    }
    return this.post(ch.id, { user: userId, text, ...(threadTs ? { thread_ts: threadTs } : {}) });
  }

  /** Announce an ephemeral message (not stored). */
  ephemeral(channelId: string, to: string, input: PostInput): SandboxMessage {
    const msg: SandboxMessage = {
      type: 'message',
      ts: nextTs(undefined, this.now()),
      user: input.user,
      text: input.text,
    };
    if (input.blocks) msg.blocks = input.blocks;
    if (input.thread_ts) msg.thread_ts = input.thread_ts;
    this.emit('ephemeral', { ...this.eventFor(channelId, msg, input.user), to });
    return msg;
  }

  findMessage(channelId: string, ts: string): SandboxMessage | undefined {
    return this.messages.get(channelId)?.find((m) => m.ts === ts);
  }

  /** Replace text/blocks/attachments/metadata of a message and emit `'message_changed'`. */
  update(
    channelId: string,
    ts: string,
    patch: Partial<Pick<SandboxMessage, 'text' | 'blocks' | 'attachments' | 'metadata'>>,
    byUser: string,
    clear: ReadonlyArray<'blocks' | 'attachments' | 'metadata'> = [],
  ): SandboxMessage | undefined {
    const msg = this.findMessage(channelId, ts);
    if (!msg) return undefined;
    const previous = { ...msg };
    for (const field of clear) delete msg[field];
    if (patch.text !== undefined) msg.text = patch.text;
    if (patch.blocks !== undefined) msg.blocks = patch.blocks;
    if (patch.attachments !== undefined) msg.attachments = patch.attachments;
    if (patch.metadata !== undefined) msg.metadata = patch.metadata;
    msg.edited = { user: byUser, ts: nextTs(undefined, this.now()) };
    this.emit('message_changed', { ...this.eventFor(channelId, msg, byUser), previous });
    return msg;
  }

  /** Remove a message and emit `'message_deleted'`. */
  remove(channelId: string, ts: string, byUser: string): SandboxMessage | undefined {
    const list = this.messages.get(channelId);
    const i = list?.findIndex((m) => m.ts === ts) ?? -1;
    if (!list || i < 0) return undefined;
    const [msg] = list.splice(i, 1);
    this.emit('message_deleted', { ...this.eventFor(channelId, msg!, byUser), previous: msg });
    return msg;
  }

  /** Channel history as Slack shows it: top-level messages and broadcast replies, newest first. */
  history(channelId: string): SandboxMessage[] {
    const list = this.messages.get(channelId) ?? [];
    return list.filter((m) => !m.thread_ts || m.thread_ts === m.ts || m.reply_broadcast).reverse();
  }

  /** A thread: the parent then its replies, oldest first; undefined when the parent does not exist. */
  replies(channelId: string, threadTs: string): SandboxMessage[] | undefined {
    const list = this.messages.get(channelId) ?? [];
    const parent = list.find((m) => m.ts === threadTs);
    if (!parent) return undefined;
    return [parent, ...list.filter((m) => m.thread_ts === threadTs && m.ts !== threadTs)];
  }

  /** Every message of a channel (replies included), oldest first. */
  allMessages(channelId: string): SandboxMessage[] {
    return [...(this.messages.get(channelId) ?? [])];
  }

  addToken(t: Omit<SandboxToken, 'revoked'> & { revoked?: boolean }): SandboxToken {
    const rec: SandboxToken = { revoked: false, ...t };
    this.tokens.set(rec.token, rec);
    return rec;
  }

  /** Issue a new token of the app. Bot tokens act as the bot user; user tokens as `userId`. */
  issueToken(kind: TokenKind, scopes: string[], userId?: string, expiresAt?: number): SandboxToken {
    return this.addToken({
      token: newToken(kind),
      kind,
      scopes: [...new Set(scopes)],
      user_id: kind === 'user' ? (userId ?? [...this.users.values()].find((u) => !u.is_bot)!.id) : this.app.bot_user_id,
      app_id: this.app.id,
      ...(kind === 'bot' ? { bot_id: this.app.bot_id } : {}),
      ...(expiresAt !== undefined ? { expires_at: expiresAt } : {}),
    });
  }

  /**
   * Install another app's bot in the workspace (as another team's integration would be): a bot user
   * with its own `B…` bot id and `A…` app id, a bot token to post with (`chat:write`), and membership of
   * the given channels. Its posts reach the sandbox app as any other bot's would.
   */
  addOtherBot(name: string, channelIds: readonly string[] = []): { token: SandboxToken; user: SandboxUser } {
    const user: SandboxUser = {
      id: newId('U'),
      name,
      real_name: name,
      email: '',
      is_admin: false,
      is_bot: true,
      bot_id: newId('B'),
      app_id: newId('A'),
      deleted: false,
      tz: 'Etc/UTC',
      title: '',
    };
    this.users.set(user.id, user);
    for (const id of channelIds) this.channels.get(id)?.members.add(user.id);
    const token = this.addToken({
      token: newToken('bot'),
      kind: 'bot',
      scopes: ['chat:write'],
      user_id: user.id,
      app_id: user.app_id!,
      bot_id: user.bot_id!,
    });
    return { token, user };
  }

  /** Install an incoming webhook for a channel. */
  addWebhook(channelId: string): SandboxWebhook {
    const hook: SandboxWebhook = {
      id: newId('B'),
      channel_id: channelId,
      secret: newSecret(12),
      app_id: this.app.id,
      revoked: false,
    };
    this.webhooks.set(hook.id, hook);
    return hook;
  }

  private eventFor(channelId: string, message: SandboxMessage, userId: string): MessageEvent {
    return { channel: this.channels.get(channelId)!, message, user: this.users.get(userId) };
  }
}
