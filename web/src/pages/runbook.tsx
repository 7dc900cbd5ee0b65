/**
 * One runbook: its tasks as a graph and a list (type icon, name, dependencies, rehearsal), its
 * triggers with the next fire times, Start live / Start rehearsal with the vars form (operators),
 * and the source with its validation issues at their lines.
 */
import { lazy, Suspense, useState } from 'react';
import { type ApiError, api } from '../api/client';
import type { Issue, Mode, RunbookDetail, RunJson, TaskTypeDoc } from '../api/types';
import { useApi } from '../api/use-api';
import { ErrorBox } from '../components/error-box';
import { ModeBadge } from '../components/mode';
import { SourceEditor } from '../components/source-editor';
import { SourceView } from '../components/source-view';
import { TypeIcon, typeName } from '../components/type-icon';
import { VarsForm } from '../components/vars-form';
import { rehearsalText } from '../lib/rehearsal';
import { triggerView } from '../lib/triggers';
import { Link, navigate } from '../router';
import { useSession } from '../session';

const TaskGraph = lazy(() => import('../components/task-graph'));

export default function RunbookPage({ id }: { id: string }) {
  const { can } = useSession();
  const rb = useApi<RunbookDetail>(`/api/runbooks/${encodeURIComponent(id)}`);
  const types = useApi<TaskTypeDoc[]>('/api/types');
  const [starting, setStarting] = useState<Mode>();
  const [busy, setBusy] = useState(false);
  const [startError, setStartError] = useState<ApiError>();
  const [editing, setEditing] = useState(false);

  if (rb.error) {
    const issues = (rb.error.extra.issues as Issue[] | undefined) ?? [];
    const current = rb.error.extra.current_source;
    return (
      <section>
        <h1>{id}</h1>
        <ErrorBox error={rb.error} />
        {issues.length ? <IssueList issues={issues} /> : null}
        {typeof current === 'string' ? (
          <>
            <h2>The file as it is now</h2>
            <SourceView source={current} issues={issues} />
          </>
        ) : null}
      </section>
    );
  }
  const d = rb.data;
  if (!d) return <p>Loading…</p>;
  const defaults = new Map((types.data ?? []).map((t) => [t.type, t.rehearsal]));
  const tasks = d.runbook.tasks;

  const start = async (mode: Mode, vars: Record<string, string>): Promise<void> => {
    setBusy(true);
    setStartError(undefined);
    try {
      const run = await api<RunJson>('/api/runs', { method: 'POST', body: { runbook: d.id, mode, vars } });
      navigate(`/runs/${encodeURIComponent(run.id)}`);
    } catch (e) {
      setStartError(e as ApiError);
      setBusy(false);
    }
  };

  return (
    <section>
      <div className="row spread">
        <div>
          <h1>{d.name}</h1>
          <p className="meta">
            {d.id} · version {d.version} · {tasks.length} tasks · {d.created_by}
            {d.source_file && d.created_by !== `file:${d.source_file}` ? ` · ${d.source_file}` : ''}
          </p>
        </div>
        {can('operator') ? (
          <div className="row">
            <button type="button" className="danger" onClick={() => setStarting('live')}>
              Start live
            </button>
            <button type="button" onClick={() => setStarting('rehearsal')}>
              Start rehearsal
            </button>
          </div>
        ) : null}
      </div>
      {d.description ? <p>{d.description}</p> : null}
      {starting ? (
        <VarsForm
          key={starting}
          vars={d.runbook.vars}
          mode={starting}
          busy={busy}
          onStart={(vars) => void start(starting, vars)}
          onCancel={() => setStarting(undefined)}
        />
      ) : null}
      {startError ? <ErrorBox error={startError} title="Could not start" /> : null}
      {d.issues?.length ? (
        <div className="error-box" role="alert">
          The file has {d.issues.length} issue{d.issues.length > 1 ? 's' : ''} now; version {d.version} stays in use
          until it is fixed. See the source below.
        </div>
      ) : null}

      <h2>Tasks</h2>
      <Suspense fallback={<div className="graph">Loading the graph…</div>}>
        <TaskGraph tasks={tasks} />
      </Suspense>
      <div className="table-wrap">
        <table data-testid="task-list">
          <caption className="visually-hidden">Tasks of {d.name}</caption>
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col">Type</th>
              <th scope="col">Depends on</th>
              <th scope="col">Rehearsal</th>
            </tr>
          </thead>
          <tbody>
            {tasks.map((t) => (
              <tr key={t.id} data-task={t.id}>
                <td>
                  <span className="row">
                    <TypeIcon type={t.type} /> {t.name}
                  </span>
                  <span className="meta">{t.id}</span>
                </td>
                <td>{typeName(t.type)}</td>
                <td>{t.depends_on.length ? t.depends_on.join(', ') : '—'}</td>
                <td>{rehearsalText(t.rehearsal, defaults.get(t.type))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2>Triggers</h2>
      <Triggers triggers={d.triggers} />

      <div className="row spread">
        <h2>Source</h2>
        {can('admin') && !editing ? (
          <button type="button" className="secondary" onClick={() => setEditing(true)}>
            Edit source
          </button>
        ) : null}
      </div>
      {d.issues?.length ? <IssueList issues={d.issues} /> : null}
      {d.issues?.length && d.current_source !== null && !editing ? (
        <>
          <h3>The file as it is now{d.source_file ? ` (${d.source_file})` : ''}</h3>
          <SourceView source={d.current_source} issues={d.issues} testId="current-source" />
          <h3>Version {d.version}, in use</h3>
        </>
      ) : null}
      {editing ? (
        <SourceEditor
          id={d.id}
          source={d.source}
          format={d.format}
          onSaved={() => {
            setEditing(false);
            rb.reload();
          }}
          onClose={() => setEditing(false)}
        />
      ) : (
        <SourceView source={d.source} issues={d.source_file ? [] : (d.issues ?? [])} />
      )}
      <p className="meta">
        <Link href={`/runs?runbook=${encodeURIComponent(d.name)}`}>Runs of this runbook</Link>
      </p>
    </section>
  );
}

function Triggers({ triggers }: { triggers: unknown[] }) {
  if (!triggers.length) return <p className="empty">No triggers: this runbook is started by hand or by the API.</p>;
  const now = Date.now();
  return (
    <ul className="cards" data-testid="runbook-triggers">
      {triggers.map((raw, i) => {
        const v = triggerView(raw, now);
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: triggers have no id of their own in the runbook
          <li key={i} className="card">
            <strong>{v.id}</strong> <span className="meta">{v.type}</span> <ModeBadge mode={v.mode} />
            <p>{v.summary}</p>
            {v.error ? <p className="error-box">{v.error}</p> : null}
            {v.next.length ? (
              <p data-testid="next-fires" data-next={v.next.join(' ')}>
                Next: {v.next.map((n) => new Date(n).toLocaleString()).join(' · ')}
              </p>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

function IssueList({ issues }: { issues: Issue[] }) {
  return (
    <ul className="error-box" data-testid="issues">
      {issues.map((i) => (
        <li key={`${i.line}:${i.column}:${i.field}:${i.message}`}>
          line {i.line}:{i.column} {i.field ? <code>{i.field}</code> : null} {i.message}
        </li>
      ))}
    </ul>
  );
}
