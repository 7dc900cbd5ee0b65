/**
 * Pure: how an actor string reads in the event log. Slack people act as `slack:@alice` (their
 * handle) and read "@alice in Slack"; everyone else reads as written (`cli:bob`, `api:deploy-bot`).
 */

/** The actor of a person deciding in Slack: `slack:@alice`. */
export function slackActor(handle: string): string {
  return `slack:@${handle.replace(/^@/, '')}`;
}

/** `slack:@alice` → `@alice in Slack`; others as they are. */
export function actorLabel(actor: string): string {
  return actor.startsWith('slack:') ? `${actor.slice('slack:'.length)} in Slack` : actor;
}

/** The word for a decision: approvals read "approved" / "rejected"; an operator's complete reads "completed". */
export function decisionVerb(kind: 'complete' | 'fail' | 'skip', actor: string): string {
  if (kind === 'skip') return 'skipped';
  if (kind === 'fail') return 'rejected';
  return actor.startsWith('slack:') ? 'approved' : 'completed';
}
