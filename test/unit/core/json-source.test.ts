import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findNodeAtLocation, type Node, parseTree } from 'jsonc-parser';
import { parseJsonSource } from '../../../src/core/json-source.js';
import { lineIndex } from '../../../src/core/line-index.js';
import type { FieldPath } from '../../../src/core/source-map.js';
import { fixturesDir } from '../../helpers/paths.js';
import { pathsIn } from '../../helpers/value-paths.js';

/** The reference: jsonc-parser's tree for every path (a key at its key, a missing field at its parent). */
function jsoncLocate(text: string, path: FieldPath): { line: number; column: number } {
  const root = parseTree(text, [], { disallowComments: true }) as Node;
  const at = lineIndex(text);
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? root : findNodeAtLocation(root, [...path.slice(0, n)]);
    if (!node) continue;
    const parent = node.parent;
    const key = parent?.type === 'property' && parent.children?.[1] === node ? parent.children[0] : undefined;
    return at((key ?? node).offset);
  }
  return at(root.offset);
}

function assertAgrees(text: string): void {
  const source = parseJsonSource(text);
  assert.ok(source, `not taken:\n${text}`);
  assert.deepStrictEqual(source.value, JSON.parse(text));
  const extra: FieldPath[] = [['no-such-field'], ['tasks', 99999, 'id'], ['tasks', 'x'], [0], ['tasks', 0, 7]];
  for (const path of [...pathsIn(source.value), ...extra]) {
    assert.deepEqual(source.locate(path), jsoncLocate(text, path), `at ${JSON.stringify(path)} in:\n${text}`);
  }
}

const TEXTS = [
  '{"name":"x","tasks":[{"id":"a","type":"milestone"},{"id":"b","type":"http","url":"u","headers":{"A":"1"}}]}',
  '  {\n  "name" : "spaced",\n\t"tasks" : [ { "id" : "a" , "type" : "milestone", "depends_on" : [ ] } ,\r\n {"id":"b"} ]\n}\n',
  '{"a":[1,-2.5e3,true,false,null,"s",{"b":[[],{}]}],"c":{"d":{"e":{"f":1}}},"q\\"k":"v\\\\","":0}',
  '[{"x":1},[2,[3]],"s"]',
  '{"tasks":{"0":"an object, not a list"},"esc\\u0061ped":"\\u00e9\\n","k,{":"]}"}',
  `{"name":"many","x":{${Array.from({ length: 40 }, (_, i) => `"k${i}":${i}`).join(',')}}}`,
];

test('positions from the scan are where jsonc-parser puts them, for every field and missing one', () => {
  for (const text of TEXTS) assertAgrees(text);
  for (const sub of ['valid', 'invalid']) {
    for (const f of readdirSync(join(fixturesDir, sub))) {
      if (!f.endsWith('.json')) continue;
      const text = readFileSync(join(fixturesDir, sub, f), 'utf8');
      if (parseJsonSource(text)) assertAgrees(text);
    }
  }
});

test('a repeated key anywhere, written the same or escaped, is left to the YAML path', () => {
  for (const text of [
    '{"a":1,"a":2}',
    '{"tasks":[{"id":"x","id":"y"}]}',
    '{"a":1,"\\u0061":2}',
    `{"x":{${Array.from({ length: 40 }, (_, i) => `"k${i}":${i}`).join(',')},"k3":0}}`,
  ]) {
    assert.equal(parseJsonSource(text), undefined, text);
  }
  // The same key in different objects is no repeat.
  assert.ok(parseJsonSource('{"a":{"a":1},"b":[{"a":1},{"a":2}]}'));
});
