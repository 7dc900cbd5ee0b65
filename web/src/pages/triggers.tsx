/**
 * Triggers: every trigger of the library (`GET /api/triggers`) — what it listens for, the mode of
 * the runs it starts, a schedule's next fire times, an enabled switch (operators; the runbook stays
 * as it is), its last event or fire with the outcome, and its history on demand.
 */
import { Fragment, useState } from 'react';
import { type ApiError, api } from '../api/client';
import type { TriggerHistoryEntry, TriggerJson } from '../api/types';
import { useApi } from '../api/use-api';
import { ErrorBox } from '../components/error-box';
import { ModeBadge } from '../components/mode';
import { when } from '../lib/format';
import { triggerView } from '../lib/triggers';
import { Link } from '../router';
import { useSession } from '../session';

const path = (t: TriggerJson, rest: string): string =>
  `/api/triggers/${encodeURIComponent(t.runbook)}/${encodeURIComponent(t.id)}/${rest}`;

export default function TriggersPage() {
  const { can } = useSession();
  const list = useApi<TriggerJson[]>('/api/triggers');
  const [error, setError] = useState<ApiError>();
  const [open, setOpen] = useState<string>();
  const toggle = async (t: TriggerJson): Promise<void> => {
    setError(undefined);
    try {
      const next = await api<TriggerJson>(path(t, t.enabled ? 'disable' : 'enable'), { method: 'POST' });
      list.set((list.data ?? []).map((x) => (x.runbook === t.runbook && x.id === t.id ? next : x)));
    } catch (e) {
      setError(e as ApiError);
    }
  };
  return (
    <section>
      <h1>Triggers</h1>
      {list.error ? <ErrorBox error={list.error} /> : null}
      {error ? <ErrorBox error={error} title="Not changed" /> : null}
      {list.data?.length === 0 ? (
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
              <th scope="col">Enabled</th>
              <th scope="col">When</th>
              <th scope="col">Next fires</th>
              <th scope="col">Last</th>
            </tr>
          </thead>
          <tbody>
            {(list.data ?? []).map((t) => {
              const key = `${t.runbook}/${t.id}`;
              const v = triggerView({ ...t, config: t.config }, Date.now());
              return (
                <Fragment key={key}>
                  <tr data-trigger={key} data-enabled={t.enabled}>
                    <td>
                      <strong>{t.id}</strong> <span className="meta">{t.type}</span> <ModeBadge mode={t.mode} />
                      <br />
                      <Link href={`/runbooks/${encodeURIComponent(t.runbook)}`}>{t.runbook_name}</Link>
                      {t.invalid_runbook ? <span className="badge bad"> runbook invalid</span> : null}
                    </td>
                    <td>
                      {can('operator') ? (
                        <button
                          type="button"
                          role="switch"
                          aria-checked={t.enabled}
                          aria-label={`${t.id} of ${t.runbook_name} enabled`}
                          className={`switch-button ${t.enabled ? 'on' : 'off'}`}
                          onClick={() => void toggle(t)}
                        >
                          {t.enabled ? 'On' : 'Off'}
                        </button>
                      ) : (
                        <span>{t.enabled ? 'On' : 'Off'}</span>
                      )}
                      {t.updated_by ? <span className="meta"> by {t.updated_by}</span> : null}
                    </td>
                    <td>{v.summary}</td>
                    <td>
                      {t.next_fires.length
                        ? t.next_fires
                            .slice(0, 3)
                            .map((n) => when(n))
                            .join(' · ')
                        : '—'}
                    </td>
                    <td>
                      {t.last ? <Entry e={t.last} /> : <span className="meta">nothing yet</span>}
                      <br />
                      <button
                        type="button"
                        className="link-button"
                        aria-expanded={open === key}
                        onClick={() => setOpen(open === key ? undefined : key)}
                      >
                        History
                      </button>
                    </td>
                  </tr>
                  {open === key ? (
                    <tr>
                      <td colSpan={5}>
                        <History t={t} />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Entry({ e }: { e: TriggerHistoryEntry }) {
  return (
    <span data-testid="trigger-entry">
      <span className={`badge ${e.outcome === 'started' ? 'ok' : e.outcome === 'failed' ? 'bad' : 'warn'}`}>
        {e.outcome}
      </span>{' '}
      <span className="meta">{when(e.scheduled_for ?? e.received_at)}</span>
      {e.run_id ? (
        <>
          {' '}
          <Link href={`/runs/${encodeURIComponent(e.run_id)}`}>{e.run_id}</Link>
        </>
      ) : null}
      {e.detail ? <span className="meta"> — {e.detail}</span> : null}
    </span>
  );
}

function History({ t }: { t: TriggerJson }) {
  const h = useApi<TriggerHistoryEntry[]>(`${path(t, 'history')}?limit=20`);
  if (h.error) return <ErrorBox error={h.error} />;
  if (!h.data) return <p>Loading…</p>;
  if (!h.data.length) return <p className="empty">No events or fires yet.</p>;
  return (
    <ul className="events" data-testid="trigger-history">
      {h.data.map((e) => (
        <li key={e.id}>
          <span className="meta">{e.kind}</span> <Entry e={e} />
        </li>
      ))}
    </ul>
  );
}
