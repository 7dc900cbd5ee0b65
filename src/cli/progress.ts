/**
 * Live progress of a run: one compact line per transition. On a terminal the line has a status
 * marker, colour and the task type's icon; otherwise plain, greppable lines.
 * `task.ready` is not printed (every task passes through it right before `running`).
 */
import type { TaskTypeRegistry } from '../core/task-type.js';
import type { RunEvent } from '../store/store.js';

const ICONS: Readonly<Record<string, string>> = { flag: '⚑', hand: '✋', clock: '⏱', globe: '⇄', slack: '#' };
const MARKS: Readonly<Record<string, [string, string]>> = {
  'task.running': ['▶', '36'],
  'task.succeeded': ['✔', '32'],
  'task.failed': ['✖', '31'],
  'task.skipped': ['↷', '2'],
  'task.waiting': ['⏸', '33'],
  'task.retrying': ['↻', '33'],
  'task.state': ['•', '2'],
  'task.log': ['·', '2'],
  'run.failed': ['✖', '31'],
  'run.succeeded': ['✔', '32'],
  'run.waiting': ['⏸', '33'],
};

export interface ProgressOptions {
  tty: boolean;
  types: TaskTypeRegistry;
  /** task id → type, for the icon (filled in once the run's runbook is known). */
  taskTypes: ReadonlyMap<string, string>;
}

/** The line for one event, without newline; undefined when it is not shown. */
export function progressLine(e: RunEvent, o: ProgressOptions): string | undefined {
  if (e.kind === 'task.ready') return undefined;
  const time = e.at.slice(11, 19);
  if (!o.tty) return `${e.at} ${e.kind} ${e.taskId ?? '-'} ${e.message}`;
  const [mark, colour] = MARKS[e.kind] ?? ['·', '0'];
  const type = e.taskId ? o.taskTypes.get(e.taskId) : undefined;
  const icon = type ? (ICONS[o.types.get(type)?.icon ?? ''] ?? ' ') : ' ';
  const by = e.actor.startsWith('cli:') ? `  \x1b[2m(${e.actor})\x1b[0m` : '';
  return `\x1b[2m${time}\x1b[0m \x1b[${colour}m${mark}\x1b[0m ${icon} ${e.message}${by}`;
}

export function progressPrinter(out: NodeJS.WritableStream, o: ProgressOptions): (e: RunEvent) => void {
  return (e) => {
    const line = progressLine(e, o);
    if (line !== undefined) out.write(`${line}\n`);
  };
}
