/**
 * Runbook templates: `{{vars.x}}`, `{{runbook.name}}`, `{{run.id}}`, `{{run.mode}}`, `{{task.id}}`,
 * `{{task.name}}`, `{{tasks.<id>.output.<field>}}` (whitespace inside the braces allowed).
 * `templateRefs` lists references for validation; `renderTemplate` fills them in and throws on an
 * unknown one — an unknown reference is never rendered as an empty string.
 *
 * A field whose text is interpreted (Slack mrkdwn) renders with an `escape` function, so a value
 * cannot inject markup (`<!channel>`, a disguised link); `{{raw <reference>}}` opts one value out.
 */
import { RunwireError } from './errors.js';

/** One `{{ … }}` occurrence in a string. */
export interface TemplateRef {
  /** The whole occurrence as written, e.g. `{{ vars.release }}`. */
  raw: string;
  /** The expression inside the braces, trimmed: `vars.release`. */
  expr: string;
  /** The expression split on dots: `['vars', 'release']`. */
  path: string[];
  /** Offset of the occurrence in the string. */
  index: number;
  /** `raw` for `{{raw vars.x}}`: the value is inserted as is, even where values are escaped. */
  helper?: 'raw';
}

const REF = /\{\{([^{}]*)\}\}/g;

/** Every `{{ … }}` reference in `text`, in order. */
export function templateRefs(text: string): TemplateRef[] {
  const refs: TemplateRef[] = [];
  for (const m of text.matchAll(REF)) {
    let expr = (m[1] as string).trim();
    const raw = /^raw\s+(\S.*)$/.exec(expr);
    if (raw) expr = (raw[1] as string).trim();
    refs.push({
      raw: m[0],
      expr,
      path: expr.split('.').map((p) => p.trim()),
      index: m.index ?? 0,
      ...(raw ? { helper: 'raw' as const } : {}),
    });
  }
  return refs;
}

/** True when the string holds at least one `{{ … }}` reference. */
export function hasTemplate(text: string): boolean {
  return /\{\{[^{}]*\}\}/.test(text);
}

/** A `{{` that no `}}` closes (a typo that would otherwise be sent as written), or undefined. */
export function unclosedTemplate(text: string): string | undefined {
  const rest = text.replace(REF, '');
  const at = rest.indexOf('{{');
  if (at < 0) return undefined;
  const snippet = rest.slice(at, at + 30);
  return `unclosed template "${snippet}${rest.length > at + 30 ? '…' : ''}" (a reference is written {{vars.name}})`;
}

/** What validation knows when checking a reference: declared variables and the task graph. */
export interface RefCheckContext {
  vars: ReadonlySet<string>;
  /** `unknown` when no such task, `not-ancestor` when it does not finish before this task starts. */
  taskRelation(taskId: string): 'ancestor' | 'not-ancestor' | 'unknown' | 'self';
}

const FIXED: Readonly<Record<string, readonly string[]>> = {
  runbook: ['name'],
  run: ['id', 'mode'],
  task: ['id', 'name'],
};

// `{{raw <reference>}}` wraps any of these; it is a helper, not a form of its own.
const KNOWN_FORMS = 'vars.<name>, runbook.name, run.id, run.mode, task.id, task.name, tasks.<id>.output.<field>';

/** Why a reference cannot be rendered in this task, or undefined when it is fine. */
export function refProblem(ref: TemplateRef, ctx: RefCheckContext): string | undefined {
  const [root, ...rest] = ref.path;
  if (ref.expr === '' || ref.path.some((p) => p === '')) {
    return `malformed template reference "${ref.raw}" (known forms: ${KNOWN_FORMS})`;
  }
  if (root === 'vars') {
    if (rest.length !== 1) return `template "${ref.raw}" must be vars.<name>`;
    const name = rest[0] as string;
    return ctx.vars.has(name)
      ? undefined
      : `unknown variable "${name}" in "${ref.raw}" (declare it under vars: or pass --var ${name}=...)`;
  }
  if (root === 'tasks') {
    const [taskId, output, ...field] = rest;
    if (taskId === undefined || output !== 'output' || field.length === 0) {
      return `template "${ref.raw}" must be tasks.<id>.output.<field>`;
    }
    const rel = ctx.taskRelation(taskId);
    if (rel === 'unknown') return `template "${ref.raw}" refers to unknown task "${taskId}"`;
    if (rel === 'self') return `template "${ref.raw}" refers to the task's own output`;
    if (rel === 'not-ancestor') {
      return `template "${ref.raw}" refers to task "${taskId}", which is not an ancestor (add it to depends_on)`;
    }
    return undefined;
  }
  const fields = root === undefined ? undefined : FIXED[root];
  if (fields && rest.length === 1 && fields.includes(rest[0] as string)) return undefined;
  return `unknown template reference "${ref.raw}" (known forms: ${KNOWN_FORMS})`;
}

/** The values a template is rendered with. Roots left out are unknown (or kept with `partial`). */
export interface TemplateScope {
  vars?: Readonly<Record<string, string>>;
  runbook?: { name: string };
  run?: { id: string; mode: string };
  task?: { id: string; name: string };
  /** Tasks of the run, by id (a record, or a lookup such as `TaskContext.lookupTask`). */
  tasks?: Readonly<Record<string, TaskOutputView>> | ((id: string) => TaskOutputView | undefined);
}

