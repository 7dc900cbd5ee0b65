/**
 * Triggers: every trigger of every runbook in the library, what it listens for and a schedule's next
 * fire times. The enabled switch and the last events and fires come from `/api/triggers` once the
 * server has it; until then the page says so instead of offering a switch that does nothing.
 */
import { useEffect, useState } from 'react';
import { type ApiError, api } from '../api/client';
import type { RunbookDetail, RunbookSummary } from '../api/types';
import { ErrorBox } from '../components/error-box';
import { triggerView } from '../lib/triggers';
import { Link } from '../router';

interface Row {
  runbook: string;
  runbookName: string;
  id: string;
  raw: unknown;
}

async function loadRows(): Promise<Row[]> {
  const books = await api<RunbookSummary[]>('/api/runbooks');
  const details = await Promise.all(
    books
      .filter((b) => b.version !== null)
      .map((b) => api<RunbookDetail>(`/api/runbooks/${encodeURIComponent(b.id)}`).catch(() => undefined)),
  );
  return details.flatMap((d) =>
    d
      ? d.triggers.map((raw, i) => ({
          runbook: d.id,
          runbookName: d.name,
          id: String((raw as { id?: unknown }).id ?? `#${i + 1}`),
          raw,
        }))
      : [],
  );
}

export default function TriggersPage() {
  const [rows, setRows] = useState<Row[]>();
  const [error, setError] = useState<ApiError>();
  const [apiThere, setApiThere] = useState<boolean>();
  useEffect(() => {
    loadRows().then(setRows, (e: unknown) => setError(e as ApiError));
    // The API document says whether the server has the trigger routes (asking them could log a 404).
    api<{ paths: Record<string, unknown> }>('/api/openapi.json').then(
      (doc) => setApiThere('/api/triggers' in doc.paths),
      () => setApiThere(false),
    );
  }, []);
  const now = Date.now();
  return (
    <section>
      <h1>Triggers</h1>
      {error ? <ErrorBox error={error} /> : null}
      {apiThere === false ? (
        <p className="hint" data-testid="triggers-api-note">
          This server does not offer trigger history yet: the enable switch and the last events and fires appear once it
          does.
        </p>
      ) : null}
      {rows && rows.length === 0 ? (
        <p className="empty">
          No runbook declares triggers. Add a triggers: list to a runbook (a schedule or a Slack message).
        </p>
      ) : null}
      <div className="table-wrap">
        <table data-testid="trigger-list">
          <caption className="visually-hidden">Triggers</caption>
          <thead>
            <tr>
              <th scope="col">Trigger</th>
              <th scope="col">Runbook</th>
              <th scope="col">When</th>
              <th scope="col">Next fires</th>
            </tr>
          </thead>
          <tbody>
            {(rows ?? []).map((r) => {
              const v = triggerView(r.raw, now);
              return (
                <tr key={`${r.runbook}/${r.id}`} data-trigger={`${r.runbook}/${r.id}`}>
                  <td>
                    <strong>{r.id}</strong> <span className="meta">{v.type}</span>
                  </td>
                  <td>
                    <Link href={`/runbooks/${encodeURIComponent(r.runbook)}`}>{r.runbookName}</Link>
                  </td>
                  <td>
                    {v.summary}
                    {v.error ? <span className="badge bad"> {v.error}</span> : null}
                  </td>
                  <td>{v.next.length ? v.next.map((n) => new Date(n).toLocaleString()).join(' · ') : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
