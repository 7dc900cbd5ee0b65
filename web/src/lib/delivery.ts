/** A Slack task's delivery state in the seed's words. Pure. */
import type { SlackState } from '../api/types';

export function deliveryWords(slack: SlackState | null | undefined, taskStatus: string): string {
  switch (slack?.state) {
    case 'sending':
      return 'Message sending';
    case 'sent':
      return 'Message sent';
    case 'failed':
      return 'Connection failed';
    case 'skipped':
      return 'Not sent (rehearsal)';
    default:
      if (taskStatus === 'skipped') return 'Not sent (skipped)';
      return taskStatus === 'running' ? 'Message sending' : 'Not sent yet';
  }
}
