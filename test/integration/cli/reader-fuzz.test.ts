/**
 * A fuzz test of the runbook reader (issue 8): generated inputs — valid runbooks mutated (bytes cut,
 * inserted, lines swapped, re-indented, numbers made huge), random JSON values, YAML fragments from a
 * small grammar (anchors, aliases, merges, tags, block scalars, flow collections, duplicate keys),
 * deep nesting of every kind and odd unicode — through `parseRunbook` in-process (a few hundred cases)
 * and a sample of them through the real `runwire validate`. Either the runbook is read (exit 0) or
 * every problem has a file:line:col position (exit 2); never a throw, a stack trace, another exit
 * code or a hang. Seeded, so a failure is reproduced by its seed (fast-check prints it, shrunk).
 *
 * fast-check: seeded generators that compose, and shrinking, so a failing input is reported as a
 * small one instead of a 5 KB random text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseRunbook } from '../../../src/core/parse-runbook.js';
import { builtinTaskTypes } from '../../../src/tasks/index.js';
import { cliBin, fixturesDir, repoRoot } from '../../helpers/paths.js';

const SEED = 20_261_201;
const types = builtinTaskTypes();

const samples = [
  ...readdirSync(join(fixturesDir, 'valid')).map((f) => join(fixturesDir, 'valid', f)),
  ...readdirSync(join(repoRoot, 'examples')).map((f) => join(repoRoot, 'examples', f)),
].map((f) => readFileSync(f, 'utf8'));

const ODD = [
  '\u0000',
  '\u0007',
  '\t',
  '\r',
  '\u00a0',
  '\u200b',
  '\u202e',
  '\ufeff',
  '\ud800',
  '\udfff',
  '😀',
  'é',
  '\u0301',
  '\u2028',
  '#',
  ':',
  '- ',
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  '&a ',
  '*a',
  '!!binary ',
  '<<: ',
  '|',
  '>',
  '%YAML 1.2\n',
  '---\n',
  '...\n',
  '{{',
  '}}',
];
const HUGE = ['1e400', '-1e400', '99999999999999999999999999', '0x7fffffffffffffff', '.inf', '-.nan', '1e-400'];

/** One mutation of a text, picked and placed by the generator. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 80 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(
      fc.constantFrom(...ODD, ...HUGE),
      fc.string({ maxLength: 12 }),
      fc.string({ unit: 'binary', maxLength: 4 }),
    ),
  }),
  fc.record({ kind: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('indent' as const), line: fc.nat(), by: fc.integer({ min: -4, max: 6 }) }),
  fc.record({ kind: fc.constant('dup' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('number' as const), pick: fc.nat(), to: fc.constantFrom(...HUGE) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const pick = (n: number, of: number) => (of === 0 ? 0 : n % of);
  switch (m.kind) {
    case 'cut': {
      const at = pick(m.at, text.length + 1);
      return text.slice(0, at) + text.slice(at + m.len);
    }
    case 'insert': {
      const at = pick(m.at, text.length + 1);
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case 'swap': {
      const [a, b] = [pick(m.a, lines.length), pick(m.b, lines.length)];
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      return lines.join('\n');
    }
    case 'indent': {
      const i = pick(m.line, lines.length);
      lines[i] = m.by >= 0 ? ' '.repeat(m.by) + lines[i] : lines[i]!.replace(new RegExp(`^ {0,${-m.by}}`), '');
      return lines.join('\n');
    }
    case 'dup': {
      const i = pick(m.line, lines.length);
      lines.splice(i, 0, lines[i]!);
      return lines.join('\n');
    }
    case 'number': {
      const spots = [...text.matchAll(/\d+/g)];
      if (spots.length === 0) return text;
      const s = spots[pick(m.pick, spots.length)]!;
      return text.slice(0, s.index) + m.to + text.slice(s.index! + s[0].length);
    }
    case 'truncate':
      return text.slice(0, pick(m.at, text.length + 1));
  }
}

const mutated = fc
  .tuple(fc.constantFrom(...samples), fc.array(mutation, { minLength: 1, maxLength: 6 }))
  .map(([text, ms]) => ms.reduce(mutate, text));

/** JSON texts: random values, and random tasks under a runbook's shape. */
const jsonText = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
  fc
    .record({
      name: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 2 })),
      tasks: fc.array(
        fc.dictionary(
          fc.constantFrom('id', 'type', 'depends_on', 'name', 'url', 'timeout', 'retry', 'x'),
          fc.jsonValue({ maxDepth: 3 }),
        ),
        { maxLength: 8 },
      ),
    })
    .map((v) => JSON.stringify(v, null, 2)),
);

