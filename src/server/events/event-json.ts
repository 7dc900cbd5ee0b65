/** A stored run event as the API shows it, and the SSE frame of one (pure). */
import type { RunEvent } from '../../store/store.js';

export interface EventJson {
  run_id: string;
  seq: number;
  at: string;
  actor: string;
  kind: string;
  task_id: string | null;
  message: string;
  data: Record<string, unknown> | null;
}

export function eventJson(e: RunEvent): EventJson {
  return {
    run_id: e.runId,
    seq: e.seq ?? 0,
    at: e.at,
    actor: e.actor,
    kind: e.kind,
    task_id: e.taskId,
    message: e.message,
    data: e.data ?? null,
  };
}

/** One Server-Sent Event: `id`, `event` and one `data` line (JSON never holds a raw newline). */
export function sseFrame(id: string, event: string, data: unknown): string {
  return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * The SSE frame of an event on a run's stream (`id:` seq) and on the all-runs feed (`id:` run/seq),
 * built once per event however many streams carry it: the hub hands every subscriber the same event
 * objects, so 100 streams on a run cost one `JSON.stringify` per event, not 100.
 */
const runFrames = new WeakMap<RunEvent, string>();
const feedFrames = new WeakMap<RunEvent, string>();

export function runEventFrame(e: RunEvent): string {
  let f = runFrames.get(e);
  if (f === undefined) {
    f = sseFrame(String(e.seq), e.kind, eventJson(e));
    runFrames.set(e, f);
  }
  return f;
}

export function feedEventFrame(e: RunEvent): string {
  let f = feedFrames.get(e);
  if (f === undefined) {
    f = sseFrame(`${e.runId}/${e.seq}`, e.kind, eventJson(e));
    feedFrames.set(e, f);
  }
  return f;
}

/** `Last-Event-ID` or `?after=` → the seq to continue after (0 when absent or not a number). */
export function resumeAfter(lastEventId: string | undefined, after: number | undefined): number {
  const fromHeader = lastEventId !== undefined && /^\d+$/.test(lastEventId.trim()) ? Number(lastEventId) : undefined;
  return Math.max(fromHeader ?? 0, after ?? 0);
}

/** The all-runs feed's `Last-Event-ID` (`<run id>/<seq>`), or undefined when it is not one. */
export function feedResumeOf(lastEventId: string): { runId: string; seq: number } | undefined {
  const m = /^([A-Za-z0-9_-]{1,100})\/(\d{1,15})$/.exec(lastEventId.trim());
  return m ? { runId: m[1]!, seq: Number(m[2]) } : undefined;
}

/** A run whose status means no more events come unless an operator revives it. */
export function isFinished(status: string): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled';
}
