/**
 * `--runbooks DIR`: every `*.yaml`, `*.yml` and `*.json` of the directory is pushed into the library at
 * start (id = the file name without its extension) and again when it changes. An invalid file is
 * logged and its issues recorded (`GET /api/runbooks/{id}` shows them); its last good version stays in
 * use. A removed file leaves its runbook in the library.
 */
import { type FSWatcher, watch } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { TaskTypeRegistry } from '../../core/task-type.js';
import { HttpError } from '../http-errors.js';
import type { LibraryStore } from '../store/library-store.js';
import { pushRunbook, RUNBOOK_ID } from './push.js';

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
/** Editors write a file in several steps; wait this long after the last change. */
const SETTLE_MS = 100;

export interface DirLoader {
  /** Resolves after the next load of `file` (for tests). */
  loaded(id: string): Promise<void>;
  close(): void;
}

export function runbookIdOf(file: string): string | undefined {
  const ext = extname(file);
  if (!EXTENSIONS.has(ext)) return undefined;
  const id = basename(file, ext);
  return RUNBOOK_ID.test(id) ? id : undefined;
}

export async function loadRunbookDir(
  dir: string,
  lib: LibraryStore,
  types: TaskTypeRegistry,
  log: Logger,
): Promise<DirLoader> {
  const root = resolve(dir);
  const waiters = new Map<string, Array<() => void>>();
  const timers = new Map<string, NodeJS.Timeout>();

  const loadOne = async (name: string): Promise<void> => {
    const id = runbookIdOf(name);
    if (!id) return;
    const file = join(root, name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return; // removed or unreadable between the event and now: the library keeps what it has
    }
    try {
      const { version, changed } = await pushRunbook(lib, types, {
        id,
        text,
        format: extname(name) === '.json' ? 'json' : 'yaml',
        by: `file:${file}`,
        sourceFile: file,
      });
      if (changed) log.info({ runbook: id, version: version.version, file }, 'runbook loaded');
    } catch (err) {
      if (!(err instanceof HttpError) || err.code !== 'runwire.runbook.invalid') {
        log.error({ err, file }, 'runbook file not loaded');
        return;
      }
      const issues = (err.extra?.issues ?? []) as Array<{
        line: number;
        column: number;
        field: string;
        message: string;
      }>;
      await lib.setIssues(
        id,
        issues.map((i) => ({ file, ...i })),
        file,
        text,
      );
      log.warn(
        { runbook: id, file, issues: issues.map((i) => `${file}:${i.line}:${i.column} ${i.field}: ${i.message}`) },
        'runbook file is invalid; the last good version stays in use',
      );
    } finally {
      for (const w of waiters.get(id) ?? []) w();
      waiters.delete(id);
    }
  };

  const entries = await readdir(root);
  for (const name of entries.sort()) await loadOne(name);

  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(root, (_event, name) => {
      if (!name || !runbookIdOf(name)) return;
      clearTimeout(timers.get(name));
      timers.set(
        name,
        setTimeout(() => {
          timers.delete(name);
          void loadOne(name);
        }, SETTLE_MS),
      );
    });
  } catch (err) {
    log.warn({ err, dir: root }, 'cannot watch the runbooks directory; changes need a restart');
  }

  return {
    loaded: (id) =>
      new Promise<void>((res) => {
        const list = waiters.get(id) ?? [];
        list.push(res);
        waiters.set(id, list);
      }),
    close: () => {
      watcher?.close();
      for (const t of timers.values()) clearTimeout(t);
    },
  };
}
