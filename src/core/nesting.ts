/**
 * Bounded nesting for runbooks. Parsers and the code that walks their values recurse per level, so
 * a file nested a few thousand levels deep overflowed the stack ("Maximum call stack size
 * exceeded", exit 1, no position); the runbook reader refuses nesting deeper than MAX_NESTING with
 * a position instead (JSON text: `jsonTooDeepAt` in json-depth.ts; YAML: js-yaml's maxDepth; a
 * value nested deeper through YAML aliases: `valueTooDeepAt`).
 */
import { MAX_JSON_DEPTH } from './json-depth.js';

/** Lists and mappings inside each other, at most: far beyond any runbook (js-yaml's default too). */
export const MAX_NESTING = MAX_JSON_DEPTH;

/**
 * The path to the first value nested deeper than `max` in an already-parsed value (a value from
 * YAML aliases can be deeper than its text), or undefined. Iterative; a cyclic value (an alias used
 * inside its own anchor) is reported as too deep rather than walked forever.
 */
export function valueTooDeepAt(value: unknown, max: number = MAX_NESTING): Array<string | number> | undefined {
  interface Entry {
    v: unknown;
    depth: number;
    key: string | number;
    parent: Entry | undefined;
  }
  const stack: Entry[] = [{ v: value, depth: 0, key: '', parent: undefined }];
  while (stack.length > 0) {
    const e = stack.pop() as Entry;
    const v = e.v;
    if (v === null || typeof v !== 'object') continue;
    if (e.depth >= max) {
      const path: Array<string | number> = [];
      for (let p: Entry | undefined = e; p?.parent; p = p.parent) path.unshift(p.key);
      return path;
    }
    const depth = e.depth + 1;
    if (Array.isArray(v)) for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], depth, key: i, parent: e });
    else for (const k of Object.keys(v)) stack.push({ v: (v as Record<string, unknown>)[k], depth, key: k, parent: e });
  }
  return undefined;
}
