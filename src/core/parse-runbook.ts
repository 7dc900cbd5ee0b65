/**
 * Text → validated Runbook, reporting problems with file, line, column and field. Layers: syntax
 * (strict JSON through JSON.parse + jsonc-parser for positions; YAML through js-yaml's events in
 * fast-yaml.ts, which leaves to the `yaml` document API whatever the two may read differently, and
 * every syntax error), nesting bounded at MAX_NESTING, the document schema and each task's type
 * schema (ajv), then the graph (duplicate ids, unknown dependencies, cycles) and templates. A file
 * full of mistakes lists the first MAX_LISTED_ISSUES in file order and counts the rest, and "did you
 * mean" work is bounded. Pure: the caller reads the file.
 */
import type { Document } from 'yaml';
import { jsoncLib, yamlLib } from './lazy-libs.js';
import { parseJsonSource } from './json-source.js';
import { parseFastYaml } from './fast-yaml.js';
import { lineIndex } from './line-index.js';
import { jsonTooDeepAt } from './json-depth.js';
import { MAX_NESTING, valueTooDeepAt } from './nesting.js';
import type { Runbook, RunbookIssue, TaskSpec } from './runbook.js';
import type { RetryPolicy, TaskTypeDefinition, TaskTypeRegistry } from './task-type.js';
import { sortIssues } from './format-issue.js';
import { formatFieldPath, locate, type FieldPath } from './source-map.js';
import { checkSchema } from './schema-check.js';
import { COMMON_TASK_FIELDS, RehearsalSchema, RunbookSchema } from './runbook-schema.js';
import { ancestors, buildGraph, findCycles, type TaskGraph } from './graph.js';
import { refProblem, stringsIn, templateRefs, unclosedTemplate } from './template.js';
import { didYouMean } from './suggest.js';
import { tryParseDuration } from './duration.js';
import { checkTriggers, type TriggerCheckHost } from './runbook-triggers.js';
import type { TriggerTypeRegistry } from '../triggers/trigger-type.js';
import { builtinTriggerTypes } from '../triggers/index.js';

export interface ParseOptions {
  /** Variables given for this run (`--var k=v`); they count as declared for template checks. */
  vars?: Record<string, string>;
  /** Trigger types (default: the built-ins, slack.message and schedule). */
  triggerTypes?: TriggerTypeRegistry;
}

let builtinTriggers: TriggerTypeRegistry | undefined;
function defaultTriggerTypes(): TriggerTypeRegistry {
  builtinTriggers ??= builtinTriggerTypes();
  return builtinTriggers;
}

export interface ParseResult {
  /** Present only when there are no issues. */
  runbook?: Runbook;
  /** The problems found, in file order: the first MAX_LISTED_ISSUES of them. */
  issues: RunbookIssue[];
  /** How many more problems were found and not listed (absent when none). */
  omitted?: number;
}

/** A file full of mistakes is listed up to this many problems, then "and N more". */
export const MAX_LISTED_ISSUES = 100;
/** Problems kept with their positions while checking (the listed ones are the first in file order). */
const MAX_KEPT_ISSUES = 1000;
/** Unknown task ids that get a "did you mean" (each compares with every task id), and the words compared. */
const MAX_SUGGESTED = 100;
const MAX_SUGGEST_WORK = 2_000_000;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Parse and validate a runbook; see the module comment. */
export function parseRunbook(
  text: string,
  file: string,
  types: TaskTypeRegistry,
  opts: ParseOptions = {},
): ParseResult {
  // Happy path for YAML: js-yaml's events (no `yaml` document). Its value and positions are the
  // ones `yaml` would give (the fast reader's invariant, tested), so its findings are reported as
  // they are; `yaml` reads whatever the fast reader leaves to it (and gives the syntax errors).
  const deep = jsonNestingIssue(text, file);
  if (deep) return { issues: [deep] };
  const json = parseJsonSource(text);
  if (json) return check(json, file, types, opts);
  const comment = jsonCommentIssue(text, file);
  if (comment) return { issues: [comment] };
  const fast = parseFastYaml(text);
  if (!fast) return parseRunbookPositioned(text, file, types, opts);
  if ('tooDeep' in fast) return { issues: [tooDeepIssue(file, fast.tooDeep)] };
  return check(fast, file, types, opts);
}

