/**
 * How deeply a JSON text nests, found by one scan without parsing (so it cannot overflow the stack
 * itself). Used to refuse input nested deeper than the code that walks parsed values can follow
 * (`JSON.stringify`, template rendering and the store all recurse; so do jsonc-parser's tree
 * builder and the YAML parsers): http response bodies, and runbooks written as JSON.
 */

/** The nesting most JSON we accept may have; real API responses and runbooks stay far below it. */
export const MAX_JSON_DEPTH = 100;

/** True when `text` has an array/object nested more than `max` deep (brackets inside strings do not count). */
export function jsonDeeperThan(text: string, max: number): boolean {
  return jsonTooDeepAt(text, max) !== undefined;
}

/** The offset of the first `[` or `{` that opens a level deeper than `max`, or undefined. */
export function jsonTooDeepAt(text: string, max: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return undefined;
}
