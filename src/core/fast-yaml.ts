/**
 * A fast reader for the plain block YAML that runbooks are usually written in, with positions.
 * The `yaml` package's lexer alone takes ~0.4 s on a 10,000-task runbook; this reads the same
 * file in a few tens of milliseconds. It reads a deliberately small subset — block mappings and
 * sequences indented with spaces, plain and simple quoted scalars, one-line flow lists of plain
 * scalars, comments — and resolves scalars exactly as `yaml`'s YAML 1.2 core schema does. On
 * anything else (anchors, aliases, merge keys, tags, block scalars, multi-line scalars, escapes,
 * document markers, tabs, duplicate keys…) it gives up and returns undefined, so the caller falls
 * back to `yaml`, which reports errors with positions. Invariant: whenever this returns a value,
 * `yaml` would return the same value without errors (tested in test/unit/core/fast-yaml.test.ts).
 */
import type { FieldPath } from './source-map.js';

/** 1-based line and column. */
interface Pos {
  line: number;
  column: number;
}

/** Where a value is written: its start, and for collections where each entry is. */
interface PosNode {
  start: Pos;
  map?: Map<string, { key: Pos; node: PosNode }>;
  seq?: PosNode[];
}

export interface FastYamlSource {
  value: unknown;
  /** Same rules as source-map's `locate`: a map entry at its key, a list item at the item. */
  locate(path: FieldPath): { line: number; column: number };
}

/** Thrown inside the reader when the text leaves the supported subset. */
class Unsupported extends Error {}

const give = (): never => {
  throw new Unsupported();
};

