/**
 * What each error Slack documents for chat.postMessage (and the few more chat.update,
 * conversations.* and users.lookupByEmail add) means to an operator, and what to do about it.
 * Pure: a Slack error code plus a little context in, a RunwireError out. A unit test checks that
 * every code in the shared reference's chat.postMessage error lists has an entry here.
 */
import { RunwireError } from '../../core/errors.js';

/** Facts that make a message concrete: which channel, which connection, which scope. */
export interface SlackErrorContext {
  /** The channel as the runbook names it, e.g. `#ops` or `C0123` (for "in #ops"). */
  channel?: string;
  /** The Runwire connection name (for "runwire connection authenticate NAME"). */
  connection?: string;
  /** Slack's `needed` field of a missing_scope answer: comma-separated scope names. */
  needed?: string;
  /** Slack's `provided` field of a missing_scope answer. */
  provided?: string;
  /** The Slack method that failed, e.g. `chat.postMessage`. */
  method?: string;
  /** The connection's kind: an OAuth app re-authenticates; a pasted token is added again. */
  kind?: 'bot_token' | 'user_token' | 'oauth_app' | 'webhook';
  /** The bot user's name (auth.test `user`), for "/invite @name". */
  botName?: string;
}

/** One catalog entry: a message and a fix, each possibly shaped by the context. */
export interface CatalogEntry {
  message: (c: Required<Pick<SlackErrorContext, 'channel' | 'connection'>> & SlackErrorContext) => string;
  fix?: (c: Required<Pick<SlackErrorContext, 'channel' | 'connection'>> & SlackErrorContext) => string;
  /** True when the same call may succeed later without anyone changing anything. */
  retryable: boolean;
}

type Ctx = Required<Pick<SlackErrorContext, 'channel' | 'connection'>> & SlackErrorContext;
const text = (s: string) => () => s;

/** Run the failed task again: what the run's report prints as "retry it with". */
const RETRY = 'then run the task again: runwire task retry RUN TASK';
/** How a connection gets a working token again, by kind (`authenticate` refuses a pasted token). */
const newToken = (c: Ctx): string =>
  c.kind === 'oauth_app'
    ? `Re-authenticate the connection: runwire connection authenticate ${c.connection}`
    : c.kind === 'bot_token' || c.kind === 'user_token'
      ? `Reinstall the app in Slack (OAuth & Permissions → Reinstall to Workspace) and add its ${c.kind === 'bot_token' ? 'Bot User OAuth Token (xoxb-…)' : 'User OAuth Token (xoxp-…)'} again: runwire connection update ${c.connection} --token -`
      : `Give connection ${c.connection} a working token: runwire connection update ${c.connection} --token - (a pasted token), or runwire connection authenticate ${c.connection} (an OAuth app)`;
/** The fix for every "this token no longer works" code. */
const reauth = (c: Ctx) => `${newToken(c)}; ${RETRY}.`;
/** "/invite @runwire" when the bot's name is known. */
const invite = (c: Ctx) => `/invite @${c.botName ?? '<your bot>'}`;
/** How to get more scopes, by kind. */
const moreScopes = (c: Ctx, scopes: string) =>
  c.kind === 'oauth_app'
    ? `ask Slack for it: runwire connection authenticate ${c.connection} --scopes ${scopes.replace(/\s+/g, '')}`
    : c.kind === 'bot_token' || c.kind === 'user_token'
      ? `add ${scopes} to the app's ${c.kind === 'bot_token' ? 'Bot' : 'User'} Token Scopes (OAuth & Permissions), reinstall the app and add its token again: runwire connection update ${c.connection} --token -`
      : `add ${scopes} to the Slack app's OAuth scopes and reinstall the app (runwire connection authenticate ${c.connection} --scopes ${scopes.replace(/\s+/g, '')} for an OAuth app; runwire connection update ${c.connection} --token - for a pasted token)`;
/** The fix for a malformed request: nothing the operator wrote; a Runwire bug to report. */
const bug = text('This is a Runwire bug in how the request was built; please report it with the run id.');
/** Workspace policy: someone with admin rights must allow it. */
const admin = text('Ask a Slack workspace admin to allow this for the app, or post somewhere else.');
const transient = (what: string): CatalogEntry => ({
  message: (c) => `Slack could not handle the request for ${c.channel} right now (${what}).`,
  fix: text('Nothing to do: Runwire retries with backoff. If it keeps failing, check https://slack-status.com.'),
  retryable: true,
});
const perm = (message: string | ((c: Ctx) => string), fix?: string | ((c: Ctx) => string)): CatalogEntry => ({
  message: typeof message === 'string' ? text(message) : message,
  ...(fix === undefined ? {} : { fix: typeof fix === 'string' ? text(fix) : fix }),
  retryable: false,
});

