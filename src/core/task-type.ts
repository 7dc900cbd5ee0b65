/**
 * The task-type plugin contract. A task type is a plain typed object made by `defineTaskType`;
 * its input is declared once as a JSON Schema (built with TypeBox) that drives validation,
 * the UI form and API docs. Types that need services (a Slack connection registry, an HTTP
 * agent) are made by a factory that receives them: `createSlackMessageType({ connections, ... })`.
 *
 * The engine owns everything generic (templating, retries, persistence, rehearsal skipping);
 * a type owns only what its task does.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { ErrorCode } from './errors.js';
import { renderDeep, type RenderOptions, type TemplateScope } from './template.js';

export type RunMode = 'live' | 'rehearsal';

/** What a type does in a rehearsal run unless the task says otherwise. */
export type RehearsalBehaviour = 'run' | 'skip';

export interface RetryPolicy {
  /** Total attempts including the first (1 = no retry). */
  attempts: number;
  /** Base backoff in milliseconds; attempt n waits about base * 2^(n-1), with jitter. */
  backoffMs: number;
  /** Upper bound on one wait, in milliseconds. */
  maxBackoffMs?: number;
}

export interface TaskLogger {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

/** A finished (or in-flight) task of the same run, as another task may see it. */
export interface TaskView {
  id: string;
  type: string;
  status: string;
  output: Record<string, unknown> | undefined;
  /** The type-specific durable state (see `TaskContext.saveState`). */
  state: Record<string, unknown> | undefined;
}

export interface TaskContext {
  run: { id: string; mode: RunMode; runbook: string };
  task: { id: string; name: string; type: string };
  /** 1-based attempt number. */
  attempt: number;
  /**
   * Why `run` is called: `fresh` (a new attempt: the first, a retry's, an operator's retry),
   * `woke` (a timer of this attempt came due: `sleeping`, or a `waiting` task's `until`), or
   * `recovered` (re-run after a crash interrupted it while running; its saved state is what it left).
   */
  start: 'fresh' | 'woke' | 'recovered';
  /** Stable for this run and task across attempts and restarts: `<runId>:<taskId>`. */
  idempotencyKey: string;
  /** Aborted when the run is cancelled or the process is shutting down. */
  signal: AbortSignal;
  log: TaskLogger;
  /** The clock; types never read Date.now() themselves, so tests can control time. */
  now(): Date;
  /**
   * The type-specific durable state saved by an earlier call of `saveState` for this task —
   * in this attempt, an earlier attempt, or before a crash. Undefined when none was saved.
   */
  readonly state: Record<string, unknown> | undefined;
  /**
   * Persist type-specific state durably (it is committed when the promise resolves) and record
   * an event in the run's log. Use it to save an intent before a side effect and its outcome after.
   * `event` is a short human line for the event log, e.g. "Message sending".
   */
  saveState(state: Record<string, unknown>, event?: string): Promise<void>;
  /** Another task of the same run (e.g. the message a thread reply answers). */
  lookupTask(taskId: string): TaskView | undefined;
}

export type TaskResult =
  | { status: 'succeeded'; output?: Record<string, unknown> }
  /**
   * For manual tasks: the task waits for an operator (`runwire task complete`). With `until`, a
   * deadline: when nobody acted by then, `run` is called again (same attempt; a durable timer like
   * `sleeping`, but the task stays `waiting`, so an operator can decide it meanwhile).
   */
  | { status: 'waiting'; output?: Record<string, unknown>; until?: Date }
  /** The task decided to skip itself (an approval that timed out with `on_timeout: skip`). */
  | { status: 'skipped'; reason: string; output?: Record<string, unknown> }
  /**
   * Call `run` again at `until` (same attempt): a durable timer. The engine keeps a short one in the
   * worker; a longer one parks the run (no lease, no process) and any worker continues it when due.
   * The type must save what it needs with `saveState` first (`wait` saves its deadline).
   */
  | { status: 'sleeping'; until: Date };

export interface TaskTypeDefinition<S extends TSchema = TSchema> {
  /** The `type:` value in a runbook, e.g. `slack.message`. */
  type: string;
  /** A short human title, e.g. "Slack message". */
  title: string;
  /** One or two sentences for people: what a task of this type does (API docs, the UI, `runwire types`). */
  description: string;
  /** An icon name for the UI, e.g. `slack`, `flag`, `hand`, `clock`, `globe`. */
  icon: string;
  /**
   * JSON Schema of the task's own fields; every field carries a `title` and a `description` (and a
   * `default` where there is one), so forms and API docs come from the schema (beyond the common id, name, type, depends_on, retry,
   * rehearsal). A type whose schema declares `rehearsal` itself receives that field in its input
   * and validates it (slack.message: skip | send | { channel }).
   */
  input: S;
  /** Default rehearsal behaviour; a task's `rehearsal: run|skip` overrides it. */
  rehearsal: RehearsalBehaviour;
  /** True when re-running after an interruption can never repeat a side effect. */
  idempotent: boolean;
  /** Default retry policy for transient failures (errors with `retryable: true`). */
  retry: RetryPolicy;
  /**
   * Key under which the task's durable state appears in the run JSON (e.g. `slack` gives
   * `tasks[].slack`). Without it the state is still persisted but not shown.
   */
  stateKey?: string;
  /**
   * Optional: the task's detail for people, from its durable state — short lines that
   * `runwire runs show` prints under the task (slack.message: the state, channel and message).
   */
  describe?(state: Record<string, unknown>): string[];
  /**
   * Optional: decide the rehearsal behaviour from the task's own fields, for types whose
   * `rehearsal` field is richer than run|skip (slack.message: skip | send | { channel }).
   * The raw field value is passed; return 'run' or 'skip'.
   */
  rehearsalFor?(rehearsalField: unknown, input: Static<S>): RehearsalBehaviour;
  /**
   * Optional: called instead of `run` when the task is skipped in rehearsal, with rendered
   * input, so the type can record what would have happened (e.g. the message text).
   */
  preview?(input: Static<S>, ctx: TaskContext): Promise<void>;
  /**
   * Optional extra validation beyond the schema, run by `parseRunbook` on the unrendered input
   * (e.g. `thread: <task id>` must name an earlier slack.message task that is an ancestor).
   * Return problems with the field path relative to the task (`thread`), not positions.
   */
  validate?(input: Static<S>, graph: ValidationGraph): Array<{ field: string; message: string }>;
  /**
   * Optional pre-flight: check, without side effects, what the task will need when it runs (a
   * connection, a channel, scopes, membership). Called by `runwire check FILE` and when a live run
   * starts (problems become warnings in the event log, or refuse the run with `--strict`).
   * The input has `{{vars.*}}`/`{{runbook.*}}`/`{{run.*}}` rendered; `{{tasks.*}}` references are left as written.
   */
  check?(input: Static<S>, ctx: CheckContext): Promise<CheckProblem[]>;
  /**
   * Optional: how the input's templates are rendered, for a type whose fields need more than
   * "render every string": values escaped for the field's markup (slack.message: mrkdwn), or a
   * JSON string parsed first so that values land inside its strings, never in its structure.
   * `render(value, escape?)` renders every string inside `value`, escaping inserted values with
   * `escape` (except `{{raw …}}`). Default: `render(input)`.
   */
  renderInput?(input: Static<S>, render: InputRenderer): Static<S>;
  /**
   * Optional: warnings found from the input alone — pure, no I/O (http: credentials written into
   * the URL). Shown by `runwire validate` and, with `check`'s problems, by `runwire check` and a live
   * run's pre-flight. The input is rendered as for `check`.
   */
  warnings?(input: Static<S>): CheckProblem[];
  /** Run the task with its rendered input. Throw a RunwireError (retryable or not) to fail. */
  run(input: Static<S>, ctx: TaskContext): Promise<TaskResult>;
}

/** Renders every string inside a value; `escape` is applied to each inserted value (not `{{raw …}}`). */
export type InputRenderer = <T>(value: T, escapeValue?: (value: string) => string) => T;

/** A task's input rendered the way its type says (`renderInput`), or every string as is. */
export function renderTaskInput<T>(
  def: { renderInput?(input: never, render: InputRenderer): unknown },
  input: T,
  scope: TemplateScope,
  opts: RenderOptions = {},
): T {
  const render: InputRenderer = (value, escapeValue) =>
    renderDeep(value, scope, escapeValue ? { ...opts, escape: escapeValue } : opts);
  return def.renderInput ? (def.renderInput(input as never, render) as T) : render(input);
}

/** What a type's `validate` hook can ask about the runbook's task graph. */
export interface ValidationGraph {
  /** The type of another task, or undefined when no such task exists. */
  typeOf(taskId: string): string | undefined;
  /** True when `ancestorId` must finish before the task being validated starts. */
  isAncestor(ancestorId: string): boolean;
}

export interface CheckContext {
  run: { mode: RunMode; runbook: string };
  task: { id: string; name: string; type: string };
  signal: AbortSignal;
}

/** One pre-flight problem, e.g. a missing scope, with the fix. */
export interface CheckProblem {
  /** Stable code, e.g. `runwire.slack.missing_scope`. */
  code: ErrorCode;
  message: string;
  fix?: string;
  /** `error` will make the task fail when it starts; `warning` may degrade it (e.g. at-least-once). */
  severity: 'error' | 'warning';
}

export function defineTaskType<S extends TSchema>(def: TaskTypeDefinition<S>): TaskTypeDefinition<S> {
  return def;
}

/** A registry of task types by `type`. */
export type TaskTypeRegistry = ReadonlyMap<string, TaskTypeDefinition>;
