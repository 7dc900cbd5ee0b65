/**
 * Where the nodes of a parsed document are written, as the fast readers (fast-yaml.ts,
 * json-source.ts) record them: offsets of map keys and list items, down to a depth. A valid
 * runbook needs only the shallow ones (the root's fields and each task's own position); the
 * deeper ones place an issue inside a task, and a reader builds them only then.
 */
import type { FieldPath } from './source-map.js';

/** Where a value is written (an offset), and for collections where each entry is. */
export interface PosNode {
  start: number;
  map?: Map<string, PosEntry>;
  seq?: PosNode[];
  /** A collection below the recorded depth: its entries were not recorded. */
  truncated?: true;
}

export interface PosEntry {
  key: number;
  node: PosNode;
}

/** Positions recorded on the happy path: the root's keys and the items of its lists (the tasks). */
export const SHALLOW = 2;
/** What `offsetOf` returns for a path that goes below the recorded depth. */
export const TRUNCATED = -1;

/**
 * The offset of a path: a map entry at its key, a list item at the item, a missing field at its
 * nearest existing parent; TRUNCATED past the recorded depth. `typedSegments`: a number names only
 * a list item and a string only a map key (jsonc-parser's rule; `yaml` compares keys as strings).
 */
export function offsetOf(root: PosNode, path: FieldPath, typedSegments = false): number {
  let node: PosNode = root;
  let offset = root.start;
  for (const seg of path) {
    if (node.map) {
      if (typedSegments && typeof seg !== 'string') break;
      const entry = node.map.get(String(seg));
      if (!entry) break;
      offset = entry.key;
      node = entry.node;
    } else if (node.seq && typeof seg === 'number') {
      const item = node.seq[seg];
      if (!item) break;
      offset = item.start;
      node = item;
    } else if (node.truncated) {
      return TRUNCATED;
    } else {
      break;
    }
  }
  return offset;
}

/** A position node for a value read `level` levels down, recording down to `depth`. */
export function newPosNode(
  start: number,
  kind: 'map' | 'seq' | 'scalar',
  level: number,
  depth: number,
): PosNode | undefined {
  if (level > depth) return undefined;
  if (kind === 'scalar') return { start };
  if (level === depth) return { start, truncated: true };
  return kind === 'map' ? { start, map: new Map() } : { start, seq: [] };
}
