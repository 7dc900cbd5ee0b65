/**
 * A run kept live: the run JSON and its plan, then its events over SSE. Each batch of events moves
 * the tasks it names at once (status from the event kind, a state from `task.state`) and adds to the
 * log; the run JSON is fetched again at most once a second while events flow (attempts, times,
 * outputs), and once more when the run ends.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from './client';
import { streamRunEvents } from './sse';
import type { RunEvent, RunJson, TaskJson, TaskSpec } from './types';

export interface RunPlan {
  runbook: string;
  description: string | null;
  tasks: TaskSpec[];
}

export interface LiveRun {
  run: RunJson | undefined;
  plan: RunPlan | undefined;
  events: RunEvent[];
  error: Error | undefined;
  connection: 'connecting' | 'connected' | 'reconnecting' | 'ended';
  /** Replace the run with an action's reply. */
  setRun(run: RunJson): void;
}

const TASK_STATUS = new Set(['ready', 'running', 'waiting', 'succeeded', 'failed', 'skipped', 'cancelled']);
const RUN_STATUS = new Set(['queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled']);
const KEEP_EVENTS = 500;
const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

/** The run after a batch of events (pure). */
export function applyEvents(run: RunJson, events: readonly RunEvent[]): RunJson {
  let tasks: TaskJson[] | undefined;
  let index: Map<string, number> | undefined;
  let status = run.status;
  for (const e of events) {
    const [scope, what = ''] = e.kind.split('.');
    if (scope === 'run' && RUN_STATUS.has(what)) status = what;
    if (scope !== 'task' || !e.task_id) continue;
    index ??= new Map(run.tasks.map((t, i) => [t.id, i]));
    const i = index.get(e.task_id);
    if (i === undefined) continue;
    tasks ??= run.tasks.slice();
    const t = tasks[i]!;
    if (TASK_STATUS.has(what)) tasks[i] = { ...t, status: what };
    else if (what === 'state' && e.data && 'state' in e.data && t.type === 'slack.message')
      tasks[i] = { ...t, slack: e.data.state as TaskJson['slack'] };
    if (what === 'running' && status === 'queued') status = 'running';
  }
  return tasks || status !== run.status ? { ...run, status, tasks: tasks ?? run.tasks } : run;
}

export function useLiveRun(id: string): LiveRun {
  const [run, setRun] = useState<RunJson>();
  const [plan, setPlan] = useState<RunPlan>();
  const [events, setEvents] = useState<RunEvent[]>([]);
  const [error, setError] = useState<Error>();
  const [connection, setConnection] = useState<LiveRun['connection']>('connecting');
  const refetch = useRef<{ timer?: ReturnType<typeof setTimeout>; last: number }>({ last: 0 });
  /** Opens the stream after the last seq seen; kept so an operator's retry can re-open an ended one. */
  const stream = useRef<{
    open?: () => void;
    stop?: () => void;
    take?: (batch: RunEvent[]) => void;
    lastSeq: number;
    ended: boolean;
  }>({ lastSeq: 0, ended: false });

  const refresh = useCallback(() => {
    const r = refetch.current;
    if (r.timer) return;
    const wait = Math.max(0, r.last + 1000 - Date.now());
    r.timer = setTimeout(() => {
      r.timer = undefined;
      r.last = Date.now();
      api<RunJson>(`/api/runs/${encodeURIComponent(id)}`).then(setRun, () => {});
    }, wait);
  }, [id]);

  useEffect(() => {
    let cancelled = false;
    setRun(undefined);
    setEvents([]);
    setConnection('connecting');
    (async () => {
      const path = `/api/runs/${encodeURIComponent(id)}`;
      const [r, p, ev] = await Promise.all([
        api<RunJson>(path),
        api<RunPlan>(`${path}/plan`),
        api<{ events: RunEvent[] }>(`${path}/events`),
      ]);
      if (cancelled) return;
      setRun(r);
      setPlan(p);
      setEvents(ev.events.slice(-KEEP_EVENTS));
      stream.current.lastSeq = ev.events.at(-1)?.seq ?? 0;
      const take = (batch: RunEvent[]): void => {
        const fresh = batch.filter((e) => e.seq > stream.current.lastSeq);
        if (!fresh.length) return;
        stream.current.lastSeq = fresh.at(-1)!.seq;
        setRun((cur) => (cur ? applyEvents(cur, fresh) : cur));
        setEvents((cur) => [...cur, ...fresh].slice(-KEEP_EVENTS));
        refresh();
      };
      stream.current.take = take;
      const open = (): void => {
        stream.current.ended = false;
        stream.current.stop = streamRunEvents(id, stream.current.lastSeq, {
          onEvents: take,
          onEnd: () => {
            stream.current.ended = true;
            setConnection('ended');
            api<RunJson>(path).then(setRun, () => {});
            api<RunPlan>(`${path}/plan`).then(setPlan, () => {});
          },
          onState: setConnection,
        });
      };
      stream.current.open = open;
      open();
    })().catch((e: unknown) => {
      if (!cancelled) setError(e as Error);
    });
    return () => {
      cancelled = true;
      stream.current.stop?.();
      stream.current.open = undefined;
      clearTimeout(refetch.current.timer);
      refetch.current.timer = undefined;
    };
  }, [id, refresh]);

  const replace = useCallback(
    (next: RunJson) => {
      setRun(next);
      if (!stream.current.ended) return;
      // An action on a finished run (a retry) revives it once a worker applies it: its events are read
      // until they come, then the stream opens again unless the run has already finished once more.
      const revive = async (): Promise<void> => {
        const path = `/api/runs/${encodeURIComponent(id)}`;
        for (let i = 0; i < 20 && stream.current.ended; i++) {
          await new Promise((r) => setTimeout(r, 300));
          const { events: more } = await api<{ events: RunEvent[] }>(`${path}/events?after=${stream.current.lastSeq}`);
          if (!more.length) continue;
          stream.current.take?.(more);
          const now = await api<RunJson>(path);
          setRun(now);
          if (!FINISHED.has(now.status)) stream.current.open?.();
          return;
        }
      };
      void revive().catch(() => {});
    },
    [id],
  );

  return { run, plan, events, error, connection, setRun: replace };
}
