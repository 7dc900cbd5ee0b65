/** LIVE and REHEARSAL, never to be mistaken: a red solid badge or a striped violet one, and the word. */
import type { Mode } from '../api/types';

export function ModeBadge({ mode }: { mode: Mode | string }) {
  return (
    <span className={`mode mode-${mode}`} data-testid="mode">
      {mode === 'live' ? 'LIVE' : 'REHEARSAL'}
    </span>
  );
}

export function ModeBanner({ mode }: { mode: Mode | string }) {
  return (
    <div className={`mode-banner mode-${mode}`} data-testid="mode-banner">
      {mode === 'live' ? 'LIVE RUN — tasks act for real' : 'REHEARSAL — nothing is sent for real unless a task says so'}
    </div>
  );
}

export function Status({ status }: { status: string }) {
  return (
    <span className={`status status-${status}`} data-testid="status">
      {status}
    </span>
  );
}
