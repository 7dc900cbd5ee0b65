/**
 * The app: find out who is logged in (`GET /api/session`), show the login page or the shell with the
 * page for the current path. Pages load on demand, so the first screen stays small.
 */
import { Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { api, onUnauthorized } from './api/client';
import type { Who } from './api/types';
import { Shell } from './components/shell';
import { LoginPage } from './pages/login';
import { navigate, useRoute } from './router';
import { allows, type Session, SessionContext } from './session';
import { routeFor } from './routes';

export function App() {
  const [who, setWho] = useState<Who | null | undefined>(undefined);
  useEffect(() => {
    onUnauthorized(() => setWho(null));
    api<{ session: Who | null }>('/api/session/current').then(
      (r) => setWho(r.session),
      () => setWho(null),
    );
  }, []);
  const logout = useCallback(async () => {
    await api('/api/session', { method: 'DELETE' }).catch(() => {});
    setWho(null);
    navigate('/', true);
  }, []);
  const session = useMemo<Session | undefined>(
    () => (who ? { who, can: (role) => allows(who.role, role), logout } : undefined),
    [who, logout],
  );
  if (who === undefined) return <p className="boot">Loading…</p>;
  if (!session) return <LoginPage onLogin={setWho} />;
  return (
    <SessionContext.Provider value={session}>
      <Shell>
        <Suspense fallback={<p aria-live="polite">Loading…</p>}>
          <CurrentPage />
        </Suspense>
      </Shell>
    </SessionContext.Provider>
  );
}

function CurrentPage() {
  const { path } = useRoute();
  const { Page, params } = routeFor(path);
  return <Page {...params} />;
}
