/** The runbook library: every runbook with its name, description, task count and issues; search by any of them. */
import { useState } from 'react';
import type { RunbookSummary } from '../api/types';
import { useApi } from '../api/use-api';
import { ErrorBox } from '../components/error-box';
import { Link } from '../router';

export function matches(r: RunbookSummary, q: string): boolean {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  const hay = `${r.id} ${r.name ?? ''} ${r.description ?? ''}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}

export default function RunbooksPage() {
  const list = useApi<RunbookSummary[]>('/api/runbooks');
  const [q, setQ] = useState('');
  const shown = (list.data ?? []).filter((r) => matches(r, q));
  return (
    <section>
      <h1>Runbooks</h1>
      <div className="toolbar">
        <label htmlFor="search" className="visually-hidden">
          Search runbooks
        </label>
        <input
          id="search"
          type="search"
          placeholder="Search runbooks"
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
      </div>
      {list.error ? <ErrorBox error={list.error} /> : null}
      {list.loading && !list.data ? <p>Loading…</p> : null}
      {list.data && shown.length === 0 ? (
        <p className="empty">
          {list.data.length === 0
            ? 'No runbooks yet. Push one with runwire runbooks push FILE, or start the server with --runbooks DIR.'
            : 'No runbook matches.'}
        </p>
      ) : null}
      <ul className="cards" data-testid="runbook-list">
        {shown.map((r) => (
          <li key={r.id} className="card">
            <h2>
              <Link href={`/runbooks/${encodeURIComponent(r.id)}`}>{r.name ?? r.id}</Link>
            </h2>
            {r.description ? <p>{r.description}</p> : null}
            <p className="meta">
              {r.id} · {r.tasks} tasks{r.version !== null ? ` · v${r.version}` : ''}
              {r.issues?.length ? <span className="badge bad"> {r.issues.length} issues</span> : null}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
