/** What `runwire runs list|show|cancel` do (loaded on demand by `commands/runs.ts`). */
import { RunwireError } from '../../core/errors.js';
import { writeRunJson } from '../../engine/run-json.js';
import type { TaskTypeRegistry } from '../../core/task-type.js';
import type { RunEvent, RunSummary, TaskRecord } from '../../store/store.js';
import type { LazyRuntime } from '../../runtime/open-runtime.js';
import type { CliContext } from '../context.js';

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function listLine(r: RunSummary): string {
  return `${pad(r.id, 18)} ${pad(r.status, 10)} ${pad(r.mode, 10)} ${pad(r.startedAt ?? '-', 25)} ${pad(String(r.taskCount), 6)} ${r.runbook}`;
}

function taskLines(t: TaskRecord, types: TaskTypeRegistry): string {
  const extra = t.error ? ` — ${t.error.message}` : t.reason ? ` — ${t.reason}` : '';
  const lines = [`  ${pad(t.taskId, 22)} ${pad(t.status, 10)} ${pad(t.type, 14)} attempts ${t.attempts}${extra}`];
  // The type's own detail (slack.message: state, channel, message), else the error's fix.
  const detail = t.state ? (types.get(t.type)?.describe?.(t.state) ?? []) : [];
  if (t.error?.fix && !detail.some((l) => l.startsWith('fix: '))) detail.push(`fix: ${t.error.fix}`);
  for (const d of detail) lines.push(`      ${d}`);
  return lines.join('\n');
}

function eventLine(e: RunEvent): string {
  return `  ${e.at}  ${pad(e.actor, 16)} ${pad(e.kind, 15)} ${e.message}`;
}

export async function listRuns(
  opts: { json?: boolean; limit: string },
  rt: LazyRuntime,
  ctx: CliContext,
): Promise<void> {
  const limit = Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1) {
    ctx.exitCode = 2;
    throw new RunwireError('runwire.cli.bad_option', `--limit must be a positive whole number, not "${opts.limit}".`);
  }
  // Listing needs only the store: no engine and no task types to load.
  try {
    const runs = await (await rt.get()).store.listRuns(limit);
    if (opts.json) {
      const out = runs.map((r) => ({
        id: r.id,
        runbook: r.runbook,
        mode: r.mode,
        status: r.status,
        started_at: r.startedAt,
        finished_at: r.finishedAt,
        vars: r.vars,
        task_count: r.taskCount,
      }));
      ctx.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    } else if (runs.length === 0) {
      ctx.stdout.write('No runs yet. Start one with: runwire run examples/release-cutover.yaml\n');
    } else {
      ctx.stdout.write(
        `${pad('RUN', 18)} ${pad('STATUS', 10)} ${pad('MODE', 10)} ${pad('STARTED', 25)} ${pad('TASKS', 6)} RUNBOOK\n`,
      );
      for (const r of runs) ctx.stdout.write(`${listLine(r)}\n`);
    }
  } finally {
    await rt.close();
  }
}

export async function showRun(
  runId: string,
  opts: { json?: boolean },
  rt: LazyRuntime,
  ctx: CliContext,
): Promise<void> {
  const { openSession } = await import('../run-session.js');
  const s = await openSession(rt, ctx, { json: true });
  try {
    const { run, tasks } = await s.engine.load(runId);
    if (opts.json) {
      writeRunJson(run, tasks, s.types, (chunk) => ctx.stdout.write(chunk));
      return;
    }
    const varText =
      Object.entries(run.vars)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ') || '-';
    ctx.stdout.write(
      `Run ${run.id}  ${run.status}  (${run.mode})\nRunbook: ${run.runbook}\nStarted: ${run.startedAt ?? '-'}  Finished: ${run.finishedAt ?? '-'}\nVars: ${varText}\n\nTasks:\n`,
    );
    for (const t of tasks) ctx.stdout.write(`${taskLines(t, s.types)}\n`);
    ctx.stdout.write('\nEvents:\n');
    for (const e of await s.store.getEvents(runId)) ctx.stdout.write(`${eventLine(e)}\n`);
  } finally {
    await s.close();
  }
}

export async function cancelRun(
  runId: string,
  opts: { json?: boolean },
  rt: LazyRuntime,
  ctx: CliContext,
): Promise<void> {
  const json = opts.json === true;
  const { cliActor, openSession, report } = await import('../run-session.js');
  const s = await openSession(rt, ctx, { json: true });
  try {
    const outcome = await s.engine.cancel(runId, cliActor(ctx.env));
    if (!json) ctx.stdout.write(`Run ${runId} cancelled.\n`);
    else report(ctx, s, outcome, true);
    ctx.exitCode = 0;
  } finally {
    await s.close();
  }
}
