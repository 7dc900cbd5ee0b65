/**
 * The run as JSON, the CLI's `--json` output and the API's shape:
 * `{ id, runbook, mode, status, started_at, finished_at, vars, tasks: [{ id, name, type, status,
 * started_at, finished_at, attempts, error, output, [stateKey]?, reason? }] }`, ISO-8601 times.
 */
import type { TaskTypeRegistry } from '../core/task-type.js';
import type { RunRecord, TaskRecord } from '../store/store.js';

export interface TaskJson {
  id: string;
  name: string;
  type: string;
  status: string;
  started_at: string | null;
  finished_at: string | null;
  attempts: number;
  error: TaskRecord['error'];
  output: Record<string, unknown> | null;
  /** Why it was skipped (or failed "interrupted"). */
  reason?: string;
  /** The type's durable state under its `stateKey`, e.g. `slack`. */
  [stateKey: string]: unknown;
}

export interface RunJson {
  id: string;
  runbook: string;
  mode: string;
  status: string;
  started_at: string | null;
  finished_at: string | null;
  vars: Record<string, string>;
  tasks: TaskJson[];
}

export function taskJson(t: TaskRecord, types: TaskTypeRegistry): TaskJson {
  const out: TaskJson = {
    id: t.taskId,
    name: t.name,
    type: t.type,
    status: t.status,
    started_at: t.startedAt,
    finished_at: t.finishedAt,
    attempts: t.attempts,
    error: t.error,
    output: t.output,
  };
  if (t.reason !== null) out.reason = t.reason;
  const key = types.get(t.type)?.stateKey;
  if (key && !(key in out)) out[key] = t.state;
  return out;
}

export function runJson(run: Omit<RunRecord, 'spec'>, tasks: readonly TaskRecord[], types: TaskTypeRegistry): RunJson {
  return {
    id: run.id,
    runbook: run.runbook,
    mode: run.mode,
    status: run.status,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
    vars: run.vars,
    tasks: tasks.map((t) => taskJson(t, types)),
  };
}

/**
 * Write the run JSON exactly as `JSON.stringify(runJson(...), null, 2) + '\n'` would, but in chunks of
 * about 64 KiB, task by task: a 10,000-task run never becomes one multi-megabyte string.
 */
export function writeRunJson(
  run: Omit<RunRecord, 'spec'>,
  tasks: readonly TaskRecord[],
  types: TaskTypeRegistry,
  write: (chunk: string) => void,
): void {
  const { tasks: _none, ...head } = runJson(run, [], types);
  let buf = `${JSON.stringify(head, null, 2).slice(0, -2)},\n  "tasks": [`;
  if (tasks.length === 0) {
    write(`${buf}]\n}\n`);
    return;
  }
  tasks.forEach((t, i) => {
    // Values never hold a raw newline (JSON escapes them), so indenting every line is safe.
    buf += `${i === 0 ? '' : ','}\n${JSON.stringify(taskJson(t, types), null, 2).replace(/^/gm, '    ')}`;
    if (buf.length >= 65_536) {
      write(buf);
      buf = '';
    }
  });
  write(`${buf}\n  ]\n}\n`);
}