/** What a template needs of another task: its output, and its status when known. */
export interface TaskOutputView {
  output?: Record<string, unknown> | undefined;
  /** `skipped` lets `skippedOutput: 'placeholder'` stand in for the missing output. */
  status?: string | undefined;
}

export interface RenderOptions {
  /** Leave references whose root (`tasks`, `run`, …) is absent from the scope as written. */
  partial?: boolean;
  /**
   * What an output reference to a task that was skipped (e.g. not run in rehearsal) renders as:
   * `throw` (default) fails the render; `placeholder` writes `[skipped: tasks.x.output.y]` so a
   * rehearsal can go on and still show where the value would be.
   */
  skippedOutput?: 'throw' | 'placeholder';
  /**
   * Applied to every value inserted (after it is turned into text), except `{{raw …}}` ones: e.g.
   * Slack mrkdwn escaping, so a value shows as text instead of becoming a mention or a link.
   */
  escape?: (value: string) => string;
}

function unknownRef(ref: TemplateRef, why: string): RunwireError {
  return new RunwireError('runwire.template.unknown_reference', `cannot render "${ref.raw}": ${why}`, {
    fix: `known forms: ${KNOWN_FORMS}`,
  });
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/** The value of one reference; throws on anything unknown. `undefined` means "keep as written". */
function resolve(ref: TemplateRef, scope: TemplateScope, opts: RenderOptions): unknown {
  const [root, ...rest] = ref.path;
  const present = root !== undefined && root in scope && (scope as Record<string, unknown>)[root] !== undefined;
  if (!present) {
    if (opts.partial && root !== undefined && ['vars', 'runbook', 'run', 'task', 'tasks'].includes(root))
      return undefined;
    throw unknownRef(
      ref,
      root === 'vars' || root === 'tasks' || (root !== undefined && root in FIXED)
        ? `no ${root} values in this context`
        : 'unknown reference',
    );
  }
  if (root === 'tasks') {
    const [taskId, output, ...field] = rest;
    if (taskId === undefined || output !== 'output' || field.length === 0)
      throw unknownRef(ref, 'expected tasks.<id>.output.<field>');
    const tasks = scope.tasks;
    const view =
      typeof tasks === 'function' ? tasks(taskId) : Object.hasOwn(tasks ?? {}, taskId) ? tasks?.[taskId] : undefined;
    if (!view) throw unknownRef(ref, `unknown task "${taskId}"`);
    let cur: unknown = view.output;
    if (cur === undefined && view.status === 'skipped') {
      if (opts.skippedOutput === 'placeholder') return `[skipped: ${ref.expr}]`;
      throw unknownRef(ref, `task "${taskId}" was skipped, so it has no output`);
    }
    if (cur === undefined) throw unknownRef(ref, `task "${taskId}" has no output (has it finished?)`);
    for (const key of field) {
      if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) {
        throw unknownRef(ref, `task "${taskId}" output has no field "${field.join('.')}"`);
      }
      cur = (cur as Record<string, unknown>)[key];
    }
    if (cur === undefined) throw unknownRef(ref, `task "${taskId}" output field "${field.join('.')}" is undefined`);
    return cur;
  }
  const holder = (scope as Record<string, unknown>)[root as string] as Record<string, unknown>;
  if (rest.length !== 1 || !Object.hasOwn(holder, rest[0] as string) || holder[rest[0] as string] === undefined) {
    throw unknownRef(ref, root === 'vars' ? `unknown variable "${rest.join('.')}"` : 'unknown reference');
  }
  return holder[rest[0] as string];
}

/** Render every reference in `text`; throws `runwire.template.unknown_reference` on an unknown one. */
export function renderTemplate(text: string, scope: TemplateScope, opts: RenderOptions = {}): string {
  if (!text.includes('{{')) return text;
  let out = '';
  let last = 0;
  for (const ref of templateRefs(text)) {
    const value = resolve(ref, scope, opts);
    const shown = value === undefined ? ref.raw : stringify(value);
    const escaped = value !== undefined && opts.escape && ref.helper !== 'raw' ? opts.escape(shown) : shown;
    out += text.slice(last, ref.index) + escaped;
    last = ref.index + ref.raw.length;
  }
  return out + text.slice(last);
}

/** Render every string inside a value (objects and arrays walked; keys left as they are). */
export function renderDeep<T>(value: T, scope: TemplateScope, opts: RenderOptions = {}): T {
  if (typeof value === 'string') return renderTemplate(value, scope, opts) as T;
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, scope, opts)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = renderDeep(v, scope, opts);
    return out as T;
  }
  return value;
}

/** Every string inside a value with its path relative to the value (`headers.Authorization`). */
export function stringsIn(
  value: unknown,
  path: Array<string | number> = [],
): Array<{ path: Array<string | number>; text: string }> {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringsIn(v, [...path, i]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => stringsIn(v, [...path, k]));
  }
  return [];
}
