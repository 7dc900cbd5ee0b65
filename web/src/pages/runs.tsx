/** Every run, newest first, filtered by runbook, status and mode (kept in the URL), with pages. */
import { useState } from 'react';
import type { RunbookSummary, RunSummary } from '../api/types';
import { useApi } from '../api/use-api';
import { ErrorBox } from '../components/error-box';
import { ModeBadge, Status } from '../components/mode';
import { when } from '../lib/format';
import { Link, navigate, useRoute } from '../router';

const STATUSES = ['queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled'];

export default function RunsPage() {
  const { query } = useRoute();
  const [cursor, setCursor] = useState<string>();
  const filters = new URLSearchParams();
  for (const k of ['runbook', 'status', 'mode']) {
    const v = query.get(k);
    if (v) filters.set(k, v);
  }
  const qs = new URLSearchParams(filters);
  if (cursor) qs.set('cursor', cursor);
  const runs = useApi<{ runs: RunSummary[]; next_cursor: string | null }>(`/api/runs?${qs}`);
  const books = useApi<RunbookSummary[]>('/api/runbooks');
  const names = [...new Set((books.data ?? []).map((b) => b.name).filter((n): n is string => !!n))].sort();
  const set = (k: string, v: string): void => {
    const next = new URLSearchParams(filters);
    if (v) next.set(k, v);
    else next.delete(k);
    setCursor(undefined);
    navigate(`/runs${next.size ? `?${next}` : ''}`, true);
  };
  return (
    <section>
      <h1>Runs</h1>
      <form className="toolbar" aria-label="Filter runs" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="f-runbook">Runbook</label>
          <select id="f-runbook" value={filters.get('runbook') ?? ''} onChange={(e) => set('runbook', e.target.value)}>
            <option value="">All</option>
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-status">Status</label>
          <select id="f-status" value={filters.get('status') ?? ''} onChange={(e) => set('status', e.target.value)}>
            <option value="">All</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-mode">Mode</label>
          <select id="f-mode" value={filters.get('mode') ?? ''} onChange={(e) => set('mode', e.target.value)}>
            <option value="">All</option>
            <option value="live">Live</option>
            <option value="rehearsal">Rehearsal</option>
          </select>
        </div>
      </form>
      {runs.error ? <ErrorBox error={runs.error} /> : null}
      {runs.data && runs.data.runs.length === 0 ? <p className="empty">No runs match.</p> : null}
      <div className="table-wrap">
        <table data-testid="run-list">
          <caption className="visually-hidden">Runs</caption>
          <thead>
            <tr>
              <th scope="col">Mode</th>
              <th scope="col">Run</th>
              <th scope="col">Runbook</th>
              <th scope="col">Status</th>
              <th scope="col" className="hide-narrow">
                Tasks
              </th>
              <th scope="col" className="hide-narrow">
                Created
              </th>
            </tr>
          </thead>
          <tbody>
            {(runs.data?.runs ?? []).map((r) => (
              <tr key={r.id} data-run={r.id}>
                <td>
                  <ModeBadge mode={r.mode} />
                </td>
                <td>
                  <Link href={`/runs/${encodeURIComponent(r.id)}`}>{r.id}</Link>
                </td>
                <td>{r.runbook}</td>
                <td>
                  <Status status={r.status} />
                </td>
                <td className="hide-narrow">{r.task_count}</td>
                <td className="hide-narrow">{when(r.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="row" style={{ marginTop: '0.6rem' }}>
        {cursor ? (
          <button type="button" className="secondary" onClick={() => setCursor(undefined)}>
            Newest
          </button>
        ) : null}
        {runs.data?.next_cursor ? (
          <button type="button" className="secondary" onClick={() => setCursor(runs.data?.next_cursor ?? undefined)}>
            Older
          </button>
        ) : null}
      </div>
    </section>
  );
}
