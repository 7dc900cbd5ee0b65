/**
 * The happy path for YAML runbooks: js-yaml (its YAML 1.2 core schema) reads the text into parser
 * events with source offsets, and the value is constructed from the same events; one walk over the
 * events records where every key and list item is written. `yaml` (the document API, kept for its
 * positions and error messages) takes ~5x longer on a 10,000-task runbook in any style.
 *
 * The two parsers do not agree on everything, so this gives up (returns undefined, and the caller
 * uses `yaml`) wherever they may differ or `yaml` is configured differently: anchors and aliases
 * (`yaml` bounds their expansion and a self-referencing one needs its check), merge keys (`<<`,
 * merged by `yaml` only), tags, complex (non-scalar) keys, more than one document, an empty
 * document, and any text js-yaml rejects (duplicate keys included: `yaml` reports them with a
 * position). Invariant: whenever this returns a value, `yaml` (as parse-runbook calls it) reads the
 * text without errors to the same value, and every field is located where `yaml` locates it (tested
 * in test/unit/core/fast-yaml.test.ts on every fixture, samples and generated texts).
 *
 * Nesting is bounded: deeper than MAX_NESTING, js-yaml stops with the place, reported by the caller.
 */
import {
  CORE_SCHEMA,
  constructFromEvents,
  EVENT_ID,
  type Event,
  getScalarValue,
  parseEvents,
  SCALAR_STYLE,
} from 'js-yaml';
import { lineIndex } from './line-index.js';
import { MAX_NESTING } from './nesting.js';
import type { FieldPath } from './source-map.js';

/** Plain keys both parsers turn into the same string: words, not null/true/numbers/`<<`. */
const PLAIN_WORD_KEY = /^(?!(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$)[A-Za-z_]/;

/** Where a value is written (an offset), and for collections where each entry is. */
interface PosNode {
  start: number;
  map?: Map<string, { key: number; node: PosNode }>;
  seq?: PosNode[];
}

export interface FastYamlSource {
  value: unknown;
  /** Same rules as source-map's `locate`: a map entry at its key, a list item at the item. */
  locate(path: FieldPath): { line: number; column: number };
}

/** Nesting deeper than MAX_NESTING, at this 1-based position. */
export interface TooDeep {
  tooDeep: { line: number; column: number };
}

/** Read text on the happy path; undefined when it is left to `yaml` (see the module comment). */
export function parseFastYaml(text: string): FastYamlSource | TooDeep | undefined {
  let events: Event[];
  try {
    events = parseEvents(text, { maxDepth: MAX_NESTING });
  } catch (err) {
    const mark = (err as { mark?: { line: number; column: number } }).mark;
    if (mark && /maxDepth/.test((err as Error).message))
      return { tooDeep: { line: mark.line + 1, column: mark.column + 1 } };
    return undefined;
  }
  const root = positions(text, events);
  if (!root) return undefined;
  let value: unknown;
  try {
    // maxAliases 0: aliases were already left to yaml; this only makes sure.
    value = constructFromEvents(events, { source: text, schema: CORE_SCHEMA, maxAliases: 0 })[0];
  } catch {
    return undefined;
  }
  const at = lineIndex(text);
  return {
    value,
    locate(path) {
      let node: PosNode = root;
      let offset = root.start;
      for (const seg of path) {
        if (node.map) {
          const entry = node.map.get(String(seg));
          if (!entry) break;
          offset = entry.key;
          node = entry.node;
        } else if (node.seq && typeof seg === 'number') {
          const item = node.seq[seg];
          if (!item) break;
          offset = item.start;
          node = item;
        } else {
          break;
        }
      }
      return at(offset);
    },
  };
}

interface Frame {
  node: PosNode;
  /** For a mapping: the key just read, waiting for its value. */
  key?: { name: string; offset: number };
}

/** The position tree of the one document, or undefined when the text is left to `yaml`. */
function positions(text: string, events: Event[]): PosNode | undefined {
  let documents = 0;
  let root: PosNode | undefined;
  const stack: Frame[] = [];
  const attach = (node: PosNode): boolean => {
    const parent = stack.at(-1);
    if (!parent) {
      root = node;
      return true;
    }
    if (parent.node.seq) {
      parent.node.seq.push(node);
      return true;
    }
    if (!parent.key) return false; // a collection as a key
    (parent.node.map as Map<string, { key: number; node: PosNode }>).set(parent.key.name, {
      key: parent.key.offset,
      node,
    });
    parent.key = undefined;
    return true;
  };
  for (const e of events) {
    switch (e.type) {
      case EVENT_ID.DOCUMENT:
        if (++documents > 1) return undefined;
        break;
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        if (e.anchorStart !== -1 || e.tagStart !== -1) return undefined;
        const node: PosNode =
          e.type === EVENT_ID.MAPPING ? { start: e.start, map: new Map() } : { start: e.start, seq: [] };
        if (!attach(node)) return undefined;
        stack.push({ node });
        break;
      }
      case EVENT_ID.SCALAR: {
        if (e.anchorStart !== -1 || e.tagStart !== -1) return undefined;
        const start = scalarStart(text, e);
        const parent = stack.at(-1);
        // An empty scalar has no offset; `yaml` places it after its indicator. Only a mapping's value
        // is never located by its own start (an entry is located at its key), so keep only that one.
        if (start < 0 && !(parent?.node.map && parent.key)) return undefined;
        if (parent?.node.map && !parent.key) {
          const name = getScalarValue(text, e);
          // `<<` is a merge key for `yaml` (merge: true) and a plain key for js-yaml's core schema;
          // a plain key that is not a word (null, a number…) is turned into a string differently.
          if (e.style === SCALAR_STYLE.PLAIN && !PLAIN_WORD_KEY.test(name)) return undefined;
          parent.key = { name, offset: start };
        } else if (!attach({ start })) {
          return undefined;
        }
        break;
      }
      case EVENT_ID.ALIAS:
        return undefined;
      case EVENT_ID.POP:
        stack.pop();
        break;
    }
  }
  return documents === 1 ? root : undefined;
}

/** Where `yaml` starts a scalar's range: at the opening quote, or at a block scalar's indicator. */
function scalarStart(text: string, e: Extract<Event, { type: typeof EVENT_ID.SCALAR }>): number {
  switch (e.style) {
    case SCALAR_STYLE.SINGLE_QUOTED:
    case SCALAR_STYLE.DOUBLE_QUOTED:
      return e.valueStart - 1;
    case SCALAR_STYLE.LITERAL_BLOCK:
    case SCALAR_STYLE.FOLDED_BLOCK:
      return Math.max(text.lastIndexOf('|', e.valueStart), text.lastIndexOf('>', e.valueStart));
    default:
      return e.valueStart;
  }
}
