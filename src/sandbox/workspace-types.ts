/** The data model of the sandbox workspace: plain records, shaped after Slack's objects. */

/** A person (or a bot user) of the workspace. */
export interface SandboxUser {
  /** `U…` id. */
  id: string;
  /** Handle, unique in the workspace (`alice`). */
  name: string;
  real_name: string;
  /** Empty for bot users. */
  email: string;
  is_admin: boolean;
  is_bot: boolean;
  /** Bot users only: the `B…` bot id and the `A…` app id. */
  bot_id?: string;
  app_id?: string;
  deleted: boolean;
  tz: string;
  title: string;
}

/** The kind of conversation, as Slack's `channel_type` names it. */
export type ChannelType = 'channel' | 'group' | 'im' | 'mpim';

/** A conversation: public or private channel, IM or MPIM. */
export interface SandboxChannel {
  /** `C…` public or private channel (new-style private ids are `C…` too), `G…` MPIM, `D…` IM. */
  id: string;
  /** Channel name without `#`; IMs have none (empty), MPIMs `mpdm-a--b--c-1`. */
  name: string;
  type: ChannelType;
  is_archived: boolean;
  /** The workspace's #general. */
  is_general: boolean;
  /** Unix seconds. */
  created: number;
  creator: string;
  topic: string;
  purpose: string;
  /** Member user ids (for IMs, both parties). */
  members: Set<string>;
  /** IMs only: the other party, as seen from a user. */
  im_users?: [string, string];
}

/** A stored message; top-level and thread replies alike. */
export interface SandboxMessage {
  type: 'message';
  /** Unique within its channel. */
  ts: string;
  /** Posting user (for bot messages, the bot's user id). */
  user: string;
  text: string;
  /** Bot messages only. */
  bot_id?: string;
  app_id?: string;
  subtype?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  /** Message metadata (`{event_type, event_payload}`), returned by history only on request. */
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  /** Set on replies (the parent ts) and on parents that have replies (their own ts). */
  thread_ts?: string;
  /** A reply also shown in the channel. */
  reply_broadcast?: boolean;
  /** Parents only: count and latest reply. */
  reply_count?: number;
  latest_reply?: string;
  reply_users?: string[];
  edited?: { user: string; ts: string };
  username?: string;
  icon_emoji?: string;
  icon_url?: string;
}

/** The kind of an access token. */
export type TokenKind = 'bot' | 'user' | 'app';

/** An issued token and what it may do. */
export interface SandboxToken {
  token: string;
  kind: TokenKind;
  /** Granted scopes (for app tokens: `connections:write`, …). */
  scopes: string[];
  /** The user the token acts as (for bot tokens, the bot user). */
  user_id: string;
  app_id: string;
  bot_id?: string;
  revoked: boolean;
  /** Epoch ms after which the token answers `token_expired` (token rotation). */
  expires_at?: number;
}

/** An installed incoming webhook. */
export interface SandboxWebhook {
  /** `B…` service id, part of the URL. */
  id: string;
  channel_id: string;
  secret: string;
  app_id: string;
  revoked: boolean;
}

/** The sandbox's one app (the Runwire app under test). */
export interface SandboxApp {
  /** `A…` id. */
  id: string;
  name: string;
  client_id: string;
  client_secret: string;
  signing_secret: string;
  bot_id: string;
  bot_user_id: string;
}

/** Emitted on `'message'`, `'message_changed'` and `'message_deleted'`. */
export interface MessageEvent {
  channel: SandboxChannel;
  message: SandboxMessage;
  /** The posting (or editing/deleting) user; for bot posts the bot user. */
  user: SandboxUser | undefined;
  /** `message_changed`: the message before the change; `message_deleted`: the removed message. */
  previous?: SandboxMessage;
}
