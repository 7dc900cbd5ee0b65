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
  const stack: Array<{ v: unknown; path: Array<string | number> }> = [{ v: value, path: [] }];
  while (stack.length > 0) {
    const { v, path } = stack.pop() as { v: unknown; path: Array<string | number> };
    if (v === null || typeof v !== 'object') continue;
    if (path.length >= max) return path;
    if (Array.isArray(v)) for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: [...path, i] });
    else for (const [k, x] of Object.entries(v)) stack.push({ v: x, path: [...path, k] });
  }
  return undefined;
}
