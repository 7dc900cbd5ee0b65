/**
 * Which Events API events a workspace change produces for the sandbox app, and the `event_callback`
 * wrapper they travel in. Pure: values in, values out (ids and clock are passed in).
 *
 * Shapes follow `reference/slack/events/message.channels.docs-example.json`, `MessageBotPayload.json`,
 * `MessageChangedPayload.json` and the Socket Mode envelope fixtures.
 */

/** The sandbox app as the Events API names it. */
export interface AppIdentity {
  /** Workspace id, `T…`. */
  teamId: string;
  /** The app's id, `A…`. */
  appId: string;
  /** The bot user's id, `U…` (what `<@…>` mentions of the app contain). */
  botUserId: string;
  /** The deprecated verification token Slack still puts in every payload. */
  verificationToken: string;
}

/** Slack's four conversation kinds, as `channel_type` spells them. */
export type ChannelType = 'channel' | 'group' | 'im' | 'mpim';

/** What the builder needs to know about the conversation a message landed in. */
export interface ConversationView {
  /** `C…`, `G…` or `D…`. */
  id: string;
  type: ChannelType;
  /** Whether the app's bot user can see this conversation (member, or the other side of the DM). */
  botIsMember: boolean;
}

/** A message as the workspace stores it (Slack's message object; extra fields are passed through). */
export interface MessageView {
  ts: string;
  text?: string;
  user?: string;
  bot_id?: string;
  subtype?: string;
  thread_ts?: string;
  [field: string]: unknown;
}

/** One Slack event (the `event` field of an event_callback). */
export interface SlackEvent {
  type: string;
  event_ts: string;
  [field: string]: unknown;
}

/** The Events API wrapper. */
export interface EventCallback {
  token: string;
  team_id: string;
  api_app_id: string;
  event: SlackEvent;
  type: 'event_callback';
  event_id: string;
  event_time: number;
  /** Deprecated by Slack in favour of `authorizations`, but still required by the reference wrapper schema. */
  authed_users: string[];
  authorizations: Array<{
    enterprise_id: null;
    team_id: string;
    user_id: string;
    is_bot: boolean;
    is_enterprise_install: boolean;
  }>;
  is_ext_shared_channel: boolean;
  event_context: string;
}

/** A workspace change the events layer reacts to. */
export type WorkspaceChange =
  | { kind: 'posted'; conversation: ConversationView; message: MessageView }
  | { kind: 'changed'; conversation: ConversationView; message: MessageView; previous: MessageView; eventTs: string }
  | { kind: 'deleted'; conversation: ConversationView; previous: MessageView; eventTs: string };

/** The subscription that lets an app see `message` events in each conversation kind. */
export const MESSAGE_SUBSCRIPTION: Record<ChannelType, string> = {
  channel: 'message.channels',
  group: 'message.groups',
  im: 'message.im',
  mpim: 'message.mpim',
};

/** What a freshly seeded sandbox app subscribes to. */
export const DEFAULT_SUBSCRIPTIONS: readonly string[] = [
  'message.channels',
  'message.groups',
  'message.im',
  'message.mpim',
  'app_mention',
];

/** Every event type the sandbox can emit (subscriptions outside this list are refused). */
export const SUPPORTED_SUBSCRIPTIONS: readonly string[] = DEFAULT_SUBSCRIPTIONS;

/**
 * The events a change produces for the app, given what it subscribes to. The bot only hears
 * conversations it is in; its own posts come back as message events with its `bot_id` like on
 * Slack, so consumers must filter them (by `bot_id` / the bot user, as Slack recommends).
 * Mentions of the bot also give an `app_mention` (never for the bot's own posts).
 */
export function eventsForChange(
  change: WorkspaceChange,
  app: AppIdentity,
  subscriptions: readonly string[],
): SlackEvent[] {
  const conv = change.conversation;
  if (!conv.botIsMember) return [];
  const events: SlackEvent[] = [];
  const wantsMessages = subscriptions.includes(MESSAGE_SUBSCRIPTION[conv.type]);
  if (change.kind === 'posted') {
    const message = asEventMessage(change.message);
    if (wantsMessages) {
      events.push({
        ...message,
        type: 'message',
        channel: conv.id,
        event_ts: change.message.ts,
        channel_type: conv.type,
      });
    }
    const mentioned = typeof message.text === 'string' && message.text.includes(`<@${app.botUserId}>`);
    if (mentioned && message.bot_id === undefined && subscriptions.includes('app_mention')) {
      events.push({ ...message, type: 'app_mention', channel: conv.id, event_ts: change.message.ts });
    }
    return events;
  }
  if (!wantsMessages) return [];
  if (change.kind === 'changed') {
    events.push({
      type: 'message',
      subtype: 'message_changed',
      hidden: true,
      channel: conv.id,
      message: asEventMessage(change.message),
      previous_message: asEventMessage(change.previous),
      ts: change.eventTs,
      event_ts: change.eventTs,
      channel_type: conv.type,
    });
  } else {
    events.push({
      type: 'message',
      subtype: 'message_deleted',
      hidden: true,
      channel: conv.id,
      deleted_ts: change.previous.ts,
      previous_message: asEventMessage(change.previous),
      ts: change.eventTs,
      event_ts: change.eventTs,
      channel_type: conv.type,
    });
  }
  return events;
}

/**
 * A message as it appears inside an event. Posts an app makes with its bot token carry `bot_id`,
 * `app_id` and `bot_profile` (and the bot user as `user`) but no subtype, as on Slack; only legacy
 * integrations and incoming webhooks post `subtype: bot_message` (the workspace stores it so).
 */
function asEventMessage(message: MessageView): MessageView {
  return { type: 'message', ...message };
}

/** Wraps one event for delivery. `eventId` and `nowMs` come from the caller (ids and clock are not read here). */
export function wrapEvent(event: SlackEvent, app: AppIdentity, eventId: string, nowMs: number): EventCallback {
  const channel = typeof event.channel === 'string' ? event.channel : '';
  return {
    token: app.verificationToken,
    team_id: app.teamId,
    api_app_id: app.appId,
    event,
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(nowMs / 1000),
    authed_users: [app.botUserId],
    authorizations: [
      { enterprise_id: null, team_id: app.teamId, user_id: app.botUserId, is_bot: true, is_enterprise_install: false },
    ],
    is_ext_shared_channel: false,
    // Slack documents event_context as opaque; the Socket Mode fixtures show this readable form.
    event_context: `1-${event.type}-${app.teamId}-${channel}`,
  };
}

/** The body Slack sends to verify a newly set Request URL. */
export function urlVerificationBody(
  token: string,
  challenge: string,
): { token: string; challenge: string; type: 'url_verification' } {
  return { token, challenge, type: 'url_verification' };
}
