/** What `runwire types` does (loaded on demand by `commands/types.ts`). */
import { commonFieldDocs, describeTaskTypes, type FieldDoc } from '../../core/describe-types.js';
import { builtinTaskTypes } from '../../tasks/index.js';
import type { CliContext } from '../context.js';

function fieldLines(fields: FieldDoc[]): string[] {
  const width = Math.max(0, ...fields.map((f) => f.name.length + (f.required ? 1 : 0)));
  return fields.map((f) => {
    const name = `${f.name}${f.required ? '*' : ''}`.padEnd(width);
    const dflt = f.default !== undefined ? ` (default ${JSON.stringify(f.default)})` : '';
    return `    ${name}  ${f.type}${dflt} — ${f.title ?? f.name}: ${f.description ?? ''}`;
  });
}

export function printTypes(opts: { json?: boolean }, ctx: CliContext): void {
  const types = describeTaskTypes(builtinTaskTypes());
  const common = commonFieldDocs();
  if (opts.json) {
    ctx.stdout.write(`${JSON.stringify({ types, common_fields: common }, null, 2)}\n`);
    return;
  }
  const out: string[] = [];
  for (const t of types) {
    out.push(
      `${t.type} — ${t.title} (icon ${t.icon}; rehearsal: ${t.rehearsal}; ${t.idempotent ? 'idempotent' : 'not idempotent'})`,
    );
    out.push(`  ${t.description}`);
    out.push(t.fields.length ? '  fields (* required):' : '  no fields of its own');
    out.push(...fieldLines(t.fields), '');
  }
  out.push('every task also has (* required):', ...fieldLines(common));
  ctx.stdout.write(`${out.join('\n')}\n`);
}
