/**
 * The built-in task types, each module loaded only when a runbook uses its type (issue 9,
 * start-up): a milestone-only runbook loads milestone's module and validator, not slack.message's
 * Slack code or http's guard. `keys()` lists every built-in name, so an unknown type's message
 * ("did you mean", "known types") is the same as with `builtinTaskTypes()`; `get()` of a name not
 * loaded yet records it (`missed()`) and answers undefined, and the reader loads it and parses again.
 * `runwire types`, `--help` and the server use `builtinTaskTypes()` (index.ts), which loads all.
 */
import type { TaskTypeDefinition } from '../core/task-type.js';
import type { BuiltinDeps } from './index.js';

type Loader = (deps: BuiltinDeps) => Promise<TaskTypeDefinition>;

/** Name → loader, in `builtinTaskTypes()`'s order (a unit test keeps the two lists the same). */
const LOADERS = new Map<string, Loader>([
  ['milestone', async () => (await import('./milestone.js')).milestoneType as TaskTypeDefinition],
  ['manual', async (d) => (await import('./manual.js')).createManualType(d.slack) as TaskTypeDefinition],
  ['wait', async () => (await import('./wait.js')).waitType as TaskTypeDefinition],
  ['http', async (d) => (await import('./http.js')).createHttpType(d) as TaskTypeDefinition],
  [
    'slack.message',
    async (d) => (await import('./slack-message.js')).createSlackMessageType(d.slack) as TaskTypeDefinition,
  ],
]);

export const BUILTIN_TYPE_NAMES: readonly string[] = [...LOADERS.keys()];

export class LazyTaskTypes extends Map<string, TaskTypeDefinition> {
  private readonly misses = new Set<string>();

  constructor(private readonly deps: BuiltinDeps = {}) {
    super();
  }

  /** Load the named built-in types (names that are not built in are ignored). */
  async load(names: Iterable<string>): Promise<void> {
    const todo = [...new Set(names)].filter((n) => LOADERS.has(n) && !super.has(n));
    const defs = await Promise.all(todo.map((n) => (LOADERS.get(n) as Loader)(this.deps)));
    for (const d of defs) this.set(d.type, d);
    for (const n of todo) this.misses.delete(n);
  }

  /** Load the types whose names appear anywhere in a runbook's text (a superset of those it uses). */
  loadMentioned(text: string): Promise<void> {
    return this.load(BUILTIN_TYPE_NAMES.filter((n) => text.includes(n)));
  }

  /** Built-in names asked for with `get()` before they were loaded. */
  missed(): string[] {
    return [...this.misses];
  }

  override get(name: string): TaskTypeDefinition | undefined {
    const d = super.get(name);
    if (d === undefined && LOADERS.has(name)) this.misses.add(name);
    return d;
  }

  override has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Every built-in name, loaded or not. */
  override keys(): MapIterator<string> {
    return LOADERS.keys();
  }
}
