/** Render workspace records as Slack's JSON objects (conversation, user, message). Pure. */
import type { Workspace } from '../workspace.js';
import type { SandboxChannel, SandboxMessage, SandboxUser } from '../workspace-types.js';

const AVATAR = 'https://a.slack-edge.com/80588/img/avatars/ava_0001-72.png';

export function conversationJson(
  ws: Workspace,
  ch: SandboxChannel,
  viewer: string | undefined,
): Record<string, unknown> {
  if (ch.type === 'im') {
    const other = ch.im_users?.find((u) => u !== viewer) ?? ch.im_users?.[0] ?? '';
    return {
      id: ch.id,
      created: ch.created,
      is_im: true,
      is_org_shared: false,
      user: other,
      is_user_deleted: ws.users.get(other)?.deleted ?? false,
      priority: 0,
      is_archived: false,
      is_open: true,
    };
  }
  const topic = { value: ch.topic, creator: ch.topic ? ch.creator : '', last_set: ch.topic ? ch.created : 0 };
  const purpose = { value: ch.purpose, creator: ch.purpose ? ch.creator : '', last_set: ch.purpose ? ch.created : 0 };
  return {
    id: ch.id,
    name: ch.name,
    is_channel: ch.type === 'channel',
    is_group: ch.type === 'group',
    is_im: false,
    is_mpim: ch.type === 'mpim',
    is_private: ch.type !== 'channel',
    created: ch.created,
    is_archived: ch.is_archived,
    is_general: ch.is_general,
    unlinked: 0,
    name_normalized: ch.name,
    is_shared: false,
    is_org_shared: false,
    is_pending_ext_shared: false,
    pending_shared: [],
    is_ext_shared: false,
    creator: ch.creator,
    is_member: viewer !== undefined && ch.members.has(viewer),
    topic,
    purpose,
    previous_names: [],
    num_members: ch.members.size,
  };
}

/** A user; the e-mail only when the caller holds `users:read.email`, as in Slack. */
export function userJson(ws: Workspace, u: SandboxUser, withEmail: boolean): Record<string, unknown> {
  const profile: Record<string, unknown> = {
    title: u.title,
    phone: '',
    skype: '',
    real_name: u.real_name,
    real_name_normalized: u.real_name,
    display_name: u.is_bot ? '' : u.name,
    display_name_normalized: u.is_bot ? '' : u.name,
    fields: null,
    status_text: '',
    status_emoji: '',
    avatar_hash: 'g0000000000a',
    image_24: AVATAR,
    image_32: AVATAR,
    image_48: AVATAR,
    image_72: AVATAR,
    image_192: AVATAR,
    image_512: AVATAR,
    team: ws.team.id,
  };
  if (u.email && withEmail) profile.email = u.email;
  if (u.is_bot) {
    profile.bot_id = u.bot_id;
    profile.api_app_id = u.app_id;
    profile.always_active = true;
  }
  return {
    id: u.id,
    team_id: ws.team.id,
    name: u.name,
    deleted: u.deleted,
    color: '9f69e7',
    real_name: u.real_name,
    tz: u.tz,
    tz_label: u.tz,
    tz_offset: 0,
    profile,
    is_admin: u.is_admin,
    is_owner: u.is_admin,
    is_primary_owner: false,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot: u.is_bot,
    is_app_user: false,
    updated: 1700000000,
  };
}

/** A message as the Web API returns it; `metadata` only when asked (conversations.history's include_all_metadata). */
export function messageJson(
  ws: Workspace,
  channelId: string,
  m: SandboxMessage,
  opts: { includeMetadata?: boolean } = {},
): Record<string, unknown> {
  // A legacy `bot_message` (an incoming webhook's post) names no user, as on Slack.
  const out: Record<string, unknown> =
    m.subtype === 'bot_message'
      ? { type: 'message', ts: m.ts, text: m.text }
      : { type: 'message', ts: m.ts, user: m.user, text: m.text, team: ws.team.id };
  if (m.bot_id) {
    const poster = ws.users.get(m.user);
    out.bot_id = m.bot_id;
    out.app_id = m.app_id;
    out.bot_profile = {
      id: m.bot_id,
      deleted: false,
      name: poster?.is_bot ? poster.real_name : ws.botUser().real_name,
      updated: 1700000000,
      app_id: m.app_id ?? ws.app.id,
      icons: { image_36: AVATAR, image_48: AVATAR, image_72: AVATAR },
      team_id: ws.team.id,
    };
  }
  if (m.subtype) out.subtype = m.subtype;
  if (m.blocks) out.blocks = m.blocks;
  // Slack numbers attachments in its answers.
  if (m.attachments) out.attachments = m.attachments.map((a, i) => ({ ...(a as object), id: i + 1 }));
  if (m.username) out.username = m.username;
  if (m.icon_emoji) out.icons = { emoji: m.icon_emoji };
  if (m.thread_ts) out.thread_ts = m.thread_ts;
  if (m.thread_ts && m.thread_ts !== m.ts) {
    const parent = ws.findMessage(channelId, m.thread_ts);
    if (parent) out.parent_user_id = parent.user;
  }
  if (m.reply_count) {
    out.reply_count = m.reply_count;
    out.reply_users_count = m.reply_users?.length ?? 0;
    out.latest_reply = m.latest_reply;
    out.reply_users = m.reply_users;
    out.subscribed = false;
  }
  if (m.reply_broadcast) out.subtype = 'thread_broadcast';
  if (m.edited) out.edited = m.edited;
  if (opts.includeMetadata && m.metadata) out.metadata = m.metadata;
  return out;
}