// Outside the subset wherever they appear: tabs, CR, BOM, other control characters (yaml
// rejects some of them), and document markers or directives at the start of a line.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these control characters are exactly what it detects
const UNSUPPORTED_TEXT = /[\t\r\uFEFF\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|^(?:---|\.\.\.|%)/m;
const KEY = /[A-Za-z_][A-Za-z0-9_-]*:(?= |$)/y;
const TRAILER = /^(?: +#.*)? *$/;
// Plain flow-list items: no indicator first, nothing that could end the item or start a pair.
const PLAIN_ITEM = /^[A-Za-z0-9_./+~=$^()<-][A-Za-z0-9_./+~=$^()<> -]*$/;
const FLOW_PAIR = /^([A-Za-z_][A-Za-z0-9_-]*):( +)([^ ].*)$/;
const QUOTED_ITEM = /^(?:"[^"\\]*"|'(?:[^']|'')*')$/;

/** Read text in the supported subset; undefined when it is not (the caller then uses `yaml`). */
export function parseFastYaml(text: string): FastYamlSource | undefined {
  if (UNSUPPORTED_TEXT.test(text)) return undefined;
  let root: { value: unknown; pos: PosNode };
  try {
    const reader = new Reader(text.split('\n'));
    reader.skip();
    if (reader.i >= reader.lines.length) return undefined; // empty: yaml reports it
    root = reader.block(indentOf(reader.lines[reader.i] as string));
    reader.skip();
    if (reader.i < reader.lines.length) return undefined; // a line left over (less indented…)
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
  const rootPos = root.pos;
  return {
    value: root.value,
    locate(path) {
      let node: PosNode | undefined = rootPos;
      let pos = rootPos.start;
      for (const seg of path) {
        if (node.map) {
          const entry = node.map.get(String(seg));
          if (!entry) break;
          pos = entry.key;
          node = entry.node;
        } else if (node.seq && typeof seg === 'number') {
          const item: PosNode | undefined = node.seq[seg];
          if (!item) break;
          pos = item.start;
          node = item;
        } else {
          break;
        }
      }
      return { line: pos.line, column: pos.column };
    },
  };
}

/** Only the space is white space here: String#trim would also strip U+00A0 and friends, which YAML keeps. */
function trimSpaces(s: string): string {
  let a = 0;
  let b = s.length;
  while (s.charCodeAt(a) === 32) a++;
  while (b > a && s.charCodeAt(b - 1) === 32) b--;
  return s.slice(a, b);
}

function indentOf(line: string): number {
  let n = 0;
  while (line.charCodeAt(n) === 32) n++;
  return n;
}

function isSeqStart(line: string, col: number): boolean {
  return line.charCodeAt(col) === 45 /* - */ && (line.length === col + 1 || line.charCodeAt(col + 1) === 32);
}

interface Parsed {
  value: unknown;
  pos: PosNode;
}

class Reader {
  /** Index of the current line. */
  i = 0;

  constructor(readonly lines: string[]) {}

  /** Move past blank and comment-only lines. */
  skip(): void {
    const lines = this.lines;
    while (this.i < lines.length) {
      const l = lines[this.i] as string;
      const n = indentOf(l);
      if (n === l.length || l.charCodeAt(n) === 35 /* # */) this.i++;
      else break;
    }
  }

  /** A block collection whose first line is the current one, starting at column `col`. */
  block(col: number): Parsed {
    return isSeqStart(this.lines[this.i] as string, col) ? this.seq(col) : this.map(col);
  }

  private seq(n: number): Parsed {
    const value: unknown[] = [];
    const items: PosNode[] = [];
    const start = { line: this.i + 1, column: n + 1 };
    for (;;) {
      this.skip();
      if (this.i >= this.lines.length) break;
      const l = this.lines[this.i] as string;
      const ind = indentOf(l);
      if (ind < n) break;
      if (ind > n) give();
      if (!isSeqStart(l, n)) break;
      let j = n + 1;
      while (l.charCodeAt(j) === 32) j++;
      let item: Parsed;
      if (j >= l.length || l.charCodeAt(j) === 35) {
        // `-` alone: the item is the more indented block below (an empty item is left to yaml).
        this.i++;
        this.skip();
        if (this.i >= this.lines.length) give();
        const below = indentOf(this.lines[this.i] as string);
        if (below <= n) give();
        item = this.block(below);
      } else if (isSeqStart(l, j)) {
        item = give(); // `- - x`: nested compact lists are rare; yaml reads them
      } else {
        KEY.lastIndex = j;
        if (KEY.test(l)) {
          item = this.map(j);
        } else {
          item = this.inline(l, j);
          this.i++;
        }
      }
      value.push(item.value);
      items.push(item.pos);
    }
    return { value, pos: { start, seq: items } };
  }

  /** A block mapping at column m; its first key is on the current line at column m. */
  private map(m: number): Parsed {
    const value: Record<string, unknown> = {};
    const entries = new Map<string, { key: Pos; node: PosNode }>();
    const start = { line: this.i + 1, column: m + 1 };
    for (let first = true; ; first = false) {
      if (!first) {
        this.skip();
        if (this.i >= this.lines.length) break;
        const ind = indentOf(this.lines[this.i] as string);
        if (ind < m) break;
        if (ind > m) give(); // a continuation line or a bad indent: yaml decides
      }
      const l = this.lines[this.i] as string;
      KEY.lastIndex = m;
      if (!KEY.test(l)) give();
      const keyEnd = KEY.lastIndex; // just past the ':'
      const key = l.slice(m, keyEnd - 1);
      if (key.length > 1000) give(); // yaml limits implicit keys to 1024 characters
      // Keys that the core schema reads as booleans or null, and the prototype key, are left to yaml.
      if (typeof resolvePlain(key) !== 'string' || key === '__proto__' || entries.has(key)) give();
      const keyPos = { line: this.i + 1, column: m + 1 };
      let j = keyEnd;
      while (l.charCodeAt(j) === 32) j++;
      let entry: Parsed;
      if (j >= l.length || l.charCodeAt(j) === 35) {
        this.i++;
        entry = this.mapValue(m, keyPos);
      } else {
        entry = this.inline(l, j);
        this.i++;
      }
      value[key] = entry.value;
      entries.set(key, { key: keyPos, node: entry.pos });
    }
    return { value, pos: { start, map: entries } };
  }

  /** The value of `key:` with nothing after it: a block below, a list at the same column, or null. */
  private mapValue(m: number, keyPos: Pos): Parsed {
    this.skip();
    if (this.i < this.lines.length) {
      const l = this.lines[this.i] as string;
      const ind = indentOf(l);
      if (ind > m) return this.block(ind);
      if (ind === m && isSeqStart(l, m)) return this.seq(m);
    }
    return { value: null, pos: { start: keyPos } };
  }

  /** A scalar or a one-line flow list starting at column j of line l. */
  private inline(l: string, j: number): Parsed {
    const start = { line: this.i + 1, column: j + 1 };
    const c = l[j];
    if (c === '"') {
      const close = l.indexOf('"', j + 1);
      if (close < 0) give();
      const inner = l.slice(j + 1, close);
      if (inner.includes('\\') || !TRAILER.test(l.slice(close + 1))) give();
      return { value: inner, pos: { start } };
    }
    if (c === "'") {
      let k = j + 1;
      for (;;) {
        k = l.indexOf("'", k);
        if (k < 0) give();
        if (l[k + 1] === "'") k += 2;
        else break;
      }
      if (!TRAILER.test(l.slice(k + 1))) give();
      return { value: l.slice(j + 1, k).replace(/''/g, "'"), pos: { start } };
    }
    if (c === '[') return this.flowList(l, j, start);
    if (c === '{') return this.flowMap(l, j, start);
    if ('&*!|>%@`?:,]}#'.includes(c as string) || isSeqStart(l, j)) give();
    const hash = l.indexOf(' #', j);
    const s = trimSpaces(hash < 0 ? l.slice(j) : l.slice(j, hash));
    if (s.includes(': ') || s.endsWith(':')) give();
    return { value: resolvePlain(s), pos: { start } };
  }

  /** `{ a: 1, b: "x" }` on one line: simple keys, plain or simple quoted values. */
  private flowMap(l: string, j: number, start: Pos): Parsed {
    const value: Record<string, unknown> = {};
    const entries = new Map<string, { key: Pos; node: PosNode }>();
    for (const { text, column } of this.flowItems(l, j, '}')) {
      const m = FLOW_PAIR.exec(text);
      if (!m) return give();
      const key = m[1] as string;
      if (key.length > 1000 || typeof resolvePlain(key) !== 'string' || key === '__proto__' || entries.has(key)) give();
      value[key] = flowScalar(m[3] as string);
      entries.set(key, {
        key: { line: this.i + 1, column },
        node: { start: { line: this.i + 1, column: column + key.length + 1 + (m[2] as string).length } },
      });
    }
    return { value, pos: { start, map: entries } };
  }

  /** `[a, b, c]` on one line, of plain or simple quoted scalars. */
  private flowList(l: string, j: number, start: Pos): Parsed {
    const value: unknown[] = [];
    const items: PosNode[] = [];
    for (const { text, column } of this.flowItems(l, j, ']')) {
      value.push(flowScalar(text));
      items.push({ start: { line: this.i + 1, column } });
    }
    return { value, pos: { start, seq: items } };
  }

  /**
   * The items of a one-line flow collection opening at column j (commas inside quotes kept),
   * trimmed, each with its 1-based column; nothing may follow the close but a comment.
   */
  private flowItems(l: string, j: number, close: string): Array<{ text: string; column: number }> {
    const raw: Array<{ from: number; to: number }> = [];
    let from = j + 1;
    let k = j + 1;
    for (; ; k++) {
      if (k >= l.length) give();
      const c = l[k];
      if (c === '"') {
        k = l.indexOf('"', k + 1);
        if (k < 0) give();
      } else if (c === "'") {
        for (k = l.indexOf("'", k + 1); k >= 0 && l[k + 1] === "'"; k = l.indexOf("'", k + 2));
        if (k < 0) give();
      } else if (c === ',') {
        raw.push({ from, to: k });
        from = k + 1;
      } else if (c === close) {
        raw.push({ from, to: k });
        break;
      } else if (c === '[' || c === ']' || c === '{' || c === '}') {
        give();
      }
    }
    if (!TRAILER.test(l.slice(k + 1))) give();
    const items = raw.map(({ from: f, to }) => {
      const text = l.slice(f, to);
      const lead = indentOf(text);
      return { text: trimSpaces(text), column: f + lead + 1 };
    });
    if (items.length === 1 && items[0]?.text === '') return [];
    return items;
  }
}

/** One flow item's scalar: simple quoted (no escapes) or plain without indicators. */
function flowScalar(text: string): unknown {
  if (QUOTED_ITEM.test(text)) return text[0] === "'" ? text.slice(1, -1).replace(/''/g, "'") : text.slice(1, -1);
  if (PLAIN_ITEM.test(text) && !text.startsWith('- ') && text !== '-') return resolvePlain(text);
  return give();
}

/** A plain scalar as the YAML 1.2 core schema reads it (the order and tests of `yaml`'s schema). */
export function resolvePlain(s: string): unknown {
  if (/^(?:~|[Nn]ull|NULL)?$/.test(s)) return null;
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(s)) return s[0] === 't' || s[0] === 'T';
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) {
    return s.slice(-3).toLowerCase() === 'nan'
      ? NaN
      : s[0] === '-'
        ? Number.NEGATIVE_INFINITY
        : Number.POSITIVE_INFINITY;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s)) return parseFloat(s);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return parseFloat(s);
  return s;
}
