/** Log in with an API token: the server turns it into an HttpOnly session cookie; the page never keeps it. */
import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api/client';
import type { Who } from '../api/types';
import { ErrorBox } from '../components/error-box';

export function LoginPage({ onLogin }: { onLogin(who: Who): void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    try {
      const who = await api<Who>('/api/session', { method: 'POST', body: { token: token.trim() }, quiet401: true });
      setToken('');
      onLogin(who);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'runwire.http.network', String(err)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" className="login">
      <h1>Runwire</h1>
      <form onSubmit={(e) => void submit(e)} className="card">
        <h2>Log in</h2>
        <label htmlFor="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          placeholder="rwt_…"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          required
        />
        <p className="hint">
          Create one with <code>runwire token create --name you --role operator</code>.
        </p>
        {error ? <ErrorBox error={error} /> : null}
        <button type="submit" disabled={busy || !token.trim()}>
          Log in
        </button>
      </form>
    </main>
  );
}
