/**
 * What `runwire runbooks …` does: against a server (`--server` / RUNWIRE_SERVER) over its API, or
 * against the local database's library directly. Both give the API's JSON, printed the same way.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { RunwireError } from '../../core/errors.js';
import { HttpError } from '../../server/http-errors.js';
import { formatOf, pushRunbook, versionJson } from '../../server/library/push.js';
import { openServerRuntime, type ServerRuntime } from '../../server/runtime.js';
import { apiClient } from '../api-client.js';
import type { RuntimeConfig } from '../../runtime/open-runtime.js';
import type { CliContext } from '../context.js';
import type { RunbooksCliOptions } from '../commands/runbooks.js';
import { EXIT_INVALID } from '../load-runbook.js';
import { cliActor } from '../run-session.js';
import { cliTaskTypes } from '../process-types.js';

interface Summary {
  id: string;
  version: number | null;
  name: string | null;
  tasks: number;
  issues: Issue[] | null;
}
interface Issue {
  line: number;
  column: number;
  field: string;
  message: string;
}

function serverOf(opts: RunbooksCliOptions, ctx: CliContext): string | undefined {
  return opts.server ?? ctx.env.RUNWIRE_SERVER;
}

async function local<T>(config: RuntimeConfig, fn: (r: ServerRuntime) => Promise<T>): Promise<T> {
  const r = await openServerRuntime(config);
  try {
    return await fn(r);
  } finally {
    await r.close();
  }
}

export async function listRunbooks(opts: RunbooksCliOptions, config: RuntimeConfig, ctx: CliContext): Promise<void> {
  const server = serverOf(opts, ctx);
  const list: Summary[] = server
    ? (await apiClient(server, ctx.env).request<Summary[]>('GET', '/api/runbooks')).body
    : await local(config, async (r) =>
        (await r.library.list()).map((e) => ({
          id: e.id,
          version: e.latest?.version ?? null,
          name: e.latest?.name ?? null,
          tasks: e.latest?.runbook.tasks.length ?? 0,
          issues: e.issues,
        })),
      );
  if (opts.json) {
    ctx.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return;
  }
  if (list.length === 0) ctx.stdout.write('The library is empty. Add one with: runwire runbooks push FILE\n');
  for (const r of list) {
    const problems = r.issues?.length ? `  (${r.issues.length} problem(s) in the file now)` : '';
    ctx.stdout.write(
      `${r.id.padEnd(28)} v${String(r.version ?? '-').padEnd(4)} ${r.tasks} tasks  ${r.name ?? ''}${problems}\n`,
    );
  }
}

export async function pushRunbookFile(
  file: string,
  opts: RunbooksCliOptions,
  config: RuntimeConfig,
  ctx: CliContext,
): Promise<void> {
  const text = await readFile(file, 'utf8').catch((err: unknown) => {
    ctx.exitCode = EXIT_INVALID;
    throw new RunwireError('runwire.runbook.unreadable', `Cannot read ${file}.`, { cause: err });
  });
  const id = opts.id ?? basename(file, extname(file));
  const format = extname(file) === '.json' ? 'json' : formatOf(undefined, text);
  const server = serverOf(opts, ctx);
  let out: { status: number; body: Record<string, unknown> };
  try {
    out = server
      ? await apiClient(server, ctx.env).request<Record<string, unknown>>(
          'PUT',
          `/api/runbooks/${encodeURIComponent(id)}`,
          {
            text,
            contentType: format === 'json' ? 'application/json' : 'application/yaml',
          },
        )
      : await local(config, async (r) => {
          const res = await pushRunbook(r.library, cliTaskTypes(), {
            id,
            text,
            format,
            by: cliActor(ctx.env),
          });
          return { status: res.created ? 201 : 200, body: versionJson(res.version) };
        });
  } catch (err) {
    const issues = issuesOf(err);
    if (!issues) throw err;
    for (const i of issues) ctx.stderr.write(`${file}:${i.line}:${i.column} ${i.field}: ${i.message}\n`);
    ctx.stderr.write(`${issues.length} problem(s); nothing was stored.\n`);
    ctx.exitCode = EXIT_INVALID;
    return;
  }
  if (opts.json) ctx.stdout.write(`${JSON.stringify(out.body, null, 2)}\n`);
  else
    ctx.stdout.write(`${out.status === 201 ? 'Added' : 'Stored'} runbook ${id} version ${String(out.body.version)}\n`);
}

export async function showRunbook(
  id: string,
  opts: RunbooksCliOptions,
  config: RuntimeConfig,
  ctx: CliContext,
): Promise<void> {
  const server = serverOf(opts, ctx);
  const body: Record<string, unknown> = server
    ? (
        await apiClient(server, ctx.env).request<Record<string, unknown>>(
          'GET',
          `/api/runbooks/${encodeURIComponent(id)}`,
        )
      ).body
    : await local(config, async (r) => {
        const e = await r.library.get(id);
        if (!e?.latest)
          throw new RunwireError('runwire.runbook.not_found', `No runbook "${id}" in the library.`, {
            fix: 'See runwire runbooks list.',
          });
        return { ...versionJson(e.latest), format: e.latest.format, source: e.latest.source, issues: e.issues };
      });
  if (opts.json) {
    ctx.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return;
  }
  const tasks = (body.tasks as Array<{ id: string; type: string; depends_on: string[] }>) ?? [];
  ctx.stdout.write(`${String(body.id)} version ${String(body.version)}: ${String(body.name)}\n`);
  if (body.description) ctx.stdout.write(`${String(body.description)}\n`);
  for (const t of tasks)
    ctx.stdout.write(
      `  ${t.id.padEnd(24)} ${t.type}${t.depends_on.length ? `  after ${t.depends_on.join(', ')}` : ''}\n`,
    );
  const issues = body.issues as Issue[] | null;
  if (issues?.length) {
    ctx.stdout.write(`The file has ${issues.length} problem(s) now; this version stays in use:\n`);
    for (const i of issues) ctx.stdout.write(`  ${i.line}:${i.column} ${i.field}: ${i.message}\n`);
  }
}

function issuesOf(err: unknown): Issue[] | undefined {
  if (err instanceof HttpError && err.code === 'runwire.runbook.invalid') return err.extra?.issues as Issue[];
  const body = (err as { body?: { error?: { code?: string; issues?: Issue[] } } }).body;
  return body?.error?.code === 'runwire.runbook.invalid' ? body.error.issues : undefined;
}
