import type { FieldPath } from '../../src/core/source-map.js';

/** Every path to a value inside v (the root included): what the readers' position tests walk. */
export function pathsIn(v: unknown, prefix: Array<string | number> = []): FieldPath[] {
  const out: FieldPath[] = [prefix];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...pathsIn(x, [...prefix, i])));
  else if (v !== null && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) out.push(...pathsIn(x, [...prefix, k]));
  return out;
}
