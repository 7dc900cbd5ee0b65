/**
 * What `runwire run FILE` does (loaded on demand by `commands/run.ts`); `runwire start` runs its
 * example the same way.
 */
import { monotonicMs } from '../../core/monotonic.js';
import { groupProblems, preflight, taskList } from '../../engine/preflight.js';
import type { LazyRuntime } from '../../runtime/open-runtime.js';
import type { CliContext } from '../context.js';
import { EXIT_INVALID, loadRunbookOrReport, varFlagsOrInvalid } from '../load-runbook.js';
import { writeRunJson } from '../../engine/run-json.js';
import { cliActor, exitIfDrained, onInterrupt, openSession, report } from '../run-session.js';
import { lazyProcessTypes } from '../type-deps.js';

export interface RunOpts {
  rehearsal?: boolean;
  var: string[];
  json?: boolean;
  strict?: boolean;
  /** Only enqueue: print the run (`queued`) and exit 0; a `runwire worker` runs it. */
  detach?: boolean;
}

/** Run a runbook file as `runwire run` does; shared with `runwire start`. */
export async function runFile(file: string, opts: RunOpts, rt: LazyRuntime, ctx: CliContext): Promise<void> {
  const json = opts.json === true;
  const overrides = varFlagsOrInvalid(opts.var, ctx);
  // Only the types the runbook uses load (`readRunbookFile`), with their validators.
  const made = lazyProcessTypes(rt, ctx.env);
  const types = made.types;
  // Validate before opening the store: an invalid runbook leaves the data dir untouched.
  const parseStart = monotonicMs();
  const parseCpu = process.cpuUsage();
  const runbook = await loadRunbookOrReport(file, types, ctx, overrides);
  const parseMs = monotonicMs() - parseStart;
  const parseCpuUsed = process.cpuUsage(parseCpu);
  if (!runbook) return;
  // The Slack observers (run board, approval closer) load only for a runbook that may talk to Slack.
  const slack =
    runbook.notify?.slack !== undefined || runbook.tasks.some((t) => t.type === 'slack.message' || t.type === 'manual');
  const s = await openSession(rt, ctx, { json, made, slack });
  try {
    const mode = opts.rehearsal ? 'rehearsal' : 'live';
    const vars = { ...runbook.vars, ...overrides };
    if (!json) for (const t of runbook.tasks) s.taskTypes.set(t.id, t.type);
    const problems =
      mode === 'live'
        ? await preflight(runbook, { vars, mode, types: s.types, signal: AbortSignal.timeout(30_000) })
        : [];
    // The same problem of many tasks (a stopped sandbox, a missing scope) is printed once, with its tasks.
    for (const { taskIds, problem } of groupProblems(problems)) {
      ctx.stderr.write(
        `${opts.strict ? 'error' : 'warning'}: ${taskList(taskIds)}: ${problem.message}${problem.fix ? ` (fix: ${problem.fix})` : ''} [${problem.code}]\n`,
      );
    }
    if (opts.strict && problems.length > 0) {
      ctx.stderr.write(`Not started: ${problems.length} pre-flight problem(s) and --strict.\n`);
      ctx.exitCode = EXIT_INVALID;
      return;
    }
    const events = problems.map(({ taskId, problem }) => ({
      kind: 'run.preflight',
      taskId,
      message: `pre-flight ${problem.severity}: ${problem.message}`,
      data: { code: problem.code, severity: problem.severity, ...(problem.fix ? { fix: problem.fix } : {}) },
    }));
    if (opts.detach) {
      const made = await s.engine.service.create(runbook, { mode, vars, actor: cliActor(ctx.env), events });
      if (json) writeRunJson(made.run, made.tasks, s.types, (chunk) => ctx.stdout.write(chunk));
      else
        ctx.stdout.write(`Run ${made.run.id} (${mode}) of "${runbook.name}" queued; a \`runwire worker\` runs it.\n`);
      ctx.exitCode = 0;
      return;
    }
    const started = process.hrtime.bigint();
    const cpuBefore = process.cpuUsage();
    let runId: string | undefined;
    const dispose = onInterrupt(ctx, () => runId, s);
    const outcome = await s.engine
      .start(runbook, {
        mode,
        vars,
        actor: cliActor(ctx.env),
        events,
        onCreated: (id) => {
          runId = id;
          // From here a storage failure leaves a run to continue (task and resume commands are simply run again).
          ctx.runInFlight = () => id;
          if (!json) ctx.stdout.write(`Run ${id} (${mode}) of "${runbook.name}"\n`);
        },
      })
      .finally(dispose);
    if (ctx.env.RUNWIRE_REPORT_STATS === '1') {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const cpu = process.cpuUsage(cpuBefore);
      const total = process.cpuUsage();
      // For the bench: where the time went (uptime = since the process started).
      ctx.stderr.write(
        `runwire-stats ${JSON.stringify({
          parse_ms: parseMs,
          parse_cpu_ms: (parseCpuUsed.user + parseCpuUsed.system) / 1000,
          engine_ms: ms,
          engine_cpu_ms: (cpu.user + cpu.system) / 1000,
          uptime_ms: performance.now(),
          process_cpu_ms: (total.user + total.system) / 1000,
          tasks: outcome.tasks.length,
        })}\n`,
      );
    }
    report(ctx, s, outcome, json);
    exitIfDrained(ctx, s);
  } finally {
    await s.close();
  }
}
