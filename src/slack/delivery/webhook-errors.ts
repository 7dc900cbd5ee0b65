/**
 * Incoming webhooks, the pure half: when a slack.message goes through a webhook instead of a
 * token, what a webhook cannot do (threads, edits, posting as a user, choosing the channel), and
 * what each plain-text error Slack answers a webhook with means to an operator, with the fix — in
 * the same style as the chat.postMessage catalog (`error-catalog.ts`).
 */
import { RunwireError } from '../../core/errors.js';
import type { CheckProblem } from '../../core/task-type.js';
import type { ResolvedConnection } from '../connections/types.js';
import type { SlackTarget } from '../targets.js';

/**
 * True when a message goes through the connection's incoming webhook: a `webhook` connection, or
 * any connection holding a webhook URL but no token. A connection with a token uses the token even
 * when it also has a webhook URL (from an OAuth grant): the Web API gives exactly-once delivery,
 * threads, edits and any channel; a webhook gives none of them.
 */
export function usesWebhook(conn: ResolvedConnection): boolean {
  if (!conn.webhookUrl) return false;
  return conn.kind === 'webhook' || (!conn.botToken && !conn.userToken);
}

/** The note a webhook delivery carries: nothing can tag or find a webhook message, so a repeat is possible. */
export const WEBHOOK_NOTE = 'at-least-once: sent through an incoming webhook (no metadata, no look-up)';

/** What a task asks of a webhook delivery. */
export interface WebhookTaskShape {
  /** The task's target (or the rehearsal redirect), when it names one. */
  target: SlackTarget | undefined;
  asUser: boolean;
  thread: boolean;
  update: boolean;
  /** True when `target` is a rehearsal redirect (`rehearsal: { channel }`), not the task's own channel. */
  redirect?: boolean;
}

