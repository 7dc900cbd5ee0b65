/**
 * The web UI at `/`: the files Vite built into `dist/web/` (hashed `assets/*` cached for a year,
 * everything else `no-cache`), and `index.html` for any other GET so client routes (`/runs/r_1`)
 * load the app. Never for `/api/*`, `/slack/*` or `/oauth/*`: an unknown path there is the API's
 * JSON 404. Only files listed when the app is built are served, so no request path reaches the disk.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { packagePath } from '../../core/package-root.js';
import type { Api } from '../app.js';
import { HttpError } from '../http-errors.js';

/** `dist/web/` in the package, where Vite builds the app. */
export const DEFAULT_WEB_DIR = packagePath('dist/web/');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Paths that belong to the server, never to the UI. */
const SERVER_PREFIX = /^\/(api|slack|oauth)(\/|$)/;

const NOT_BUILT =
  '<!doctype html><meta charset="utf-8"><title>Runwire</title><h1>Runwire</h1>' +
  '<p>The web UI is not built. Run <code>npm run build</code> (or <code>npm install</code>), then reload.</p>' +
  '<p><a href="/api/docs">API docs</a></p>';

interface WebFile {
  body: Buffer;
  type: string;
  cache: string;
}

/** Every file under `dir` keyed by its URL path (`/assets/index-abc.js`); empty when there is no build. */
export function listWebFiles(dir: string): Map<string, WebFile> {
  const files = new Map<string, WebFile>();
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return files;
  }
  for (const name of names) {
    const full = join(dir, name);
    if (!statSync(full).isFile()) continue;
    const url = `/${relative(dir, full).split(sep).join('/')}`;
    files.set(url, {
      body: readFileSync(full),
      type: TYPES[extname(name)] ?? 'application/octet-stream',
      cache: url.startsWith('/assets/') ? IMMUTABLE : 'no-cache',
    });
  }
  return files;
}

export function webRoutes(app: Api, dir = DEFAULT_WEB_DIR): void {
  const files = listWebFiles(dir);
  const index = files.get('/index.html');
  app.get('/*', { config: { role: 'public' }, schema: { hide: true } }, async (req, reply) => {
    const path = req.url.split('?')[0] ?? '/';
    if (SERVER_PREFIX.test(path) || path.startsWith('/assets/')) {
      const hit = files.get(path);
      if (hit) return reply.type(hit.type).header('cache-control', hit.cache).send(hit.body);
      throw new HttpError(404, 'runwire.http.not_found', `No route GET ${path}.`, {
        fix: 'See the API docs at /api/docs.',
      });
    }
    const hit = path === '/' ? index : files.get(path);
    if (hit) return reply.type(hit.type).header('cache-control', hit.cache).send(hit.body);
    if (!index) return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(NOT_BUILT);
    // A client route: the app decides what it shows.
    return reply.type(index.type).header('cache-control', 'no-cache').send(index.body);
  });
}
