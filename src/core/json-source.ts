/**
 * The fast path for JSON runbooks: `JSON.parse` for the value and jsonc-parser's syntax tree for
 * positions. The `yaml` parser reads JSON too, but is an order of magnitude slower on large
 * machine-written files (a 10,000-task runbook), and positions must exist for every task.
 */
import type { Node } from 'jsonc-parser';
import { jsoncLib } from './lazy-libs.js';
import { lineIndex } from './line-index.js';
import type { FieldPath } from './source-map.js';

export interface JsonSource {
  value: unknown;
  locate(path: FieldPath): { line: number; column: number };
}

/** Parse text that is strict JSON; undefined when it is not (the YAML path then reports errors). */
export function parseJsonSource(text: string): JsonSource | undefined {
  const first = /\S/.exec(text)?.[0];
  if (first !== '{' && first !== '[') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const { findNodeAtLocation, parseTree } = jsoncLib();
  const root = parseTree(text, [], { disallowComments: true });
  // JSON.parse keeps the last of duplicate keys silently; the YAML path reports them instead.
  if (!root || hasDuplicateKeys(root)) return undefined;
  const position = lineIndex(text);
  return {
    value,
    locate(path) {
      // Same rules as the YAML locator: a map entry at its key, a list item at the item, a missing
      // field at its nearest existing parent.
      for (let n = path.length; n >= 0; n--) {
        const node = n === 0 ? root : findNodeAtLocation(root, [...path.slice(0, n)]);
        if (!node) continue;
        return position(keyOrSelf(node).offset);
      }
      return position(root.offset);
    },
  };
}

function keyOrSelf(node: Node): Node {
  const parent = node.parent;
  if (parent?.type === 'property' && parent.children?.[1] === node && parent.children[0]) return parent.children[0];
  return node;
}

function hasDuplicateKeys(root: Node): boolean {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (node.type === 'object') {
      const keys = new Set<unknown>();
      for (const prop of node.children ?? []) {
        const key = prop.children?.[0]?.value;
        if (keys.has(key)) return true;
        keys.add(key);
        if (prop.children?.[1]) stack.push(prop.children[1]);
      }
    } else if (node.type === 'array') {
      for (const item of node.children ?? []) stack.push(item);
    }
  }
  return false;
}
