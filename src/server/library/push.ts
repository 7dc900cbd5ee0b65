/**
 * Putting a runbook into the library: the text is validated exactly as `runwire validate` does
 * (`parseRunbook`, every issue with line, column and field), and only a valid runbook becomes a
 * version. Shared by `PUT /api/runbooks/{id}`, `--runbooks DIR` and `runwire runbooks push`.
 */
import type { RunbookIssue } from '../../core/runbook.js';
import { parseRunbook } from '../../core/parse-runbook.js';
import type { TaskTypeRegistry } from '../../core/task-type.js';
import { HttpError } from '../http-errors.js';
import type { LibraryStore, RunbookVersion } from '../store/library-store.js';

/** Library ids: what a file name gives (letters, digits, `.`, `_`, `-`). */
export const RUNBOOK_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function formatOf(contentType: string | undefined, text: string): 'yaml' | 'json' {
  if (contentType?.includes('json')) return 'json';
  if (contentType?.includes('yaml')) return 'yaml';
  return /^\s*[{[]/.test(text) ? 'json' : 'yaml';
}

export function invalidRunbook(id: string, issues: RunbookIssue[]): HttpError {
  return new HttpError(
    422,
    'runwire.runbook.invalid',
    `Runbook "${id}" has ${issues.length} problem${issues.length === 1 ? '' : 's'}; nothing was stored.`,
    {
      fix: 'Fix every issue listed (the same as `runwire validate` prints) and push again.',
      extra: {
        issues: issues.map((i) => ({ line: i.line, column: i.column, field: i.field, message: i.message })),
      },
    },
  );
}

export interface PushInput {
  id: string;
  text: string;
  format: 'yaml' | 'json';
  by: string;
  sourceFile?: string;
}

/** Validate and store; throws the 422 `runwire.runbook.invalid` with every issue. */
export async function pushRunbook(
  lib: LibraryStore,
  types: TaskTypeRegistry,
  p: PushInput,
): Promise<{ version: RunbookVersion; created: boolean; changed: boolean }> {
  if (!RUNBOOK_ID.test(p.id)) {
    throw new HttpError(400, 'runwire.runbook.bad_id', `"${p.id}" is not a runbook id.`, {
      fix: 'Use letters, digits, ".", "_" and "-" (up to 128), e.g. the file name without its extension.',
    });
  }
  const file = p.sourceFile ?? `${p.id}.${p.format}`;
  const { runbook, issues } = parseRunbook(p.text, file, types);
  if (!runbook) throw invalidRunbook(p.id, issues);
  return lib.put(p.id, {
    source: p.text,
    format: p.format,
    runbook,
    by: p.by,
    ...(p.sourceFile ? { sourceFile: p.sourceFile } : {}),
  });
}

/** The library's JSON for one version (what PUT and GET answer). */
export function versionJson(v: RunbookVersion): Record<string, unknown> {
  const triggers = (v.runbook as { triggers?: unknown[] }).triggers ?? [];
  return {
    id: v.id,
    version: v.version,
    name: v.name,
    description: v.description,
    tasks: v.runbook.tasks,
    triggers,
    vars: v.runbook.vars,
    created_at: v.created_at,
    created_by: v.created_by,
  };
}
