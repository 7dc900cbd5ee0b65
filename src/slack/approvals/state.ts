/**
 * The durable state of a manual task that asks for its decision in Slack (`tasks[].approval` in the
 * run JSON): the open request's nonce and deadline, and the message as slack delivery saved it.
 */
import { checkDeliveryState, type DeliveryState } from '../delivery/state.js';

export interface ApprovalState {
  /** The open request's random nonce; the buttons' references carry it. */
  nonce: string;
  /** The attempt that asked (a new attempt asks again with a new nonce). */
  attempt: number;
  /** ISO-8601 deadline (`timeout`), when there is one. */
  deadline?: string;
  /** What happens at the deadline. */
  on_timeout?: 'fail' | 'skip' | 'complete';
  /** The approvers as written (`@alice`, `@release-managers`, U…, S…); empty = anyone in the channel. */
  approvers: string[];
  /** The connection that posted the message (the click updates it with the same one). */
  connection: string;
  /** The request message, as slack delivery saves it (channel, ts once sent). */
  message?: DeliveryState;
  /** Set when the request timed out (the task closed it itself). */
  timed_out?: { at: string; outcome: 'fail' | 'skip' | 'complete' };
}

/** Read an approval state saved earlier; undefined when there is none or it is not one. */
export function readApprovalState(raw: Record<string, unknown> | undefined | null): ApprovalState | undefined {
  if (!raw || typeof raw.nonce !== 'string' || typeof raw.connection !== 'string') return undefined;
  if (!Array.isArray(raw.approvers) || !raw.approvers.every((a) => typeof a === 'string')) return undefined;
  const msg = checkDeliveryState(raw.message as Record<string, unknown> | undefined);
  if (!msg.ok) return undefined;
  return {
    ...(raw as unknown as ApprovalState),
    attempt: typeof raw.attempt === 'number' ? raw.attempt : 1,
    ...(msg.state ? { message: msg.state } : {}),
  };
}

/** The lines `runwire runs show` prints under the task. */
export function describeApproval(raw: Record<string, unknown>): string[] {
  const st = readApprovalState(raw);
  if (!st) return [];
  const m = st.message;
  const lines = [
    `approval in Slack: ${m?.state === 'sent' ? `asked in ${m.channel_name ?? m.channel}` : (m?.state ?? 'not asked yet')}${st.approvers.length ? `, approvers ${st.approvers.join(', ')}` : ', anyone in the channel'}`,
  ];
  if (st.deadline) lines.push(`times out at ${st.deadline} (then ${st.on_timeout ?? 'fail'})`);
  if (m?.permalink) lines.push(`permalink: ${m.permalink}`);
  if (m?.state === 'failed' && m.error?.fix) lines.push(`fix: ${m.error.fix}`);
  return lines;
}
