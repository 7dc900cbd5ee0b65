/**
 * Manage Connections: every Slack connection with its kind, workspace, bot user, granted scopes and
 * health (Test connection runs auth.test and the scope doctor); admins add (Slack app or token, or an
 * incoming webhook), edit and remove.
 */
import type { Connection } from '../api/types';
import { useApi } from '../api/use-api';
import { TestConnection } from '../components/connection-test';
import { ErrorBox } from '../components/error-box';
import { when } from '../lib/format';
import { Link } from '../router';
import { useSession } from '../session';

export const KIND_NAMES: Record<string, string> = {
  bot_token: 'Bot token',
  user_token: 'User token',
  oauth_app: 'Slack app (OAuth)',
  webhook: 'Incoming webhook',
};

export default function ConnectionsPage() {
  const { can } = useSession();
  const list = useApi<Connection[]>('/api/connections');
  return (
    <section>
      <div className="row spread">
        <h1>Connections</h1>
        {can('admin') ? (
          <div className="row">
            <Link className="button" href="/connections/new/slack">
              Add Slack
            </Link>
            <Link className="button secondary" href="/connections/new/webhook">
              Add incoming webhook
            </Link>
          </div>
        ) : null}
      </div>
      {list.error ? <ErrorBox error={list.error} /> : null}
      {list.data?.length === 0 ? (
        <p className="empty">No connections yet. A slack.message task uses the one named “default”.</p>
      ) : null}
      <div className="table-wrap">
        <table data-testid="connection-list">
          <caption className="visually-hidden">Slack connections</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Workspace</th>
              <th scope="col" className="hide-narrow">
                Bot user
              </th>
              <th scope="col" className="hide-narrow">
                Scopes
              </th>
              <th scope="col">Health</th>
            </tr>
          </thead>
          <tbody>
            {(list.data ?? []).map((c) => (
              <tr key={c.name} data-connection={c.name}>
                <td>
                  <Link href={`/connections/${encodeURIComponent(c.name)}`}>{c.name}</Link>
                  {c.description ? <span className="meta"> {c.description}</span> : null}
                </td>
                <td>{KIND_NAMES[c.kind] ?? c.kind}</td>
                <td>{c.team ? (c.team.name ?? c.team.id) : '—'}</td>
                <td className="hide-narrow">{c.bot_user_id ?? '—'}</td>
                <td className="hide-narrow">
                  <span className="meta">{c.granted_bot_scopes.join(', ') || '—'}</span>
                </td>
                <td>
                  <span className="meta">{c.verified_at ? `verified ${when(c.verified_at)}` : 'never verified'}</span>
                  {can('admin') ? <TestConnection name={c.name} /> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
