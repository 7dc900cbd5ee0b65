/**
 * The `triggers:` section of a runbook, checked like tasks: the fields every trigger has (schema),
 * ids unique among triggers, the type's own fields against its `fields` schema (closed, so a typo is
 * reported where it is), the type's `check` (a regex compiles, a cron parses), and the `vars`
 * templates: each names a variable the runbook declares and uses only `{{trigger.*}}` values the
 * type gives, declared `{{vars.*}}` and `{{runbook.name}}`.
 */
import type { TriggerTypeRegistry } from '../triggers/trigger-type.js';
import type { SourcePosition, TriggerSpec } from './runbook.js';
import { COMMON_TRIGGER_FIELDS } from './runbook-schema.js';
import { checkSchema } from './schema-check.js';
import type { FieldPath } from './source-map.js';
import { didYouMean } from './suggest.js';
import { templateRefs, unclosedTemplate } from './template.js';

type Obj = Record<string, unknown>;

/** What the trigger checks need of the runbook validator. */
export interface TriggerCheckHost {
  add(path: FieldPath, message: string | (() => string)): void;
  position(path: FieldPath): SourcePosition;
  /** Problems found so far (a trigger is kept only when it added none). */
  readonly count: number;
  /** A `{{vars.x}}` used in a template (a `--var x=` is then expected). */
  noteVarUse(name: string): void;
}

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The valid triggers of `raw` (the document's `triggers` value); problems go to the host. */
export function checkTriggers(
  host: TriggerCheckHost,
  raw: unknown,
  declaredVars: ReadonlySet<string>,
  registry: TriggerTypeRegistry,
): TriggerSpec[] {
  if (!Array.isArray(raw)) return [];
  const first = new Map<string, number>();
  const specs: TriggerSpec[] = [];
  raw.forEach((t, i) => {
    if (!isObj(t)) return;
    if (typeof t.id === 'string') {
      const at = first.get(t.id);
      if (at === undefined) first.set(t.id, i);
      else host.add(['triggers', i, 'id'], `duplicate trigger id "${t.id}" (first used by triggers[${at}])`);
    }
    const before = host.count;
    const spec = checkOne(host, i, t, declaredVars, registry);
    if (spec && host.count === before) specs.push(spec);
  });
  return specs;
}

function checkOne(
  host: TriggerCheckHost,
  i: number,
  t: Obj,
  declaredVars: ReadonlySet<string>,
  registry: TriggerTypeRegistry,
): TriggerSpec | undefined {
  if (typeof t.type !== 'string' || t.type === '') return undefined; // the schema said so
  const def = registry.get(t.type);
  if (!def) {
    const known = [...registry.keys()];
    host.add(
      ['triggers', i, 'type'],
      `unknown trigger type "${t.type}"${didYouMean(t.type, known) || ` (known types: ${known.join(', ')})`}`,
    );
    return undefined;
  }
  const fields: Obj = {};
  for (const [k, v] of Object.entries(t)) if (!(COMMON_TRIGGER_FIELDS as readonly string[]).includes(k)) fields[k] = v;
  const problems = checkSchema(def.fields, fields, { closeObjects: true, suggestFrom: COMMON_TRIGGER_FIELDS });
  for (const p of problems) {
    host.add(['triggers', i, ...p.path], p.path.length === 0 ? `${p.message} (type "${t.type}")` : p.message);
  }
  // Without its fields the values the vars may use are unknown: checked once the fields are right.
  if (problems.length > 0) return undefined;
  const checked = def.check(fields as never);
  for (const p of checked.problems) host.add(['triggers', i, ...(p.field ? p.field.split('.') : [])], p.message);
  const vars = isObj(t.vars) ? (t.vars as Record<string, unknown>) : {};
  checkVars(host, i, def.type, vars, declaredVars, new Set(checked.values));
  if (typeof t.id !== 'string') return undefined;
  return {
    id: t.id,
    type: def.type,
    mode: t.mode === 'rehearsal' ? 'rehearsal' : 'live',
    vars: Object.fromEntries(Object.entries(vars).filter((e): e is [string, string] => typeof e[1] === 'string')),
    config: fields,
    position: host.position(['triggers', i]),
  };
}

function checkVars(
  host: TriggerCheckHost,
  i: number,
  type: string,
  vars: Record<string, unknown>,
  declared: ReadonlySet<string>,
  values: ReadonlySet<string>,
): void {
  const given = [...values].map((v) => `trigger.${v}`).join(', ');
  for (const [name, text] of Object.entries(vars)) {
    const path = ['triggers', i, 'vars', name];
    if (!declared.has(name)) {
      host.add(
        path,
        () =>
          `"${name}" is not a variable of this runbook${didYouMean(name, declared)} (declare it under vars: with a default, e.g. ${name}: "")`,
      );
    }
    if (typeof text !== 'string' || !text.includes('{{')) continue;
    const unclosed = unclosedTemplate(text);
    if (unclosed) host.add(path, unclosed);
    for (const ref of templateRefs(text)) {
      const [root, ...rest] = ref.path;
      if (root === 'trigger') {
        if (!values.has(rest.join('.')))
          host.add(path, `unknown trigger value "${ref.raw}" (a ${type} trigger gives ${given})`);
      } else if (root === 'vars' && rest.length === 1) {
        host.noteVarUse(rest[0] as string);
        if (!declared.has(rest[0] as string)) host.add(path, `unknown variable "${rest[0]}" in "${ref.raw}"`);
      } else if (!(root === 'runbook' && rest.length === 1 && rest[0] === 'name')) {
        host.add(
          path,
          `unknown template reference "${ref.raw}" (in trigger vars: ${given}, vars.<name>, runbook.name)`,
        );
      }
    }
  }
}
