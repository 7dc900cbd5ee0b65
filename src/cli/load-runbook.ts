/**
 * Reading a runbook file for a command: read → parseRunbook → either the Runbook or every issue
 * printed to stderr with exit code 2. Shared by `validate`, `run` and anything else that takes FILE.
 */
import { readFileSync } from 'node:fs';
import { decodeRunbookBytes } from '../core/decode-text.js';
import { RunwireError } from '../core/errors.js';
import { formatIssueLines } from '../core/format-issue.js';
import { parseRunbook, type ParseResult } from '../core/parse-runbook.js';
import type { Runbook } from '../core/runbook.js';
import { VAR_NAME_PATTERN } from '../core/runbook-schema.js';
import type { TaskTypeRegistry } from '../core/task-type.js';
import { LazyTaskTypes } from '../tasks/lazy-types.js';
import type { CliContext } from './context.js';

/** Exit code for an invalid runbook, a missing file or a bad flag value. */
export const EXIT_INVALID = 2;

/** `--var` flags for a command: parsed, or exit code 2 (invalid input) and the error rethrown. */
export function varFlagsOrInvalid(
  values: readonly string[] | undefined,
  ctx: { exitCode: number },
): Record<string, string> {
  try {
    return parseVarFlags(values);
  } catch (err) {
    ctx.exitCode = EXIT_INVALID;
    throw err;
  }
}

/** `['a=1', 'b=x=y']` → `{ a: '1', b: 'x=y' }`; throws `runwire.cli.bad_var` on a malformed one. */
export function parseVarFlags(values: readonly string[] = []): Record<string, string> {
  const vars: Record<string, string> = {};
  const namePattern = new RegExp(VAR_NAME_PATTERN);
  for (const raw of values) {
    const eq = raw.indexOf('=');
    const name = eq < 0 ? raw : raw.slice(0, eq);
    if (eq < 0 || !namePattern.test(name)) {
      throw new RunwireError('runwire.cli.bad_var', `--var "${raw}" is not name=value`, {
        fix: 'write --var release=42 (names use letters, digits and "_")',
      });
    }
    vars[name] = raw.slice(eq + 1);
  }
  return vars;
}

/** Read and parse a runbook file; throws `runwire.runbook.unreadable` when it cannot be read. */
export async function readRunbookFile(
  file: string,
  types: TaskTypeRegistry,
  vars: Record<string, string> = {},
): Promise<ParseResult> {
  let bytes: Buffer;
  try {
    // Synchronous: a command reads one file and waits for it anyway, and node:fs/promises (with the
    // streams and readline it loads) is ~1 ms of start-up that `run` and `validate` need not pay.
    bytes = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : (err as Error).message;
    throw new RunwireError('runwire.runbook.unreadable', `cannot read runbook ${file}: ${why}`, {
      fix: 'pass the path of a runbook .yaml or .json file',
      cause: err,
    });
  }
  const decoded = decodeRunbookBytes(bytes);
  if ('problem' in decoded) return { issues: [{ file, field: '', ...decoded.problem }] };
  if (!(types instanceof LazyTaskTypes)) return parseRunbook(decoded.text, file, types, { vars });
  // Load the types the text names, parse; a type spelled otherwise (an escape) is loaded and parsed again.
  await types.loadMentioned(decoded.text);
  for (;;) {
    const result = parseRunbook(decoded.text, file, types, { vars });
    const missed = types.missed();
    if (missed.length === 0) return result;
    await types.load(missed);
  }
}

/**
 * Load a runbook for a command. On any problem (unreadable file, invalid runbook) it writes every
 * issue to stderr, one per line, sets `ctx.exitCode = 2` and returns undefined.
 */
export async function loadRunbookOrReport(
  file: string,
  types: TaskTypeRegistry,
  ctx: CliContext,
  vars: Record<string, string> = {},
): Promise<Runbook | undefined> {
  let result: ParseResult;
  try {
    result = await readRunbookFile(file, types, vars);
  } catch (err) {
    if (!(err instanceof RunwireError)) throw err;
    ctx.stderr.write(`error: ${err.message}\n${err.fix ? `fix: ${err.fix}\n` : ''}`);
    ctx.exitCode = EXIT_INVALID;
    return undefined;
  }
  if (result.runbook) return result.runbook;
  ctx.stderr.write(formatIssueLines(result, file));
  ctx.exitCode = EXIT_INVALID;
  return undefined;
}
