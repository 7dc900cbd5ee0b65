/**
 * The operator's actions that fit a task as it is now: complete or reject a waiting manual task (as Approve and
 * Reject in Slack), skip, retry a failed one.
 */
import type { TaskJson } from '../api/types';

export function TaskActions({ task, onAct }: { task: TaskJson; onAct(path: string): Promise<void> }) {
  const path = (a: string): string => `/tasks/${encodeURIComponent(task.id)}/${a}`;
  const canComplete = task.status === 'waiting' && task.type === 'manual';
  const canSkip = ['pending', 'ready', 'waiting', 'failed'].includes(task.status);
  const canRetry = task.status === 'failed';
  if (!canComplete && !canSkip && !canRetry) return null;
  return (
    <div className="row" data-testid="task-actions">
      {canComplete ? (
        <button type="button" onClick={() => void onAct(path('complete'))}>
          Complete
        </button>
      ) : null}
      {canComplete ? (
        <button type="button" className="secondary" onClick={() => void onAct(path('reject'))}>
          Reject
        </button>
      ) : null}
      {canRetry ? (
        <button type="button" onClick={() => void onAct(path('retry'))}>
          Retry
        </button>
      ) : null}
      {canSkip ? (
        <button type="button" className="secondary" onClick={() => void onAct(path('skip'))}>
          Skip
        </button>
      ) : null}
    </div>
  );
}
