/**
 * Close an approval request in place: chat.update the message to the question and its outcome
 * (decision, who, when), without buttons. Editing is idempotent, so a second close (a late click
 * that found the task decided by the CLI) shows the same thing again.
 */
import type { WorkspaceClient } from '../delivery/workspace-client.js';
import type { DeliveryState } from '../delivery/state.js';
import { closedBlocks, closedText, outcomeLine } from './message.js';

export interface CloseOutcome {
  /** `Approved`, `Rejected`, `Completed`, `Timed out: failed`, … */
  verb: string;
  /** `@alice in Slack`, `cli:bob`; absent for a timeout. */
  by?: string;
  at: string;
}

/** The question as posted: the section text of the message (the fallback text otherwise). */
export function questionText(message: DeliveryState): string {
  return message.text ?? '';
}

/** Edit the request message; true when Slack took the edit. */
export async function closeRequest(
  ws: WorkspaceClient,
  message: DeliveryState,
  outcome: CloseOutcome,
  signal?: AbortSignal,
): Promise<boolean> {
  if (message.state !== 'sent' || !message.channel || !message.ts) return false;
  const question = questionText(message);
  const line = outcomeLine(outcome);
  const out = await ws.call(
    'chat.update',
    {
      channel: message.channel,
      ts: message.ts,
      text: closedText(question, line),
      blocks: closedBlocks(question, line),
    },
    signal,
  );
  return out.kind === 'ok';
}
