/** Which page a path shows. Each page is its own chunk, loaded when first visited. */
import { type ComponentType, lazy } from 'react';
import { matchPath } from './router';

const RunbooksPage = lazy(() => import('./pages/runbooks'));
const RunbookPage = lazy(() => import('./pages/runbook'));
const RunsPage = lazy(() => import('./pages/runs'));
const RunPage = lazy(() => import('./pages/run'));
const ConnectionsPage = lazy(() => import('./pages/connections'));
const ConnectionFormPage = lazy(() => import('./pages/connection-form'));
const ConnectionPage = lazy(() => import('./pages/connection'));
const TriggersPage = lazy(() => import('./pages/triggers'));
const NotFoundPage = lazy(() => import('./pages/not-found'));

// biome-ignore lint/suspicious/noExplicitAny: each page takes its own route params
type Page = ComponentType<any>;

const ROUTES: Array<[string, Page]> = [
  ['/', RunbooksPage],
  ['/runbooks', RunbooksPage],
  ['/runbooks/:id', RunbookPage],
  ['/runs', RunsPage],
  ['/runs/:id', RunPage],
  ['/runs/:id/tasks/:task', RunPage],
  ['/connections', ConnectionsPage],
  ['/connections/new/:kind', ConnectionFormPage],
  ['/connections/:name/edit', ConnectionFormPage],
  ['/connections/:name', ConnectionPage],
  ['/triggers', TriggersPage],
];

export function routeFor(path: string): { Page: Page; params: Record<string, string> } {
  const clean = path.length > 1 ? path.replace(/\/+$/, '') : path;
  for (const [pattern, Page] of ROUTES) {
    const params = matchPath(pattern, clean);
    if (params) return { Page, params };
  }
  return { Page: NotFoundPage, params: {} };
}