export const slackErrorCatalog: Readonly<Record<string, CatalogEntry>> = {
  // --- authentication: the connection needs attention
  invalid_auth: perm((c) => `Slack rejected the token of connection "${c.connection}" (invalid_auth).`, reauth),
  not_authed: perm((c) => `Connection "${c.connection}" sent no token to Slack.`, reauth),
  token_revoked: perm(
    (c) => `The token of connection "${c.connection}" was revoked (the app was removed or the user left).`,
    reauth,
  ),
  token_expired: perm((c) => `The token of connection "${c.connection}" has expired.`, reauth),
  account_inactive: perm(
    (c) => `The token of connection "${c.connection}" belongs to a deleted user or workspace.`,
    reauth,
  ),
  not_allowed_token_type: perm(
    (c) => `Slack does not accept this kind of token of connection "${c.connection}" for ${c.method ?? 'this method'}.`,
    (c) => `Use a bot token (xoxb-) for connection "${c.connection}", or drop as_user: true from the task.`,
  ),
  two_factor_setup_required: perm(
    'The Slack user behind this token must set up two-factor authentication.',
    `Set up two-factor authentication for that Slack user, ${RETRY}.`,
  ),
  org_login_required: perm(
    'The Slack workspace is being migrated to an Enterprise organisation.',
    `Wait until the migration finishes, ${RETRY}.`,
  ),
  team_added_to_org: { ...transient('the workspace is migrating to an Enterprise organisation'), retryable: true },
  enterprise_is_restricted: perm(
    'This method cannot be called from an Enterprise organisation token.',
    (c) => `Connect "${c.connection}" to the workspace rather than the organisation.`,
  ),
  team_not_found: perm(
    (c) =>
      `Slack could not tell which workspace ${c.channel} is in (an org-wide token needs a channel id, not a name).`,
    'Write the channel as its id (C…) in the task.',
  ),

  // --- scopes and permissions
  missing_scope: perm(
    (c) =>
      `The connection "${c.connection}" lacks the Slack scope ${c.needed ? `"${c.needed.split(',').join('", "')}"` : 'this method needs'}` +
      ` for ${c.method ?? 'chat.postMessage'}${c.provided ? ` (it has: ${c.provided})` : ''}.`,
    (c) => {
      const scopes = c.needed ? c.needed.split(',').join(', ') : 'the scope named in the Slack error';
      return `${moreScopes(c, scopes).replace(/^./, (x) => x.toUpperCase())}; ${RETRY}.`;
    },
  ),
  not_in_channel: perm(
    (c) => `The bot of connection "${c.connection}" is not a member of ${c.channel}, so it cannot post there.`,
    (c) =>
      `Invite the bot: type ${invite(c)} in ${c.channel}; or, for a public channel, ${moreScopes(c, 'chat:write.public')}.`,
  ),
  channel_not_found: perm(
    (c) => `Slack found no channel ${c.channel} that connection "${c.connection}" can see.`,
    (c) =>
      `Check the name or id of ${c.channel}; if it is a private channel, invite the bot to it first (${invite(c)} in that channel).`,
  ),
  is_archived: perm(
    (c) => `${c.channel} is archived, so nothing can be posted there.`,
    (c) => `Unarchive ${c.channel} in Slack, or point the task at another channel.`,
  ),
  no_permission: perm(
    (c) => `Connection "${c.connection}" has no permission to post to ${c.channel}.`,
    (c) => `Make sure the app is a member of ${c.channel} (${invite(c)}) and has chat:write.`,
  ),
  access_denied: perm((c) => `Slack denied access to ${c.channel}.`, admin),
  accesslimited: perm(
    'Access to this Slack method is limited on the network Runwire runs from.',
    'Ask a Slack admin about IP allow-lists for the app.',
  ),
  app_access_restricted: perm('The Slack user behind this token may not use this app.', admin),
  ekm_access_denied: perm(
    (c) => `Workspace admins have disabled sending messages to ${c.channel} (Enterprise Key Management).`,
    admin,
  ),
  restricted_action: perm('A workspace preference prevents this token from posting.', admin),
  restricted_action_read_only_channel: perm(
    (c) => `${c.channel} is read-only: nothing can be posted there.`,
    'Post to another channel, or ask an admin to allow posting.',
  ),
  restricted_action_thread_only_channel: perm(
    (c) => `${c.channel} only accepts thread replies, not top-level messages.`,
    'Give the task `thread: <task id>` of an earlier message, or post to another channel.',
  ),
  restricted_action_non_threadable_channel: perm(
    (c) => `${c.channel} does not allow thread replies.`,
    'Remove `thread:` from the task.',
  ),
  restricted_action_thread_locked: perm(
    'The thread this task replies to has been locked by an admin.',
    'Remove `thread:` from the task, or ask an admin to unlock the thread.',
  ),
  send_on_behalf_not_allowed: perm(
    'Slack does not allow posting on behalf of that user.',
    'Remove as_user: true from the task.',
  ),
  as_user_not_supported: perm(
    'as_user does not work with this kind of Slack app.',
    'Remove as_user: true from the task.',
  ),
  is_bot: perm(
    'This method cannot be called with a legacy bot token.',
    (c) => `Reconnect "${c.connection}" with a modern Slack app (bot token xoxb-).`,
  ),
  messages_tab_disabled: perm(
    "The app's Messages tab is disabled, so it cannot send direct messages.",
    'Enable "Messages Tab" under App Home in the Slack app settings.',
  ),
  metadata_must_be_sent_from_app: perm(
    'Slack refused the message metadata Runwire uses for exactly-once delivery (only app tokens may send it).',
    'Post with the bot token (remove as_user: true).',
  ),
  slack_connect_canvas_sharing_blocked: perm('An admin has blocked sharing canvases in Slack Connect channels.', admin),
  slack_connect_file_link_sharing_blocked: perm(
    'An admin has blocked sharing Slack file links in Slack Connect channels.',
    admin,
  ),
  slack_connect_lists_sharing_blocked: perm('An admin has blocked sharing lists in Slack Connect channels.', admin),
  message_limit_exceeded: perm(
    'Members of this (free) workspace have sent too many messages.',
    `Upgrade the workspace or wait for the usage limit to reset, ${RETRY}.`,
  ),

  // --- the message itself
  no_text: perm(
    'The message is empty after rendering.',
    'Give the task a non-empty `message` (check the template variables it uses).',
  ),
  invalid_blocks: perm(
    "Slack rejected the task's `blocks` as invalid Block Kit.",
    "Check the blocks in Slack's Block Kit Builder and fix the task.",
  ),
  invalid_blocks_format: perm(
    "The task's `blocks` are not a valid Block Kit JSON array.",
    'Make `blocks` a JSON array of Block Kit blocks.',
  ),
  msg_blocks_too_long: perm(
    "The task's `blocks` are too long for one message.",
    'Shorten the blocks or split the message over several tasks.',
  ),
  markdown_text_conflict: perm('markdown_text was sent together with text or blocks.', bug()),
  too_many_attachments: perm('The message has more than 100 attachments.', 'Send fewer attachments.'),
  too_many_contact_cards: perm('The message has more than 10 contact cards.', 'Send fewer contact cards.'),
  attachment_payload_limit_exceeded: perm('The message attachments are too large.', 'Send smaller attachments.'),
  cannot_reply_to_message: perm(
    'The message named in `thread:` cannot have thread replies.',
    'Point `thread:` at an ordinary message task.',
  ),
  metadata_too_large: perm('The exactly-once metadata on the message is too large.', bug()),
  invalid_metadata_format: perm('Slack rejected the exactly-once metadata format.', bug()),
  invalid_metadata_schema: perm('Slack rejected the exactly-once metadata schema.', bug()),
  missing_file_data: perm('A file share was attempted with missing data.', bug()),

  // --- drafts and duplicates (arguments Runwire never sends)
  draft_already_deleted: perm('Slack says the draft was already deleted.', bug()),
  draft_already_sent: perm('Slack says the draft was already sent.', bug()),
  draft_has_conflict: perm('Slack says the draft is out of sync.', bug()),
  draft_not_found: perm('Slack found no such draft.', bug()),
  duplicate_channel_not_found: perm('Slack found no channel for the client_msg_id.', bug()),
  duplicate_message_not_found: perm('Slack found no message for the client_msg_id.', bug()),

  // --- malformed calls: Runwire's fault
  invalid_arg_name: perm('Slack rejected an argument name.', bug()),
  invalid_array_arg: perm('Slack rejected an array argument.', bug()),
  invalid_charset: perm('Slack rejected the request charset.', bug()),
  invalid_form_data: perm('Slack rejected the request body.', bug()),
  invalid_post_type: perm('Slack rejected the request content type.', bug()),
  missing_post_type: perm('The request had no content type.', bug()),
  deprecated_endpoint: perm('The Slack endpoint is deprecated.', bug()),
  method_deprecated: perm('The Slack method is deprecated.', bug()),
  unknown_method: perm(
    (c) => `Slack does not know the method ${c.method ?? ''}.`.replace(' .', '.'),
    'If this is a sandbox or proxy, check its URL; otherwise report a Runwire bug.',
  ),

  // --- transient: retried with backoff by the delivery queue
  ratelimited: transient('rate limited; Runwire waits as long as Slack asks'),
  rate_limited: transient('the app posted too many messages; Runwire slows down'),
  fatal_error: transient('Slack had an internal error'),
  internal_error: transient('Slack had an internal error'),
  service_unavailable: transient('Slack is temporarily unavailable'),
  request_timeout: transient('the request was truncated or timed out'),

  // --- chat.update (`update:`) and the lookups that resolve a channel
  message_not_found: perm(
    'The message to update no longer exists in Slack.',
    'Check that the message of the task named in `update:` was not deleted.',
  ),
  cant_update_message: perm(
    'Slack does not allow this token to edit that message.',
    'Update only messages posted by the same connection (and the same as_user setting).',
  ),
  edit_window_closed: perm('The message is too old to be edited.', 'Post a new message instead of `update:`.'),
  msg_too_long: perm('The message text is too long.', 'Shorten the message.'),
  users_not_found: perm(
    (c) => `Slack found no user ${c.channel}.`,
    'Check the user name, id or e-mail address in `channel:`.',
  ),
  user_not_found: perm(
    (c) => `Slack found no user ${c.channel}.`,
    'Check the user name, id or e-mail address in `channel:`.',
  ),
  user_not_visible: perm(
    (c) => `The bot cannot see the user ${c.channel}.`,
    'Check that the user is in the same workspace as the app.',
  ),
  user_disabled: perm((c) => `The user ${c.channel} is deactivated.`, 'Send the message to someone else.'),
  cannot_dm_bot: perm(
    (c) => `${c.channel} is a bot; bots cannot receive direct messages.`,
    'Send the message to a person.',
  ),
  too_many_users: perm('A group DM can have at most 8 other people.', 'List at most 8 users in `channel:`.'),
  not_enough_users: perm(
    'A group DM needs at least two other people.',
    'List at least two users, or a single user for a DM.',
  ),
};