/**
 * The same without the fast YAML reader: JSON through json-source, anything else through the
 * `yaml` document API. Exported so tests can hold the two paths to the same results.
 */
export function parseRunbookPositioned(
  text: string,
  file: string,
  types: TaskTypeRegistry,
  opts: ParseOptions = {},
): ParseResult {
  const source = readSource(text, file);
  if ('issues' in source) return { issues: source.issues };
  return check(source, file, types, opts);
}

/** Every check on a parsed value, positions from the source's locator. */
function check(
  source: { value: unknown; locate: Locate },
  file: string,
  types: TaskTypeRegistry,
  opts: ParseOptions,
): ParseResult {
  const v = new Validator(file, source.locate, types, opts);
  const data = source.value;
  if (data === null || data === undefined) {
    v.add([], 'the file is empty; a runbook needs at least "name" and "tasks"');
    return v.result();
  }
  if (!isObj(data)) {
    v.add([], 'a runbook must be a mapping with "name" and "tasks"');
    return v.result();
  }
  const runbook = v.validate(data);
  return v.count === 0 && runbook ? { runbook, issues: [] } : v.result();
}

type Locate = (path: FieldPath) => { line: number; column: number };

/** The value and a way to find a field's position: strict JSON fast, anything else through `yaml`. */
function readSource(text: string, file: string): { value: unknown; locate: Locate } | { issues: RunbookIssue[] } {
  const deep = jsonNestingIssue(text, file);
  if (deep) return { issues: [deep] };
  const json = parseJsonSource(text);
  if (json) return json;
  const comment = jsonCommentIssue(text, file);
  return comment ? { issues: [comment] } : readYamlSource(text, file);
}

/**
 * JSON text (it starts with { or [ and is not strict JSON) with a // or /* comment: JSON has no
 * comments (the YAML reading would call `// note` an unknown field). Refused rather than read as
 * JSONC, so a .json runbook stays readable by every JSON tool; YAML has # comments.
 */
