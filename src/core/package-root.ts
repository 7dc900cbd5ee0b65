/**
 * Files of the installed package (package.json, examples/, the web UI in dist/web/), found from the
 * package's root rather than from a module's own place: the same module runs compiled by tsc
 * (dist/src/…) and bundled into dist/cli/chunks/ (tools/bundle-cli.ts), at different depths.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let root: URL | undefined;

/** The root directory of the runwire package: the nearest parent holding its package.json. */
function packageRoot(): URL {
  if (root) return root;
  for (let dir = new URL('./', import.meta.url); ; dir = new URL('../', dir)) {
    const pkg = new URL('package.json', dir);
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'runwire') {
      root = dir;
      return dir;
    }
    if (dir.pathname === '/') throw new Error(`runwire's package.json not found above ${import.meta.url}`);
  }
}

/** The absolute path of `rel` (e.g. `examples/`) in the runwire package. */
export function packagePath(rel: string): string {
  return fileURLToPath(new URL(rel, packageRoot()));
}
