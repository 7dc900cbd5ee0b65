/**
 * One connection: what it is, the outcome of an Authenticate that just came back
 * (`?authenticated=1` or `?error=<code>`), Authenticate again, Test connection, edit, remove.
 */
import { useState } from 'react';
import { type ApiError, api } from '../api/client';
import type { Connection } from '../api/types';
import { useApi } from '../api/use-api';
import { TestConnection } from '../components/connection-test';
import { ErrorBox } from '../components/error-box';
import { when } from '../lib/format';
import { Link, navigate, useRoute } from '../router';
import { useSession } from '../session';
import { KIND_NAMES } from './connections';

export async function authenticate(name: string): Promise<void> {
  const r = await api<{ authorize_url: string }>(`/api/connections/${encodeURIComponent(name)}/authenticate`, {
    method: 'POST',
  });
  window.location.assign(r.authorize_url);
}

export default function ConnectionPage({ name }: { name: string }) {
  const { can } = useSession();
  const { query } = useRoute();
  const c = useApi<Connection>(`/api/connections/${encodeURIComponent(name)}`);
  const [error, setError] = useState<ApiError>();
  const [confirming, setConfirming] = useState(false);
  const remove = async (): Promise<void> => {
    try {
      await api(`/api/connections/${encodeURIComponent(name)}`, { method: 'DELETE' });
      navigate('/connections');
    } catch (e) {
      setError(e as ApiError);
    }
  };
  const outcome = query.get('authenticated') ? 'ok' : query.get('error');
  return (
    <section>
      <p className="meta">
        <Link href="/connections">Connections</Link> ›
      </p>
      <h1>{name}</h1>
      {outcome === 'ok' ? (
        <p className="card delivery-sent" role="status" data-testid="auth-outcome">
          Authenticated: Slack installed the app and the tokens are stored.
        </p>
      ) : outcome ? (
        <div className="error-box" role="alert" data-testid="auth-outcome">
          Authentication did not complete: <code>{outcome}</code>
        </div>
      ) : null}
      {c.error ? <ErrorBox error={c.error} /> : null}
      {error ? <ErrorBox error={error} /> : null}
      {c.data ? (
        <div className="card">
          <dl className="facts" data-testid="connection-facts">
            <dt>Kind</dt>
            <dd>{KIND_NAMES[c.data.kind] ?? c.data.kind}</dd>
            {c.data.description ? (
              <>
                <dt>Description</dt>
                <dd>{c.data.description}</dd>
              </>
            ) : null}
            <dt>Slack URL</dt>
            <dd>{c.data.slack_url}</dd>
            <dt>Workspace</dt>
            <dd data-testid="workspace">{c.data.team ? `${c.data.team.name ?? ''} (${c.data.team.id})` : '—'}</dd>
            <dt>Bot user</dt>
            <dd>{c.data.bot_user_id ?? '—'}</dd>
            {c.data.client_id ? (
              <>
                <dt>Client Id</dt>
                <dd>{c.data.client_id}</dd>
                <dt>Redirect Url</dt>
                <dd>{c.data.redirect_url}</dd>
                <dt>Requested scopes</dt>
                <dd>{c.data.requested_bot_scopes.join(', ')}</dd>
              </>
            ) : null}
            <dt>Granted scopes</dt>
            <dd data-testid="granted">{c.data.granted_bot_scopes.join(', ') || '—'}</dd>
            {c.data.granted_user_scopes.length ? (
              <>
                <dt>User scopes</dt>
                <dd>{c.data.granted_user_scopes.join(', ')}</dd>
              </>
            ) : null}
            <dt>Secrets set</dt>
            <dd>{c.data.secrets_set.map((s) => `${s} ••••••`).join(', ') || '—'}</dd>
            <dt>Verified</dt>
            <dd>{when(c.data.verified_at)}</dd>
          </dl>
          {can('admin') ? (
            <div className="row" style={{ marginTop: '0.8rem' }}>
              {c.data.kind === 'oauth_app' ? (
                <button type="button" onClick={() => authenticate(name).catch((e) => setError(e as ApiError))}>
                  Authenticate
                </button>
              ) : null}
              <TestConnection name={name} onTested={() => c.reload()} />
              <Link className="button secondary" href={`/connections/${encodeURIComponent(name)}/edit`}>
                Edit
              </Link>
              {confirming ? (
                <span className="row">
                  Remove {name} and its secrets?
                  <button type="button" className="danger" onClick={() => void remove()}>
                    Yes, remove
                  </button>
                  <button type="button" className="secondary" onClick={() => setConfirming(false)}>
                    Keep
                  </button>
                </span>
              ) : (
                <button type="button" className="danger" onClick={() => setConfirming(true)}>
                  Remove
                </button>
              )}
            </div>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
