/** The frame of every page: the navigation, who is logged in with their role, and log out. */
import type { ReactNode } from 'react';
import { Link, useRoute } from '../router';
import { useSession } from '../session';

const NAV: Array<[string, string]> = [
  ['/runbooks', 'Runbooks'],
  ['/runs', 'Runs'],
  ['/triggers', 'Triggers'],
  ['/connections', 'Connections'],
];

export function Shell({ children }: { children: ReactNode }) {
  const { who, logout } = useSession();
  const { path } = useRoute();
  const current = (href: string): boolean =>
    path === href || path.startsWith(`${href}/`) || (href === '/runbooks' && path === '/');
  return (
    <>
      <header className="top">
        <Link href="/" className="brand">
          Runwire
        </Link>
        <nav aria-label="Main">
          {NAV.map(([href, label]) => (
            <Link key={href} href={href} {...(current(href) ? { 'aria-current': 'page' as const } : {})}>
              {label}
            </Link>
          ))}
        </nav>
        <div className="who" data-testid="who">
          <span className="who-name">{who.name}</span>{' '}
          <span className={`role role-${who.role}`} data-testid="role">
            {who.role}
          </span>
          <button type="button" className="link-button" onClick={() => void logout()}>
            Log out
          </button>
        </div>
      </header>
      <main id="main">{children}</main>
    </>
  );
}
