/**
 * The fast path for JSON runbooks: `JSON.parse` for the value, and one scan of the text for
 * duplicate keys (JSON.parse keeps the last silently) and the shallow positions (the root's fields
 * and each task's); jsonc-parser's syntax tree is built only to place an issue deeper than that.
 * The `yaml` parser reads JSON too, but is an order of magnitude slower on large machine-written
 * files (a 10,000-task runbook), and positions must exist for every task.
 */
import type { Node } from 'jsonc-parser';
import { jsoncLib } from './lazy-libs.js';
import { lineIndex } from './line-index.js';
import { newPosNode, offsetOf, type PosNode, SHALLOW, TRUNCATED } from './position-tree.js';
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
  // JSON.parse keeps the last of duplicate keys silently; the YAML path reports them instead.
  const shallow = scanJson(text);
  if (!shallow) return undefined;
  const position = lineIndex(text);
  let root: Node | undefined;
  return {
    value,
    locate(path) {
      const found = offsetOf(shallow, path, true);
      if (found !== TRUNCATED) return position(found);
      // Inside a task (only to place an issue): jsonc-parser's tree, built once.
      const { findNodeAtLocation, parseTree } = jsoncLib();
      root ??= parseTree(text, [], { disallowComments: true }) as Node;
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

/** An object or array being scanned. */
interface Container {
  node: PosNode | undefined;
  /** For an object: its keys so far, and whether a key comes next. */
  keys?: string[];
  keySet?: Set<string>;
  expectKey: boolean;
  key: string;
  keyOffset: number;
}

/** Objects with more keys than this check duplicates with a Set rather than a list. */
const FEW_KEYS = 16;

/**
 * One scan of text that JSON.parse accepted: the positions down to SHALLOW (as jsonc-parser places
 * them: a key at its opening quote, a value at its first character), or undefined when an object
 * repeats a key.
 */
function scanJson(text: string): PosNode | undefined {
  let root: PosNode | undefined;
  const stack: Container[] = [];
  const attach = (node: PosNode | undefined): void => {
    const parent = stack[stack.length - 1];
    if (!parent) root = node;
    else if (parent.node?.seq) parent.node.seq.push(node as PosNode);
    else if (parent.node?.map) parent.node.map.set(parent.key, { key: parent.keyOffset, node: node as PosNode });
  };
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    switch (c) {
      case 0x20: // space, tab, newline, return, colon
      case 0x09:
      case 0x0a:
      case 0x0d:
      case 0x3a:
        break;
      case 0x7b: // {
      case 0x5b: {
        // [
        const isObject = c === 0x7b;
        const node = newPosNode(i, isObject ? 'map' : 'seq', stack.length, SHALLOW);
        attach(node);
        stack.push({
          node: node?.map || node?.seq ? node : undefined,
          ...(isObject ? { keys: [] } : {}),
          expectKey: isObject,
          key: '',
          keyOffset: 0,
        });
        break;
      }
      case 0x7d: // }
      case 0x5d: // ]
        stack.pop();
        break;
      case 0x2c: {
        // ,
        const top = stack[stack.length - 1] as Container;
        if (top.keys) top.expectKey = true;
        break;
      }
      case 0x22: {
        // "
        let j = i + 1;
        let escaped = false;
        for (;;) {
          const d = text.charCodeAt(j);
          if (d === 0x5c) {
            escaped = true;
            j += 2;
          } else if (d === 0x22) break;
          else j++;
        }
        const top = stack[stack.length - 1];
        if (top?.keys && top.expectKey) {
          const key = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : text.slice(i + 1, j);
          if (top.keySet) {
            if (top.keySet.has(key)) return undefined;
            top.keySet.add(key);
          } else {
            if (top.keys.includes(key)) return undefined;
            top.keys.push(key);
            if (top.keys.length > FEW_KEYS) top.keySet = new Set(top.keys);
          }
          top.key = key;
          top.keyOffset = i;
          top.expectKey = false;
        } else {
          attach(newPosNode(i, 'scalar', stack.length, SHALLOW));
        }
        i = j;
        break;
      }
      default: {
        // A number, true, false or null: to the next delimiter.
        attach(newPosNode(i, 'scalar', stack.length, SHALLOW));
        let j = i + 1;
        for (; j < n; j++) {
          const d = text.charCodeAt(j);
          if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
        }
        i = j - 1;
      }
    }
  }
  return root;
}
