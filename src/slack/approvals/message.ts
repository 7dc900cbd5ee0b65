/**
 * Pure: the Block Kit of an approval request — the question, who may decide and until when, and
 * Approve / Reject buttons holding signed references — and of the same message once decided or
 * timed out (the decision, who and when; no buttons).
 */
import { escapeMrkdwn } from '../mrkdwn.js';

export const APPROVE_ACTION = 'runwire_approve';
export const REJECT_ACTION = 'runwire_reject';
export const APPROVAL_BLOCK = 'runwire_approval';

/** Slack refuses a section whose text is over 3,000 characters (invalid_blocks); the message's text keeps it all. */
export const SECTION_TEXT_MAX = 3000;

/** The question as a section shows it: cut at Slack's limit, with an ellipsis. */
export function sectionText(text: string): string {
  return text.length <= SECTION_TEXT_MAX ? text : `${text.slice(0, SECTION_TEXT_MAX - 1)}…`;
}

export interface RequestView {
  /** The question, already rendered (mrkdwn; [REHEARSAL] prefix included). */
  text: string;
  runId: string;
  taskName: string;
  approvers: string[];
  deadline?: string;
  onTimeout?: string;
  approveValue: string;
  rejectValue: string;
}

function contextLine(v: Pick<RequestView, 'runId' | 'taskName' | 'approvers' | 'deadline' | 'onTimeout'>): string {
  const who = v.approvers.length
    ? `Approvers: ${v.approvers.map(escapeMrkdwn).join(', ')}`
    : 'Anyone in the channel may decide';
  const until = v.deadline
    ? ` · times out <!date^${Math.floor(Date.parse(v.deadline) / 1000)}^{date_short_pretty} {time}|${v.deadline}> (then ${v.onTimeout ?? 'fail'})`
    : '';
  return `Run ${escapeMrkdwn(v.runId)} · ${escapeMrkdwn(v.taskName)} · ${who}${until}`;
}

export function requestBlocks(v: RequestView): unknown[] {
  return [
    { type: 'section', block_id: APPROVAL_BLOCK, text: { type: 'mrkdwn', text: sectionText(v.text) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: contextLine(v) }] },
    {
      type: 'actions',
      block_id: `${APPROVAL_BLOCK}_actions`,
      elements: [
        {
          type: 'button',
          action_id: APPROVE_ACTION,
          text: { type: 'plain_text', text: 'Approve' },
          style: 'primary',
          value: v.approveValue,
        },
        {
          type: 'button',
          action_id: REJECT_ACTION,
          text: { type: 'plain_text', text: 'Reject' },
          style: 'danger',
          value: v.rejectValue,
        },
      ],
    },
  ];
}

/** The closing line: `:white_check_mark: Approved by @alice at 2026-…`. */
export function outcomeLine(o: { verb: string; by?: string; at: string }): string {
  const icon = /approved|completed/i.test(o.verb)
    ? ':white_check_mark:'
    : /rejected|failed/i.test(o.verb)
      ? ':x:'
      : ':fast_forward:';
  return `${icon} *${o.verb}*${o.by ? ` by ${escapeMrkdwn(o.by)}` : ''} at ${o.at}`;
}

/** The message once closed: the question, then the outcome; no buttons. */
export function closedBlocks(text: string, outcome: string): unknown[] {
  return [
    { type: 'section', block_id: APPROVAL_BLOCK, text: { type: 'mrkdwn', text: sectionText(text) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: outcome }] },
  ];
}

/** The fallback text of a closed message (notifications, clients without blocks). */
export function closedText(text: string, outcome: string): string {
  return `${text}\n${outcome}`;
}
