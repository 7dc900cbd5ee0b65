/**
 * One run, live: LIVE or REHEARSAL across the top, progress (x of y), the tasks as a graph (up to
 * 200) and a list, the event log, and for operators the actions that fit each task (complete, skip,
 * retry) and cancel. `/runs/{id}/tasks/{task}` opens a task's detail beside the list.
 */
import { lazy, memo, Suspense, useState } from 'react';
import { type ApiError, api } from '../api/client';
import { type LiveRun, useLiveRun } from '../api/live-run';
import type { RunJson, TaskJson, TaskSpec } from '../api/types';
import { ErrorBox } from '../components/error-box';
import { ModeBadge, ModeBanner, Status } from '../components/mode';
import { TaskActions } from '../components/task-actions';
import { TaskDetail } from '../components/task-detail';
import { TypeIcon } from '../components/type-icon';
import { when } from '../lib/format';
import { Link, navigate } from '../router';
import { useSession } from '../session';

const TaskGraph = lazy(() => import('../components/task-graph'));
const GRAPH_LIMIT = 200;
const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

export default function RunPage({ id, task }: { id: string; task?: string }) {
  const live = useLiveRun(id);
  const { can } = useSession();
  const [actionError, setActionError] = useState<ApiError>();
  const [showGraph, setShowGraph] = useState<boolean>();
  if (live.error) return <ErrorBox error={live.error} />;
  const { run, plan } = live;
  if (!run || !plan) return <p>Loading run…</p>;
  const done = run.tasks.filter((t) => t.status === 'succeeded' || t.status === 'skipped').length;
  const failed = run.tasks.filter((t) => t.status === 'failed').length;
  const specs = new Map(plan.tasks.map((t) => [t.id, t]));
  const selected = task ? run.tasks.find((t) => t.id === task) : undefined;
  const graphOn = showGraph ?? run.tasks.length <= GRAPH_LIMIT;
  const base = `/runs/${encodeURIComponent(run.id)}`;
  const act = async (path: string): Promise<void> => {
    setActionError(undefined);
    try {
      live.setRun(await api<RunJson>(`/api${base}${path}`, { method: 'POST' }));
    } catch (e) {
      setActionError(e as ApiError);
    }
  };

  return (
    <section data-mode={run.mode}>
      <ModeBanner mode={run.mode} />
      <div className="row spread">
        <div>
          <h1>
            <ModeBadge mode={run.mode} /> {run.runbook}
          </h1>
          <p className="meta">
            {run.id} · started {when(run.started_at)}
            {run.finished_at ? ` · finished ${when(run.finished_at)}` : ''} ·{' '}
            <span data-testid="stream-state">{live.connection}</span>
          </p>
        </div>
        <div className="row">
          <Status status={run.status} />
          {can('operator') && !FINISHED.has(run.status) ? (
            <button type="button" className="danger" onClick={() => void act('/cancel')}>
              Cancel run
            </button>
          ) : null}
        </div>
      </div>
      <p data-testid="progress">
        <strong>
          {done} of {run.tasks.length}
        </strong>{' '}
        tasks done{failed ? `, ${failed} failed` : ''}
      </p>
      <div
        className="progress"
        role="progressbar"
        aria-label="Tasks done"
        aria-valuemin={0}
        aria-valuemax={run.tasks.length}
        aria-valuenow={done}
      >
        <span style={{ width: `${run.tasks.length ? (100 * done) / run.tasks.length : 0}%` }} />
      </div>
      {actionError ? <ErrorBox error={actionError} title="Action refused" /> : null}
      {Object.keys(run.vars).length ? (
        <p className="meta">
          vars:{' '}
          {Object.entries(run.vars)
            .map(([k, v]) => `${k}=${v}`)
            .join(' · ')}
        </p>
      ) : null}

      <div className="split">
        <div>
          <div className="row spread">
            <h2>Tasks</h2>
            <button type="button" className="secondary" onClick={() => setShowGraph(!graphOn)}>
              {graphOn ? 'Hide graph' : 'Show graph'}
            </button>
          </div>
          {graphOn ? (
            <Suspense fallback={<div className="graph">Loading the graph…</div>}>
              <TaskGraph
                tasks={run.tasks.map((t) => ({ ...t, depends_on: specs.get(t.id)?.depends_on ?? [] }))}
                onOpen={(tid) => navigate(`${base}/tasks/${encodeURIComponent(tid)}`)}
              />
            </Suspense>
          ) : null}
          <TaskTable run={run} specs={specs} base={base} selected={task} />
        </div>
        <aside aria-label="Task detail and events">
          {selected ? (
            <TaskDetail
              run={run}
              task={selected}
              spec={specs.get(selected.id)}
              actions={can('operator') ? <TaskActions task={selected} onAct={act} /> : null}
              closeHref={base}
            />
          ) : (
            <p className="hint">Open a task to see its detail.</p>
          )}
          <EventLog live={live} />
        </aside>
      </div>
    </section>
  );
}

function TaskTable({
  run,
  specs,
  base,
  selected,
}: {
  run: RunJson;
  specs: Map<string, TaskSpec>;
  base: string;
  selected: string | undefined;
}) {
  return (
    <div className="table-wrap">
      <table data-testid="run-tasks">
        <caption className="visually-hidden">Tasks of the run</caption>
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Status</th>
            <th scope="col" className="hide-narrow">
              Depends on
            </th>
          </tr>
        </thead>
        <tbody>
          {run.tasks.map((t) => (
            <TaskRow
              key={t.id}
              task={t}
              href={`${base}/tasks/${encodeURIComponent(t.id)}`}
              needs={specs.get(t.id)?.depends_on}
              selected={t.id === selected}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

const TaskRow = memo(function TaskRow({
  task: t,
  href,
  needs,
  selected,
}: {
  task: TaskJson;
  href: string;
  needs: string[] | undefined;
  selected: boolean;
}) {
  return (
    <tr data-task={t.id} data-status={t.status} className={selected ? 'selected' : ''}>
      <td>
        <span className="row">
          <TypeIcon type={t.type} />
          <Link href={href} {...(selected ? { 'aria-current': 'true' as const } : {})}>
            {t.name}
          </Link>
        </span>
      </td>
      <td>
        <Status status={t.status} />
      </td>
      <td className="hide-narrow">{needs?.length ? needs.join(', ') : '—'}</td>
    </tr>
  );
});

function EventLog({ live }: { live: LiveRun }) {
  const shown = live.events.slice(-200).reverse();
  return (
    <div>
      <h2>Events</h2>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (axe scrollable-region-focusable) */}
      <ol className="events" data-testid="event-log" tabIndex={0} aria-label="Event log">
        {shown.map((e) => (
          <li key={e.seq}>
            <span className="meta">{new Date(e.at).toLocaleTimeString()}</span> {e.message}
          </li>
        ))}
      </ol>
    </div>
  );
}
