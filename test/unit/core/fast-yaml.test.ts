import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument, stringify } from 'yaml';
import { parseFastYaml } from '../../../src/core/fast-yaml.js';
import { locate } from '../../../src/core/source-map.js';
import { parseRunbook, parseRunbookPositioned } from '../../../src/core/parse-runbook.js';
import { builtinTaskTypes } from '../../../src/tasks/index.js';
import { fixturesDir } from '../../helpers/paths.js';
import { pathsIn } from '../../helpers/value-paths.js';

const types = builtinTaskTypes();

/**
 * The reader's invariant: when it returns a value, `yaml` (as parse-runbook calls it) reads the
 * text without errors to the same value, and every field is located at the same place. Returns
 * whether the fast reader took the text.
 */
function assertAgrees(text: string): boolean {
  const fast = parseFastYaml(text);
  if (!fast || 'tooDeep' in fast) return false;
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, merge: true });
  assert.deepEqual(
    doc.errors.map((e) => e.message),
    [],
    `yaml rejects what the fast reader took:\n${text}`,
  );
  const value: unknown = doc.toJS({ maxAliasCount: 1000 });
  assert.deepStrictEqual(fast.value, value, `values differ for:\n${text}`);
  for (const path of [...pathsIn(value), ['no-such-field'], ['tasks', 99999, 'id']]) {
    assert.deepEqual(
      fast.locate(path),
      locate(doc, lc, path),
      `positions differ at ${JSON.stringify(path)} in:\n${text}`,
    );
  }
  return true;
}

function fixtureTexts(): Array<{ name: string; text: string }> {
  const out: Array<{ name: string; text: string }> = [];
  for (const sub of ['valid', 'invalid']) {
    for (const f of readdirSync(join(fixturesDir, sub))) {
      if (/\.(ya?ml|json)$/.test(f))
        out.push({ name: `${sub}/${f}`, text: readFileSync(join(fixturesDir, sub, f), 'utf8') });
    }
  }
  return out;
}

const wide = (() => {
  const tasks: unknown[] = [];
  for (let l = 0; l < 20; l++) {
    for (let i = 0; i < 20; i++) {
      tasks.push({
        id: `t${l}_${i}`,
        type: 'milestone',
        ...(l > 0 ? { depends_on: [`t${l - 1}_${i}`, `t${l - 1}_${(i + 1) % 20}`] } : {}),
      });
    }
  }
  return stringify({ name: 'wide 20x20', tasks });
})();

/** Hand-written runbook YAML the reader should take, in the styles people write. */
const SAMPLES = [
  wide,
  `# a comment first\nname: Weekend cutover   # trailing comment\ndescription: 'it''s fine'\nvars: { release: "42", n: 3, ok: true }\n\ntasks:\n- id: freeze\n  type: manual\n  instructions: "Stop deploys: now"\n-   id: smoke\n    type: http\n    depends_on: [ freeze ]\n    url: https://status.example.com/{{ vars.release }}\n    retry: {attempts: 3, backoff: 2s}\n    headers:\n      X-Token: abc\n      Accept: 'application/json'\n  # indented comment\n- id: done\n  type: milestone\n  depends_on:\n    - smoke\n    - freeze\n`,
  `name: scalars\nx-values:\n  a: 0o17\n  b: 0x1F\n  c: -12\n  d: +5\n  e: 1.50\n  f: .5\n  g: 1e3\n  h: -.inf\n  i: .NaN\n  j: ~\n  k: Null\n  l: TRUE\n  m: false\n  n: yes\n  o: 1_000\n  p: 0b101\n  q: 12:30\n  r: 2026-11-26\n  s:\n  t: ""\n  u: '#not a comment'\n  v: a#b\n  w: [1, .5, ~, "x", 'y', a b]\n  x: {}\n  y: []\ntasks: []\n`,
  `name: nested\ntasks:\n  -\n    id: a\n    type: milestone\n    rehearsal:\n      skip: true\n  - id: b\n    type: milestone\n    depends_on:\n    - a\n`,
  `  name: indented root\n  tasks:\n    - id: a\n      type: milestone\n`,
  '"<<": {a: 1}\n',
  // Flow style, one task a line; block scalars and escapes as list items and values.
  'name: flow\ntasks:\n- { id: t1, type: milestone }\n- { id: t2, type: milestone, depends_on: [t1, "t0"] }\n',
  '{ name: all flow, tasks: [ { id: a, type: manual, instructions: "x\\ty" } ] }\n',
  'name: scalars\nx-list:\n  - |\n    literal\n  - >-\n    folded\n    text\n  - "q\\u00e9"\n  - \'s\'\ntasks: []\n',
  '--- # one document\nname: marked\ntasks: []\n...\n',
];

/** YAML the reader must leave to `yaml` (where the parsers may differ, or errors). */
const LEFT_TO_YAML = [
  'name: a\ndefaults: &d { type: milestone }\ntasks:\n  - <<: *d\n    id: x\n',
  'name: a\nx: &y 1\nb: *y\n',
  'a: &x [*x]\n',
  'name: a\n---\nname: b\n',
  'name: a\nname: b\n',
  'name: a\ntasks:\n\t- id: x\n',
  'name: !!str 1\n',
  'name: !custom x\n',
  '<<: {a: 1}\n',
  '',
  '# only a comment\n',
  'name: a\n bad: indent\n',
  'tasks:\n  - id: a\n   type: x\n',
  'name: {a: 1, a: 2}\n',
  'a: b: c\n',
  '? [a]\n: 1\n',
  'null: 1\n',
  '~: 1\n',
  '1: x\n',
  'name: "unclosed\n',
];