/** YAML from a small grammar: scalars of every style, anchors and aliases, merges, tags, flow and block collections. */
const scalar = fc.oneof(
  fc.constantFrom(
    'x',
    'true',
    'null',
    '~',
    '0o17',
    '0x1F',
    '1_000',
    '12:30',
    '2026-01-01',
    ...HUGE,
    "'q''d'",
    '"esc\\u00e9\\x41"',
    '*a',
    '*missing',
  ),
  fc.string({ maxLength: 10 }).map((s) => JSON.stringify(s)),
  fc.string({ unit: 'binary', maxLength: 6 }),
);
const yamlNode: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('node'), { maxLength: 4 }).map((xs) => `[${xs.join(', ')}]`),
    fc
      .array(fc.tuple(fc.constantFrom('id', 'type', 'name', 'tasks', 'k', '<<', '? x'), tie('node')), { maxLength: 4 })
      .map((kv) => `{${kv.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
    fc.tuple(fc.constantFrom('&a ', '!!str ', '!!map ', '!custom ', '!!binary '), tie('node')).map(([p, n]) => p + n),
  ),
})).node;
const yamlDoc = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom('name', 'description', 'vars', 'tasks', 'name', 'tasks', '<<'), yamlNode), {
      minLength: 1,
      maxLength: 6,
    }),
    fc.constantFrom('', '---\n', '%YAML 1.2\n---\n', '\ufeff'),
    fc.constantFrom('', '\n...\n', '\n---\nname: second\n', '\n  |\n   block\n'),
  )
  .map(([kv, head, tail]) => head + kv.map(([k, v]) => `${k}: ${v}`).join('\n') + tail);

/** Deep nesting of every kind the reader sees. */
const deep = fc
  .tuple(
    fc.integer({ min: 50, max: 6000 }),
    fc.constantFrom('flow-seq', 'flow-map', 'block-seq', 'block-map', 'json', 'alias'),
  )
  .map(([n, kind]) => {
    switch (kind) {
      case 'flow-seq':
        return `name: d\ntasks: ${'['.repeat(n)}${']'.repeat(n)}\n`;
      case 'flow-map':
        return `name: d\ntasks: ${'{a: '.repeat(n)}1${'}'.repeat(n)}\n`;
      case 'block-seq':
        return `name: d\ntasks:\n${Array.from({ length: Math.min(n, 2000) }, (_, i) => `${' '.repeat(i * 2)}- `).join('\n')}x\n`;
      case 'block-map':
        return `name: d\n${Array.from({ length: Math.min(n, 2000) }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} x\n`;
      case 'json':
        return `{"name":"d","tasks":${'['.repeat(n)}${']'.repeat(n)}}`;
      default:
        return `name: d\na: &a [${Array.from({ length: 8 }, () => '*a').join(', ')}]\ntasks: []\n`;
    }
  });

const anyInput = fc.oneof(
  { weight: 4, arbitrary: mutated },
  { weight: 2, arbitrary: jsonText },
  { weight: 3, arbitrary: yamlDoc },
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
);

const outcomes = { read: 0, refused: 0 };

/** The reader's contract on one input. */
function checkRead(text: string): void {
  const r = parseRunbook(text, 'fuzz.yaml', types);
  if (r.issues.length === 0) {
    assert.ok(r.runbook, 'no issues means a runbook');
    outcomes.read++;
    return;
  }
  outcomes.refused++;
  assert.equal(r.runbook, undefined);
  for (const i of r.issues) {
    assert.ok(Number.isInteger(i.line) && i.line >= 1, `line ${i.line}`);
    assert.ok(Number.isInteger(i.column) && i.column >= 1, `column ${i.column}`);
    assert.ok(typeof i.message === 'string' && i.message.length > 0, 'a message');
    assert.equal(i.file, 'fuzz.yaml');
  }
}

test('parseRunbook: generated inputs are read or refused with positions, never a throw', () => {
  fc.assert(fc.property(anyInput, checkRead), { seed: SEED, numRuns: 400 });
  // The generators reach both outcomes (a fuzz that only ever makes garbage would test little).
  assert.ok(outcomes.read >= 1 && outcomes.refused >= 200, JSON.stringify(outcomes));
});

test('parseRunbook: duplicate keys and huge numbers are positioned problems', () => {
  fc.assert(
    fc.property(fc.constantFrom('name', 'tasks', 'id', 'type'), fc.constantFrom(...HUGE), (key, huge) => {
      const text = `name: a\ntasks:\n  - id: t\n    type: wait\n    duration: ${huge}s\n    ${key}: x\n    ${key}: y\n`;
      const r = parseRunbook(text, 'fuzz.yaml', types);
      assert.ok(r.issues.length > 0, text);
      checkRead(text);
    }),
    { seed: SEED, numRuns: 28 },
  );
});

/** `runwire validate FILE` in a child, killed if it hangs. */
function validate(file: string): Promise<{ code: number | null; out: string; hung: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBin, 'validate', file], {
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    let hung = false;
    // A hang guard, not a performance bound: a reader that takes this long on a few KB is stuck.
    const guard = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, out, hung });
    });
  });
}

test('runwire validate on a sample of the same inputs: exit 0, or 2 with file:line:col; no stack, no hang', {
  timeout: 240_000,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'runwire-fuzz-'));
  const inputs = fc.sample(anyInput, { seed: SEED, numRuns: 16 });
  for (const [i, text] of inputs.entries()) {
    const file = join(dir, `case-${i}.${text.trimStart().startsWith('{') ? 'json' : 'yaml'}`);
    await writeFile(file, text);
    const r = await validate(file);
    const where = `case ${i} (seed ${SEED}): ${JSON.stringify(text.slice(0, 300))}\n${r.out.slice(0, 2000)}`;
    assert.equal(r.hung, false, `hung: ${where}`);
    assert.ok(r.code === 0 || r.code === 2, `exit ${r.code}: ${where}`);
    assert.doesNotMatch(r.out, /\n\s+at \S+ \(|RangeError|TypeError|Maximum call stack/, `a stack trace: ${where}`);
    if (r.code === 2) {
      const problems = r.out
        .split('\n')
        .filter((l) => l.startsWith(file) && !/: \d+ problems?$|… and \d+ more/.test(l));
      assert.ok(problems.length > 0, `problems listed: ${where}`);
      for (const line of problems)
        assert.match(line, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+ `), where);
    }
  }
});