const norm = (s: string) => s.trim().replace(/^#/, '').toLowerCase();

/** True when a task's target is (or may be) the webhook's channel. Unknown webhook channel: true. */
export function sameChannel(target: SlackTarget, webhookChannel: string | undefined): boolean {
  if (!webhookChannel) return true;
  const w = norm(webhookChannel);
  if (target.kind === 'channel_id') return norm(target.id) === w;
  return norm(target.label) === w;
}

/**
 * Problems of a task over a webhook connection (pure): errors for what a webhook cannot do, and
 * the at-least-once warning every webhook task carries. `runwire check` reports them all; a run
 * fails the task with the first error.
 */
export function webhookProblems(conn: ResolvedConnection, t: WebhookTaskShape): CheckProblem[] {
  const out: CheckProblem[] = [];
  const name = conn.name;
  const useToken = `use a connection with a bot token (runwire connection add NAME --token xoxb-…) for this task`;
  const unsupported = (field: string, what: string) =>
    out.push({
      code: 'runwire.slack.webhook_unsupported',
      message: `${field}: connection "${name}" is an incoming webhook, which cannot ${what}.`,
      fix: `Remove ${field} from the task, or ${useToken}.`,
      severity: 'error',
    });
  if (t.asUser) unsupported('as_user', 'post as a user (it always posts as the app)');
  if (t.thread) unsupported('thread', 'reply in a thread (Slack returns no message ts to a webhook to reply to)');
  if (t.update) unsupported('update', 'edit a message (Slack returns no message ts to a webhook)');
  const field = t.redirect ? 'rehearsal.channel' : 'channel';
  if (t.target && t.redirect && !conn.webhookChannel) {
    // Posting anyway would put a rehearsal message in the live channel: refuse instead of warning.
    out.push({
      code: 'runwire.slack.webhook_channel_unknown',
      message: `rehearsal.channel: connection "${name}" is an incoming webhook added by URL; it posts only to the channel it was created for, so the rehearsal could land in the live channel instead of ${t.target.label}.`,
      fix: `Use rehearsal: skip or rehearsal: send for this task, or ${useToken}.`,
      severity: 'error',
    });
  } else if (t.target && !sameChannel(t.target, conn.webhookChannel)) {
    out.push({
      code: 'runwire.slack.webhook_channel_mismatch',
      message: `${field}: connection "${name}" is an incoming webhook that posts only to ${conn.webhookChannel}, not ${t.target.label}.`,
      fix: `${t.redirect ? 'Use rehearsal: skip or send' : `Remove channel: (the webhook's channel is used) or set it to ${conn.webhookChannel}`}; to post elsewhere, ${useToken}.`,
      severity: 'error',
    });
  } else if (t.target && !conn.webhookChannel) {
    out.push({
      code: 'runwire.slack.webhook_channel_unknown',
      message: `channel: connection "${name}" is an incoming webhook added by URL, so Runwire cannot tell whether it posts to ${t.target.label}; it posts to the channel it was created for, whatever channel: says.`,
      fix: "Make sure the webhook was created for that channel (your app's Incoming Webhooks page lists it), or remove channel: from the task.",
      severity: 'warning',
    });
  }
  out.push({
    code: 'runwire.slack.at_least_once',
    message: `Connection "${name}" is an incoming webhook: Slack gives a webhook message no metadata and no id, so Runwire cannot look it up after a lost answer — delivery is at-least-once, and a lost answer fails the task instead of risking a duplicate.`,
    fix: `For exactly-once delivery ${useToken} with chat:write and channels:history (groups:history, im:history, mpim:history).`,
    severity: 'warning',
  });
  return out;
}

/** A problem (severity error) as the RunwireError a run fails with. */
export function problemError(p: CheckProblem): RunwireError {
  return new RunwireError(p.code, p.message, { ...(p.fix ? { fix: p.fix } : {}), retryable: false });
}

interface WebhookEntry {
  message: (channel: string, connection: string) => string;
  fix: (connection: string) => string;
  retryable: boolean;
}

const replaceHook = (c: string) =>
  `Create a new incoming webhook for the channel (your Slack app's Incoming Webhooks page, or re-authenticate with incoming-webhook), then: runwire connection remove ${c} && runwire connection add ${c} --webhook-url <new URL>.`;
const perm = (
  message: (channel: string, connection: string) => string,
  fix: (connection: string) => string,
): WebhookEntry => ({ message, fix, retryable: false });
const fixed = (s: string) => () => s;

/** Every plain-text error Slack documents for incoming webhooks. */
export const webhookErrorCatalog: Readonly<Record<string, WebhookEntry>> = {
  invalid_payload: perm(
    () => 'Slack could not read the webhook message (invalid_payload): it is not valid JSON, or the text is too long.',
    fixed(
      'Shorten the message (at most 40,000 characters) and check blocks; if it persists, report a Runwire bug with the run id.',
    ),
  ),
  no_text: perm(
    () => 'The webhook message has no text (no_text).',
    fixed('Give the task a message that is not empty after its templates render.'),
  ),
  invalid_blocks: perm(
    () => 'Slack rejected the Block Kit blocks of the webhook message (invalid_blocks).',
    fixed('Check blocks: in Block Kit Builder (https://app.slack.com/block-kit-builder).'),
  ),
  invalid_blocks_format: perm(
    () => 'The blocks of the webhook message are not a list of Block Kit blocks (invalid_blocks_format).',
    fixed('Check blocks: in Block Kit Builder (https://app.slack.com/block-kit-builder).'),
  ),
  too_many_attachments: perm(
    () => 'The webhook message has too many attachments (at most 100).',
    fixed('Send fewer attachments.'),
  ),
  channel_not_found: perm(
    (ch, c) => `The channel of the webhook of connection "${c}" (${ch}) no longer exists (channel_not_found).`,
    replaceHook,
  ),
  channel_is_archived: perm(
    (ch, c) => `The channel of the webhook of connection "${c}" (${ch}) is archived (channel_is_archived).`,
    (c) => `Unarchive the channel in Slack; or ${replaceHook(c)}`,
  ),
  invalid_token: perm(
    (_ch, c) =>
      `Slack rejected the webhook URL of connection "${c}" (invalid_token): its secret part is wrong or was regenerated.`,
    (c) =>
      `Copy the webhook URL again from your Slack app's Incoming Webhooks page, then: runwire connection remove ${c} && runwire connection add ${c} --webhook-url <URL>.`,
  ),
  no_service: perm(
    (_ch, c) =>
      `The webhook of connection "${c}" no longer exists (no_service): it was disabled, or the app was removed.`,
    replaceHook,
  ),
  no_service_id: perm(
    (_ch, c) => `The webhook URL of connection "${c}" is incomplete (no_service_id).`,
    (c) =>
      `Copy the whole webhook URL (https://hooks.slack.com/services/T…/B…/…), then: runwire connection remove ${c} && runwire connection add ${c} --webhook-url <URL>.`,
  ),
  no_team: perm(
    (_ch, c) => `The webhook URL of connection "${c}" names no workspace Slack knows (no_team).`,
    (c) =>
      `Copy the whole webhook URL again, then: runwire connection remove ${c} && runwire connection add ${c} --webhook-url <URL>.`,
  ),
  team_disabled: perm(
    (_ch, c) => `The workspace of the webhook of connection "${c}" is disabled (team_disabled).`,
    replaceHook,
  ),
  action_prohibited: perm(
    (ch) => `A workspace admin restricted posting to ${ch} (action_prohibited).`,
    fixed(
      'Ask a Slack workspace admin to allow the app to post in that channel, or use a webhook for another channel.',
    ),
  ),
  posting_to_general_channel_denied: perm(
    (ch) => `Only admins may post to ${ch} (posting_to_general_channel_denied).`,
    fixed('Ask a Slack workspace admin to allow posting in #general, or use a webhook for another channel.'),
  ),
  user_not_found: perm((ch) => `The user the webhook posts to (${ch}) no longer exists (user_not_found).`, replaceHook),
  rate_limited: {
    message: (ch) => `Slack rate-limited the webhook for ${ch} too many times in a row.`,
    fix: fixed(
      'Nothing to do usually: Runwire waits as long as Slack asks (about one message a second per webhook); if it persists, something else is posting through the same webhook.',
    ),
    retryable: true,
  },
};

/** A webhook error code as a RunwireError `runwire.slack.webhook_<code>`; unknown codes keep Slack's code. */
export function webhookError(code: string, channel: string, connection: string): RunwireError {
  const e = webhookErrorCatalog[code];
  if (!e) {
    return new RunwireError(
      `runwire.slack.webhook_${code.replace(/[^a-z0-9_]/gi, '_').slice(0, 60)}`,
      `Slack answered the webhook of connection "${connection}" with "${code.slice(0, 200)}".`,
      {
        fix: `Look up "${code.slice(0, 60)}" in Slack's incoming webhook documentation (https://api.slack.com/messaging/webhooks#handling_errors).`,
        retryable: false,
      },
    );
  }
  return new RunwireError(`runwire.slack.webhook_${code}`, e.message(channel, connection), {
    fix: e.fix(connection),
    retryable: e.retryable,
  });
}

/** The error when a webhook post's answer was lost: it may or may not have been posted. */
export function outcomeUnknown(channel: string, detail: string, run: { id: string; taskId: string }): RunwireError {
  return new RunwireError(
    'runwire.slack.webhook_outcome_unknown',
    `The webhook post to ${channel} got no usable answer (${detail}): the message may or may not have been posted, and a webhook message cannot be looked up, so Runwire does not post it again on its own.`,
    {
      fix: `Look in ${channel}: if the message is there, runwire task skip ${run.id} ${run.taskId}; if not, runwire task retry ${run.id} ${run.taskId}.`,
      retryable: false,
    },
  );
}