test('the fast reader agrees with yaml on every fixture it takes, and takes the plain ones', () => {
  let taken = 0;
  for (const { text } of fixtureTexts()) if (assertAgrees(text)) taken++;
  // Most fixtures are plain block YAML; a reader that gave up on everything would pass the rest.
  assert.ok(taken >= 40, `the fast reader took only ${taken} fixtures`);
  assert.ok(assertAgrees(readFileSync(join(fixturesDir, 'valid/release-cutover.yaml'), 'utf8')));
});

test("the fast reader takes the usual runbook styles, with yaml's values and positions", () => {
  for (const text of SAMPLES) assert.ok(assertAgrees(text), `not taken:\n${text}`);
});

test('anchors, merge keys, tags, several documents, duplicates, odd keys and errors are left to yaml', () => {
  for (const text of LEFT_TO_YAML) assert.equal(parseFastYaml(text), undefined, `taken:\n${text}`);
});

test('on generated near-YAML, whatever the fast reader takes, yaml reads the same', () => {
  // A small seeded generator of lines mixing the subset with things just outside it.
  let seed = 12345;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)] as T;
  const keys = [
    'a',
    'b',
    'x-y',
    'true',
    'null',
    'id',
    'a b',
    'k_1',
    '"q"',
    '1',
    '<<',
    "'<<'",
    '__proto__',
    '? a',
    '&k a',
    '!!str k',
    '~',
    '.5',
    'é',
  ];
  const values = [
    '',
    ' 1',
    ' 0x1F',
    ' 0o7',
    ' 1e3',
    ' .5',
    ' -.inf',
    ' ~',
    ' true',
    ' "q"',
    " 'it''s'",
    ' [a, 1, "b"]',
    ' []',
    ' {}',
    ' { a: 1, b: x }',
    ' {a:1}',
    ' a # c',
    ' a: b',
    ' a:b',
    ' http://x',
    ' - z',
    ' "open',
    ' &a x',
    ' *a',
    ' |',
    ' #c',
    ' a #',
    ' [a, ]',
    ' [a',
    ' x]',
    ' {a: 1',
    ' a,b',
    ' @x',
    ' %x',
    ' -1',
    ' - ',
    ':',
    ' ? x',
    // Commas and braces inside quotes; Unicode spaces, which YAML (unlike String#trim) keeps.
    ' ["a,b", c]',
    ' {a: \'}\', b: "x, y"}',
    ' \u00a0',
    ' [x\u00a0]',
    ' a\u2003',
    ' {a: \u00a0}',
    ' "a"#b',
    ' [a] x',
    // What js-yaml and yaml must agree on (or js-yaml must leave to yaml): escapes, block scalars,
    // multi-line flow, anchors, tags, merges, control and odd characters, YAML 1.1-only scalars.
    ' "esc\\"aped\\u00e9\\x41\\n"',
    " 'single'' quote'",
    ' |',
    ' |-',
    ' >',
    ' >+2',
    '   folded line',
    ' [a,',
    ' b]',
    ' {a: [1, {b: c}], d: "e"}',
    ' &x [1]',
    ' *x',
    ' !!int "3"',
    ' !!float 1',
    ' !local x',
    ' <<',
    ' { <<: *x }',
    ' 1_000',
    ' 0b101',
    ' 12:30',
    ' 2026-11-26',
    ' yes',
    ' on',
    ' +.5',
    ' -0',
    ' 0o',
    ' 0x',
    ' 1.',
    ' \u0000',
    ' a\u0007b',
    ' "\u0001"',
    ' \u2028',
    ' \ufeffx',
    ' a\tb',
    '\t1',
    ' \r',
    ' ...',
    ' ---',
    ' ? x',
    ' !',
    ' "a\\\nb"',
    " '\n  x'",
  ];
  let taken = 0;
  for (let doc = 0; doc < 6000; doc++) {
    const lines: string[] = [];
    const count = 1 + rnd(7);
    for (let k = 0; k < count; k++) {
      const indent = ' '.repeat(pick([0, 0, 1, 2, 2, 3, 4, 6]));
      const kind = rnd(8);
      if (kind === 0) lines.push(`${indent}-${pick(values)}`);
      else if (kind === 1) lines.push(`${indent}- ${pick(keys)}:${pick(values)}`);
      else if (kind === 2) lines.push(rnd(2) ? '' : `${indent}# note`);
      else if (kind === 3) lines.push(pick(['---', '...', '--- # doc', `${indent}${pick(values).trim()}`]));
      else lines.push(`${indent}${pick(keys)}:${pick(values)}`);
    }
    if (assertAgrees(lines.join('\n') + (rnd(2) ? '\n' : ''))) taken++;
  }
  assert.ok(taken > 1000, `the generator should produce texts the reader takes (took ${taken})`);
});

test('parseRunbook (fast path first) and the positioned path give the same results', () => {
  const texts = [
    ...fixtureTexts().map((f) => f.text),
    ...SAMPLES,
    ...LEFT_TO_YAML,
    // Invalid runbooks the fast reader takes: the issues must be placed where yaml puts them.
    'name: x\ntasks:\n  - id: a\n    type: milestone\n    depends_on: [b, c]\n  - id: a\n    type: nope\n',
    'name: x\nvars: { v: 1 }\ntasks:\n  - id: a\n    type: http\n    url: "{{ vars.w }}"\n    retry: { attempts: 0 }\n',
  ];
  for (const text of texts) {
    for (const vars of [{}, { env: 'prod' }] as Array<Record<string, string>>) {
      assert.deepStrictEqual(
        parseRunbook(text, 'r.yaml', types, { vars }),
        parseRunbookPositioned(text, 'r.yaml', types, { vars }),
        text,
      );
    }
  }
});
