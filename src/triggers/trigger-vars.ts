/**
 * The variables a run started by a trigger gets, pure: the runbook's defaults, then each named
 * group of the match whose name is a declared variable (`(?<release>…)` sets `release`), then the
 * trigger's `vars:` rendered over the `trigger.*` values (`{{trigger.match.release}}`), the
 * defaults (`{{vars.x}}`) and `{{runbook.name}}`. Validation already refused any other reference.
 */
import { templateRefs } from '../core/template.js';

export function triggerRunVars(
  runbook: { name: string; vars: Readonly<Record<string, string>> },
  triggerVars: Readonly<Record<string, string>>,
  /** `trigger.*` values as the type gives them (`trigger.text`, `trigger.match.release`). */
  values: Readonly<Record<string, string>>,
): Record<string, string> {
  const vars: Record<string, string> = { ...runbook.vars };
  for (const [k, v] of Object.entries(values)) {
    const group = /^trigger\.match\.(.+)$/.exec(k)?.[1];
    if (group !== undefined && Object.hasOwn(runbook.vars, group)) vars[group] = v;
  }
  const base = { ...vars };
  for (const [name, text] of Object.entries(triggerVars)) vars[name] = render(text, runbook.name, base, values);
  return vars;
}

function render(
  text: string,
  runbookName: string,
  vars: Readonly<Record<string, string>>,
  values: Readonly<Record<string, string>>,
): string {
  let out = '';
  let last = 0;
  for (const ref of templateRefs(text)) {
    const [root, ...rest] = ref.path;
    const key = rest.join('.');
    const value =
      root === 'trigger'
        ? (values[`trigger.${key}`] ?? '')
        : root === 'vars'
          ? (vars[key] ?? '')
          : root === 'runbook' && key === 'name'
            ? runbookName
            : ref.raw;
    out += text.slice(last, ref.index) + value;
    last = ref.index + ref.raw.length;
  }
  return out + text.slice(last);
}