/** Codes Runwire itself raises for transport problems (no Slack answer), all retryable. */
export const TRANSPORT_CODES = ['http_error', 'network_error', 'timeout'] as const;

/**
 * Turn a Slack error code into a RunwireError with code `runwire.slack.<code>`, a message and a
 * fix. Unknown codes keep Slack's code and get a generic message; they are treated as permanent,
 * because retrying an error we do not understand risks posting twice.
 */
export function slackError(code: string, ctx: SlackErrorContext = {}, cause?: unknown): RunwireError {
  const c: Ctx = { ...ctx, channel: ctx.channel ?? 'the channel', connection: ctx.connection ?? 'default' };
  const entry = slackErrorCatalog[code];
  if (!entry) {
    return new RunwireError(
      `runwire.slack.${code}`,
      `Slack answered "${code}"${ctx.method ? ` to ${ctx.method}` : ''} for ${c.channel}.`,
      {
        fix: `Look up "${code}" in Slack's documentation for ${ctx.method ?? 'the method'}.`,
        retryable: false,
        cause,
      },
    );
  }
  return new RunwireError(`runwire.slack.${code}`, entry.message(c), {
    ...(entry.fix ? { fix: entry.fix(c) } : {}),
    retryable: entry.retryable,
    cause,
  });
}

/** A transport failure: no usable answer from Slack (network, non-200 status, timeout). */
export function transportError(
  kind: (typeof TRANSPORT_CODES)[number],
  detail: string,
  ctx: SlackErrorContext = {},
  cause?: unknown,
): RunwireError {
  const what =
    kind === 'timeout'
      ? 'timed out'
      : kind === 'http_error'
        ? `answered ${detail}`
        : `could not be reached (${detail})`;
  return new RunwireError(`runwire.slack.${kind}`, `Slack ${what}${ctx.method ? ` on ${ctx.method}` : ''}.`, {
    fix: 'Nothing to do: Runwire retries with backoff. If it keeps failing, check the network and https://slack-status.com.',
    retryable: true,
    cause,
  });
}
