/**
 * Making the data dir. Node's `mkdirSync(dir, { recursive: true })` spins forever on some paths
 * (`/proc/x`: mkdir answers ENOENT under an existing parent, and Node retries), so the missing
 * components are made one at a time, from the deepest existing ancestor down, and any failure is one
 * clear error naming the path and the fix.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { RunwireError } from '../core/errors.js';

/** Creates `dir` (mode 0700 for new components) unless it exists; throws a RunwireError otherwise. */
export function makeDataDir(dir: string): void {
  const target = resolve(dir);
  const missing: string[] = [];
  let at = target;
  for (;;) {
    let isDir: boolean | undefined;
    try {
      isDir = statSync(at).isDirectory();
    } catch {
      isDir = undefined;
    }
    if (isDir === true) break;
    if (isDir === false) throw unusable(target, `${at} exists and is not a directory`);
    missing.push(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const path of missing.reverse()) {
    try {
      mkdirSync(path, { mode: 0o700 });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      throw unusable(target, `cannot create ${path} (${code ?? String(err)})`);
    }
  }
}

function unusable(dir: string, why: string): RunwireError {
  return new RunwireError('runwire.store.unavailable', `The data dir ${dir} cannot be used: ${why}.`, {
    fix: 'Pass a writable directory with --data-dir DIR (or RUNWIRE_DATA_DIR), or create this one and make it writable.',
  });
}
