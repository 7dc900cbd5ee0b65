/**
 * From a field path in the parsed value back to where it is written: walks the `yaml` document
 * (which keeps node ranges) and converts offsets to line and column with its LineCounter.
 */
import type { Document, LineCounter } from 'yaml';
import { yamlLib } from './lazy-libs.js';

export type FieldPath = ReadonlyArray<string | number>;

/**
 * 1-based line and column of a field: a map entry points at its key, a list item at the item.
 * A path that does not exist (a missing field) resolves to its nearest existing parent.
 */
export function locate(doc: Document, lc: LineCounter, path: FieldPath): { line: number; column: number } {
  const { isMap, isScalar, isSeq } = yamlLib();
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) break;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else {
      break;
    }
  }
  const pos = lc.linePos(offset);
  return { line: pos.line, column: pos.col };
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range ? range[0] : undefined;
}

/** `['tasks', 3, 'depends_on']` → `tasks[3].depends_on`. */
export function formatFieldPath(path: FieldPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/**
 * A JSON pointer (`/tasks/3/depends_on`, as ajv reports it) as path segments, array indexes as
 * numbers (decided by the value it points into).
 */
export function pointerToPath(pointer: string, value: unknown): Array<string | number> {
  if (pointer === '') return [];
  const out: Array<string | number> = [];
  let cur: unknown = value;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur) && /^\d+$/.test(seg)) {
      out.push(Number(seg));
      cur = cur[Number(seg)];
    } else {
      out.push(seg);
      cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}