function jsonCommentIssue(text: string, file: string): RunbookIssue | undefined {
  const first = /\S/.exec(text)?.[0];
  if (first !== '{' && first !== '[') return undefined;
  const { createScanner, SyntaxKind } = jsoncLib();
  const scanner = createScanner(text, false);
  for (let kind = scanner.scan(); kind !== SyntaxKind.EOF; kind = scanner.scan()) {
    // A comment starts after a blank or a bracket/comma (in flow YAML, `http://x` is a value).
    const offset = scanner.getTokenOffset();
    const before = offset === 0 ? ' ' : (text[offset - 1] as string);
    if ((kind === SyntaxKind.LineCommentTrivia || kind === SyntaxKind.BlockCommentTrivia) && /[\s{[,]/.test(before)) {
      const at = lineIndex(text)(offset);
      const message =
        'JSON does not allow comments; remove it, or write the runbook in YAML (where # starts a comment)';
      return { file, line: at.line, column: at.column, field: '', message };
    }
  }
  return undefined;
}

const TOO_DEEP = `nested deeper than ${MAX_NESTING} levels (lists and mappings inside each other); a runbook needs only a few`;

function tooDeepIssue(file: string, at: { line: number; column: number }): RunbookIssue {
  return { file, line: at.line, column: at.column, field: '', message: TOO_DEEP };
}

/** Text that looks like JSON and nests too deep for the parsers (which recurse per level). */
function jsonNestingIssue(text: string, file: string): RunbookIssue | undefined {
  const first = /\S/.exec(text)?.[0];
  if (first !== '{' && first !== '[') return undefined;
  const at = jsonTooDeepAt(text, MAX_NESTING);
  return at === undefined ? undefined : tooDeepIssue(file, lineIndex(text)(at));
}

/** Where js-yaml's depth limit stops in this text, if it does. */
function yamlTooDeepAt(text: string): { line: number; column: number } | undefined {
  const fast = parseFastYaml(text);
  return fast && 'tooDeep' in fast ? fast.tooDeep : undefined;
}

/** Through the `yaml` document API, which keeps every node's position (and reports syntax errors). */
function readYamlSource(text: string, file: string): { value: unknown; locate: Locate } | { issues: RunbookIssue[] } {
  const { LineCounter, parseDocument } = yamlLib();
  const lc = new LineCounter();
  // merge: `<<: *defaults` shares fields between tasks, a common YAML idiom.
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    // yaml catches its own stack overflow on deep nesting and reports it as a syntax error.
    if (doc.errors.some((e) => /call stack/i.test(e.message))) {
      const at = yamlTooDeepAt(text);
      if (at) return { issues: [tooDeepIssue(file, at)] };
    }
    const issues = doc.errors.map((e): RunbookIssue => {
      const p = lc.linePos(e.pos[0]);
      const message =
        e.code === 'MULTIPLE_DOCS'
          ? 'the file holds more than one YAML document (one runbook per file; remove the extra ---)'
          : /call stack/i.test(e.message)
            ? TOO_DEEP
            : e.message;
      return { file, line: p.line, column: p.col, field: '', message: `YAML syntax error: ${message}` };
    });
    return { issues: sortIssues(issues) };
  }
  const where = (path: FieldPath) => locate(doc, lc, path);
  const selfRef = selfReferencingAlias(doc);
  if (selfRef) {
    const p = lc.linePos(selfRef.offset);
    const message = `the alias *${selfRef.name} is used inside its own anchor &${selfRef.name} (a value cannot contain itself)`;
    return { issues: [{ file, line: p.line, column: p.col, field: '', message }] };
  }
  try {
    const value: unknown = doc.toJS({ maxAliasCount: 1000 });
    // Aliases can nest a value deeper than its text.
    const deepPath = valueTooDeepAt(value);
    if (deepPath) return { issues: [tooDeepIssue(file, yamlTooDeepAt(text) ?? where(deepPath))] };
    return { value, locate: where };
  } catch (err) {
    return {
      issues: [{ file, line: 1, column: 1, field: '', message: `cannot read the document: ${(err as Error).message}` }],
    };
  }
}

/** An alias inside the node its anchor names (`a: &x [*x]`): its value would contain itself. */
function selfReferencingAlias(doc: Document): { name: string; offset: number } | undefined {
  let found: { name: string; offset: number } | undefined;
  const { visit } = yamlLib();
  visit(doc, {
    Alias(_key, node, path) {
      const target = node.resolve(doc);
      if (target && path.includes(target)) {
        found = { name: node.source, offset: node.range?.[0] ?? 0 };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL_CHAR = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;

/** What the per-task checks share: ids, the graph (built on first use), variables, types by id. */
interface TaskContext {
  firstIndex: ReadonlyMap<string, number>;
  graph: () => TaskGraph;
  declaredVars: ReadonlySet<string>;
  typeOf: () => ReadonlyMap<string, string>;
}

const COMMON_FIELDS: ReadonlySet<string> = new Set(COMMON_TASK_FIELDS);

/** Collects issues while walking one document. */
class Validator implements TriggerCheckHost {
  /** The first MAX_KEPT_ISSUES problems found (in check order), with positions. */
  private readonly issues: RunbookIssue[] = [];
  /** Every problem found, kept or not. */
  count = 0;
  private suggested = 0;
  /** Variables used in templates (`{{vars.x}}`): a `--var` for them is expected. */
  private readonly usedVars = new Set<string>();
  private suggestWork = 0;

  constructor(
    private readonly file: string,
    private readonly locate: Locate,
    private readonly types: TaskTypeRegistry,
    private readonly opts: ParseOptions,
  ) {}

  /** Record a problem; past MAX_KEPT_ISSUES it is only counted (the message is then never built). */
  add(path: FieldPath, message: string | (() => string)): void {
    this.count++;
    if (this.issues.length >= MAX_KEPT_ISSUES) return;
    const pos = this.locate(path);
    const text = typeof message === 'string' ? message : message();
    this.issues.push({
      file: this.file,
      line: pos.line,
      column: pos.column,
      field: formatFieldPath(path),
      message: text,
    });
  }

  position(path: FieldPath): { file: string; line: number; column: number } {
    return { file: this.file, ...this.locate(path) };
  }

  noteVarUse(name: string): void {
    this.usedVars.add(name);
  }

  /**
   * " (did you mean …)" for the first MAX_SUGGESTED unknown ids, while the words compared stay
   * under MAX_SUGGEST_WORK in all; then nothing (bounded work on a file full of bad references).
   */
  suggest(word: string, candidates: ReadonlyMap<string, unknown>): string {
    this.suggestWork += candidates.size;
    if (this.suggested++ >= MAX_SUGGESTED || this.suggestWork > MAX_SUGGEST_WORK) return '';
    return didYouMean(word, candidates.keys());
  }

  /** The problems in file order, the first MAX_LISTED_ISSUES of them, and how many more. */
  result(): ParseResult {
    const listed = sortIssues(this.issues).slice(0, MAX_LISTED_ISSUES);
    const omitted = this.count - listed.length;
    return omitted > 0 ? { issues: listed, omitted } : { issues: listed };
  }

  /** Names are one line of text: no NUL, newline or other control character. */
  checkOneLine(path: FieldPath, text: string): void {
    const at = CONTROL_CHAR.exec(text);
    if (!at) return;
    const code = (at[0].codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0');
    this.add(
      path,
      `must be one line of text without control characters, got U+${code} at character ${at.index + 1} (write it in description: or the task's own fields)`,
    );
  }

  /**
   * A `--var` must name a variable the runbook declares under `vars:` or uses in a template;
   * anything else is a typo (or the wrong runbook), refused with the nearest name.
   */
  checkVarFlags(data: Obj): void {
    const declared = isObj(data.vars) ? data.vars : undefined;
    const known = new Set([...Object.keys(declared ?? {}), ...this.usedVars]);
    for (const name of Object.keys(this.opts.vars ?? {})) {
      if (known.has(name)) continue;
      this.add(
        declared ? ['vars'] : [],
        `--var "${name}" is not a variable of this runbook${didYouMean(name, known)} (declare it under vars:, use it as {{vars.${name}}}, or drop the flag)`,
      );
    }
  }

  validate(data: Obj): Runbook | undefined {
    for (const p of checkSchema(RunbookSchema, data)) this.add(p.path, p.message);
    if (typeof data.name === 'string') this.checkOneLine(['name'], data.name);
    const rawTasks = Array.isArray(data.tasks) ? (data.tasks as unknown[]) : [];
    const tasks: Array<Obj | undefined> = rawTasks.map((t) => (isObj(t) ? t : undefined));

    // Ids: duplicates, and the set every other check refers to.
    const firstIndex = new Map<string, number>();
    for (let i = 0; i < tasks.length; i++) {
      const id = tasks[i]?.id;
      if (typeof id !== 'string') continue;
      const first = firstIndex.get(id);
      if (first === undefined) firstIndex.set(id, i);
      else this.add(['tasks', i, 'id'], `duplicate task id "${id}" (first used by tasks[${first}])`);
    }
    // The graph is built only when a check needs it: a template that names a task, a type's own
    // check, or dependencies that are not all declared before their dependents (then a cycle is possible).
    let graph: TaskGraph | undefined;
    const getGraph = (): TaskGraph =>
      (graph ??= buildGraph(
        tasks.flatMap((t) =>
          t && typeof t.id === 'string' ? [{ id: t.id, depends_on: stringList(t.depends_on) }] : [],
        ),
      ));

    let ordered = true;
    for (let i = 0; i < tasks.length; i++) {
      const deps = tasks[i]?.depends_on;
      if (!Array.isArray(deps)) continue;
      for (const dep of deps) {
        if (typeof dep !== 'string') continue;
        const at = firstIndex.get(dep);
        if (at === undefined)
          this.add(['tasks', i, 'depends_on'], () => `unknown task "${dep}"${this.suggest(dep, firstIndex)}`);
        else if (at >= i) ordered = false;
      }
    }
    // Every dependency declared before its dependent: the declaration order is acyclic.
    for (const cycle of ordered ? [] : findCycles(getGraph())) {
      const at = firstIndex.get(cycle[0] as string) as number;
      // findCycles follows depends_on; shown reversed, the arrows read "finishes before".
      this.add(
        ['tasks', at, 'depends_on'],
        cycle.length === 2
          ? `task "${cycle[0]}" depends on itself`
          : `dependency cycle: ${[...cycle].reverse().join(' -> ')} (each must finish before the next can start)`,
      );
    }

    const declaredVars = new Set([
      ...Object.keys(isObj(data.vars) ? data.vars : {}),
      ...Object.keys(this.opts.vars ?? {}),
    ]);
    let typeOf: Map<string, string> | undefined;
    const getTypeOf = (): ReadonlyMap<string, string> => {
      if (typeOf) return typeOf;
      typeOf = new Map<string, string>();
      for (const t of tasks) {
        if (t && typeof t.id === 'string' && typeof t.type === 'string' && !typeOf.has(t.id)) typeOf.set(t.id, t.type);
      }
      return typeOf;
    };
    const ctx: TaskContext = { firstIndex, graph: getGraph, declaredVars, typeOf: getTypeOf };
    const specs: TaskSpec[] = [];
    for (let i = 0; i < tasks.length; i++) {
      const t = tasks[i];
      if (!t) continue;
      const spec = this.validateTask(i, t, ctx);
      if (spec) specs.push(spec);
    }
    const triggers = checkTriggers(
      this,
      data.triggers,
      new Set(Object.keys(isObj(data.vars) ? data.vars : {})),
      this.opts.triggerTypes ?? defaultTriggerTypes(),
    );
    this.checkVarFlags(data);
    if (this.count > 0) return undefined;
    const vars: Record<string, string> = {};
    for (const [k, val] of Object.entries(isObj(data.vars) ? data.vars : {})) vars[k] = String(val);
    return {
      name: data.name as string,
      ...(typeof data.description === 'string' ? { description: data.description } : {}),
      vars,
      tasks: specs,
      ...(Array.isArray(data.triggers) && data.triggers.length > 0 ? { triggers } : {}),
      ...(isObj(data.notify) ? { notify: data.notify as Runbook['notify'] & object } : {}),
      source: this.file,
    };
  }

  /** The type-specific checks of one task; returns its spec when it is valid so far. */
  private validateTask(i: number, t: Obj, ctx: TaskContext): TaskSpec | undefined {
    const { declaredVars } = ctx;
    const id = typeof t.id === 'string' ? t.id : undefined;
    const typeName = t.type;
    if (typeof typeName !== 'string' || typeName === '') return undefined; // the schema said so
    const def = this.types.get(typeName);
    if (!def) {
      const known = [...this.types.keys()];
      this.add(
        ['tasks', i, 'type'],
        `unknown task type "${typeName}"${didYouMean(typeName, known) || ` (known types: ${known.join(', ')})`}`,
      );
      return undefined;
    }
    const before = this.count;
    const declaresRehearsal = declaresField(def, 'rehearsal');
    const input: Obj = {};
    for (const k of Object.keys(t)) {
      if (!COMMON_FIELDS.has(k) || (k === 'rehearsal' && declaresRehearsal)) input[k] = t[k];
    }
    // A type plugin with a broken schema or hook is reported on the task, never a crash.
    let schemaProblems: ReturnType<typeof checkSchema>;
    try {
      schemaProblems = checkSchema(def.input, input, { closeObjects: true, suggestFrom: COMMON_TASK_FIELDS });
    } catch (err) {
      this.add(['tasks', i, 'type'], `task type "${typeName}" has an invalid input schema: ${(err as Error).message}`);
      return undefined;
    }
    for (const p of schemaProblems) {
      this.add(['tasks', i, ...p.path], p.path.length === 0 ? `${p.message} (type "${typeName}")` : p.message);
    }
    if (!declaresRehearsal && t.rehearsal !== undefined) {
      for (const p of checkSchema(RehearsalSchema, t.rehearsal))
        this.add(['tasks', i, 'rehearsal', ...p.path], p.message);
    }

    // Templates: known variables, and task outputs only from tasks that finish first.
    let anc: Set<string> | undefined;
    const relation = (other: string): 'ancestor' | 'not-ancestor' | 'unknown' | 'self' => {
      if (!ctx.firstIndex.has(other)) return 'unknown';
      if (other === id) return 'self';
      anc ??= id === undefined ? new Set() : ancestors(ctx.graph(), id);
      return anc.has(other) ? 'ancestor' : 'not-ancestor';
    };
    // The name is rendered too (with vars, runbook, run and task.id), so it is checked with the fields.
    if (typeof t.name === 'string') this.checkOneLine(['tasks', i, 'name'], t.name);
    const strings = stringsIn(input);
    if (typeof t.name === 'string') strings.unshift({ path: ['name'], text: t.name });
    for (const s of strings) {
      if (!s.text.includes('{{')) continue;
      const unclosed = unclosedTemplate(s.text);
      if (unclosed) this.add(['tasks', i, ...s.path], unclosed);
      for (const ref of templateRefs(s.text)) {
        if (ref.path[0] === 'vars' && ref.path[1] !== undefined) this.usedVars.add(ref.path[1]);
        const problem = refProblem(ref, { vars: declaredVars, taskRelation: relation });
        if (problem) this.add(['tasks', i, ...s.path], problem);
      }
    }

    // The type's own checks run even when the schema found problems, so one error does not hide
    // another in the same task; on input the schema refused, a hook that throws is not reported.
    const schemaOk = schemaProblems.length === 0;
    if (def.validate && id !== undefined) {
      let problems: Array<{ field: string; message: string }>;
      try {
        problems = def.validate(input as never, {
          typeOf: (other) => ctx.typeOf().get(other),
          isAncestor: (other) => relation(other) === 'ancestor',
        });
      } catch (err) {
        problems = schemaOk
          ? [{ field: '', message: `task type "${typeName}" could not validate this task: ${(err as Error).message}` }]
          : [];
      }
      for (const p of problems) this.add(['tasks', i, ...(p.field ? p.field.split('.') : [])], p.message);
    }
    if (this.count > before || id === undefined) return undefined;
    const pos = this.locate(['tasks', i]);
    const spec: TaskSpec = {
      id,
      name: typeof t.name === 'string' ? t.name : id,
      type: typeName,
      depends_on: uniqueStrings(t.depends_on),
      input,
      position: { file: this.file, line: pos.line, column: pos.column },
    };
    if (isObj(t.retry)) spec.retry = retryPolicy(t.retry, def);
    if (t.rehearsal !== undefined) spec.rehearsal = t.rehearsal;
    return spec;
  }
}

/** The strings of a list, each once, in order. */
function uniqueStrings(v: unknown): string[] {
  const list = stringList(v);
  return list.length < 2 ? list : [...new Set(list)];
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function declaresField(def: TaskTypeDefinition, field: string): boolean {
  const props = (def.input as { properties?: Record<string, unknown> }).properties;
  return props !== undefined && Object.hasOwn(props, field);
}

/** `retry: { attempts, backoff?, max_backoff? }` → RetryPolicy (bad values were reported by the schema). */
function retryPolicy(r: Obj, def: TaskTypeDefinition): RetryPolicy {
  const ms = (v: unknown): number | undefined => {
    const parsed = typeof v === 'string' ? tryParseDuration(v) : undefined;
    return parsed && 'ms' in parsed ? parsed.ms : undefined;
  };
  const policy: RetryPolicy = {
    attempts: typeof r.attempts === 'number' ? r.attempts : def.retry.attempts,
    backoffMs: ms(r.backoff) ?? def.retry.backoffMs,
  };
  const max = ms(r.max_backoff) ?? def.retry.maxBackoffMs;
  if (max !== undefined) policy.maxBackoffMs = max;
  return policy;
}
