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
import { CORE_SCHEMA, EVENT_ID, type Event, getScalarValue, parseEvents, SCALAR_STYLE } from 'js-yaml';
import { lineIndex } from './line-index.js';
import { MAX_NESTING } from './nesting.js';
import type { FieldPath } from './source-map.js';
import { newPosNode, offsetOf, type PosEntry, type PosNode, SHALLOW, TRUNCATED } from './position-tree.js';

/** Plain keys both parsers turn into the same string: words, not null/true/numbers/`<<`. */
const PLAIN_WORD_KEY = /^(?!(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$)[A-Za-z_]/;

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
  let read: { value: unknown; root: PosNode } | undefined;
  try {
    read = walk(text, events, SHALLOW);
  } catch {
    return undefined; // a scalar js-yaml's schema cannot resolve: left to yaml
  }
  if (!read) return undefined;
  const shallow = read.root;
  let full: PosNode | undefined;
  const at = lineIndex(text);
  return {
    value: read.value,
    locate(path) {
      const found = offsetOf(shallow, path);
      if (found !== TRUNCATED) return at(found);
      // A field inside a task (only asked for to place an issue): every position, built once.
      full ??= (walk(text, events, Number.POSITIVE_INFINITY) as { root: PosNode }).root;
      return at(offsetOf(full, path) as number);
    },
  };
}

interface Frame {
  /** The mapping's object or the sequence's array being filled. */
  value: Record<string, unknown> | unknown[];
  /** Its positions, when recorded at this depth. */
  node: PosNode | undefined;
  /** For a mapping: the key just read, waiting for its value. */
  key?: string;
  keyOffset: number;
}

/**
 * One walk over the events: the value (js-yaml's core schema, as its constructor builds it) and
 * the positions of every node up to `depth` levels down; undefined when the text is left to
 * `yaml` (see the module comment). Throws when a scalar cannot be resolved.
 */
function walk(text: string, events: Event[], depth: number): { value: unknown; root: PosNode } | undefined {
  let documents = 0;
  let root: PosNode | undefined;
  let rootValue: unknown;
  const stack: Frame[] = [];
  // Attaches a value (and its position node, if any) to the collection being read.
  const attach = (value: unknown, node: PosNode | undefined): boolean => {
    const parent = stack[stack.length - 1];
    if (!parent) {
      rootValue = value;
      root = node;
      return true;
    }
    if (Array.isArray(parent.value)) {
      parent.value.push(value);
      if (parent.node) (parent.node.seq as PosNode[]).push(node as PosNode);
      return true;
    }
    const key = parent.key;
    if (key === undefined) return false; // a collection as a key
    parent.value[key] = value;
    if (parent.node)
      (parent.node.map as Map<string, PosEntry>).set(key, { key: parent.keyOffset, node: node as PosNode });
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
        const isMap = e.type === EVENT_ID.MAPPING;
        const level = stack.length;
        const node = newPosNode(e.start, isMap ? 'map' : 'seq', level, depth);
        const value: Record<string, unknown> | unknown[] = isMap ? {} : [];
        if (!attach(value, node)) return undefined;
        stack.push({ value, node: level < depth ? node : undefined, keyOffset: 0 });
        break;
      }
      case EVENT_ID.SCALAR: {
        if (e.anchorStart !== -1 || e.tagStart !== -1) return undefined;
        const start = scalarStart(text, e);
        const parent = stack[stack.length - 1];
        const inMap = parent !== undefined && !Array.isArray(parent.value);
        // An empty scalar has no offset; `yaml` places it after its indicator. Only a mapping's value
        // is never located by its own start (an entry is located at its key), so keep only that one.
        if (start < 0 && !(inMap && parent.key !== undefined)) return undefined;
        const source = getScalarValue(text, e);
        if (inMap && parent.key === undefined) {
          // `<<` is a merge key for `yaml` (merge: true) and a plain key for js-yaml's core schema;
          // a plain key that is not a word (null, a number…) is turned into a string differently;
          // a duplicate is reported by `yaml` with its place; `__proto__` is left to it too.
          if (e.style === SCALAR_STYLE.PLAIN && !PLAIN_WORD_KEY.test(source)) return undefined;
          if (source === '__proto__' || Object.hasOwn(parent.value, source)) return undefined;
          parent.key = source;
          parent.keyOffset = start;
          break;
        }
        // As js-yaml's constructor: a plain scalar by the schema's implicit types, any other a string.
        const value = e.style === SCALAR_STYLE.PLAIN ? CORE_SCHEMA.resolveImplicitScalarTag(source).value : source;
        if (!attach(value, newPosNode(start, 'scalar', stack.length, depth))) return undefined;
        break;
      }
      case EVENT_ID.ALIAS:
        return undefined;
      case EVENT_ID.POP:
        stack.pop();
        break;
    }
  }
  return documents === 1 && root ? { value: rootValue, root } : undefined;
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
