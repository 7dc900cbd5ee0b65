/**
 * Hostile runbooks through the real CLI (`runwire validate` as a child process): each gets exit 2
 * and a positioned first line (file:line:col), never exit 1, a stack trace or a hang.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliBin } from '../../helpers/paths.js';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

async function validate(name: string, content: string | Buffer, args: string[] = []): Promise<CliResult> {
  const dir = await mkdtemp(join(tmpdir(), 'runwire-bad-input-'));
  await writeFile(join(dir, name), content);
  const t0 = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cliBin, 'validate', name, ...args],
      { cwd: dir, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code =
          err && typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : err ? -1 : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - t0 });
      },
    );
  });
}

function assertPositioned(r: CliResult, file: string, pattern: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
  const first = r.stderr.split('\n')[0] ?? '';
  assert.match(first, new RegExp(`^${file.replace('.', '\\.')}:\\d+:\\d+ `), first);
  assert.match(first, pattern);
}

const deepBlock = (levels: number): string => {
  const lines = ['name: deep', 'tasks:', '  - id: a', '    type: milestone', '    x-deep:'];
  for (let i = 0; i < levels; i++) lines.push(`${' '.repeat(6 + 2 * i)}k${i}:`);
  return `${lines.join('\n')} 1\n`;
};

test('block YAML nested thousands deep is a positioned error, not a stack overflow', async () => {
  const r = await validate('deep.yaml', deepBlock(3000));
  assertPositioned(r, 'deep.yaml', /nested deeper than 100 levels/);
});

test('deep JSON and deep flow YAML are positioned errors', async () => {
  const json = await validate('deep.json', `{"name": "x", "tasks": ${'['.repeat(20_000)}${']'.repeat(20_000)}}`);
  assertPositioned(json, 'deep.json', /^deep\.json:1:\d+ nested deeper than 100 levels/);
  const flow = await validate('flow.yaml', `name: x\ntasks: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
  assertPositioned(flow, 'flow.yaml', /nested deeper than 100 levels/);
  // Broken JSON that is also deep (JSON.parse refuses it, the YAML path must not recurse either).
  const broken = await validate('broken.json', `{"name": "x", "tasks": ${'['.repeat(20_000)}`);
  assertPositioned(broken, 'broken.json', /nested deeper than 100 levels/);
});

test('an anchor used inside itself is a positioned error', async () => {
  const r = await validate('self.yaml', 'name: x\ntasks: &all\n  - id: a\n    type: milestone\n    x-again: *all\n');
  assertPositioned(r, 'self.yaml', /^self\.yaml:5:14 the alias \*all is used inside its own anchor &all/);
});

test('deep nesting made of aliases (deeper than the text) is a positioned error', async () => {
  // Each anchor nests the previous one 40 levels deeper: no line deeper than 41, 120 levels expanded.
  const wrap = (inner: string): string => `${'['.repeat(40)}${inner}${']'.repeat(40)}`;
  const lines = ['name: x', `x-l0: &l0 ${wrap('1')}`, `x-l1: &l1 ${wrap('*l0')}`, `x-l2: ${wrap('*l1')}`];
  lines.push('tasks:', '  - id: a', '    type: milestone');
  const r = await validate('aliases.yaml', `${lines.join('\n')}\n`);
  assertPositioned(r, 'aliases.yaml', /nested deeper than 100 levels/);
});

test('20,000 tasks with unknown dependencies: the first 100 problems, "and N more", in bounded time', async () => {
  // On the old code "did you mean" compared each unknown id with every task id: this did not finish
  // in 120 s. The 60 s child timeout is a hang detector, not a performance bound.
  const lines = ['name: bad deps', 'tasks:'];
  for (let i = 0; i < 20_000; i++) lines.push(`  - { id: t${i}, type: milestone, depends_on: [t${i}x, missing${i}] }`);
  const r = await validate('bad-deps.yaml', `${lines.join('\n')}\n`);
  assertPositioned(
    r,
    'bad-deps.yaml',
    /^bad-deps\.yaml:3:32 tasks\[0\]\.depends_on: unknown task "t0x" \(did you mean "t0"\?\)/,
  );
  const out = r.stderr.trim().split('\n');
  assert.equal(out.length, 102, 'the first 100 problems, the "more" line, the count');
  assert.equal(out[100], 'bad-deps.yaml: … and 39900 more problems not listed');
  assert.equal(out[101], 'bad-deps.yaml: 40000 problems');
  for (const line of out.slice(0, 100))
    assert.match(line, /^bad-deps\.yaml:\d+:\d+ tasks\[\d+\]\.depends_on: unknown task/);
});

test('a control character in a name, a 100,000-character id and a 0ms timeout are refused', async () => {
  const nul = await validate(
    'nul.yaml',
    'name: "cut\\0over"\ntasks:\n  - id: a\n    type: milestone\n    name: "two\\nlines"\n',
  );
  assertPositioned(
    nul,
    'nul.yaml',
    /^nul\.yaml:1:1 name: must be one line of text without control characters, got U\+0000 at character 4/,
  );
  assert.match(nul.stderr, /^nul\.yaml:5:5 tasks\[0\]\.name: must be one line .* got U\+000A at character 4/m);
  const long = await validate('long.yaml', `name: x\ntasks:\n  - id: ${'a'.repeat(100_000)}\n    type: milestone\n`);
  assertPositioned(long, 'long.yaml', /^long\.yaml:3:5 tasks\[0\]\.id: must be at most 100 characters, got 100000$/);
  const zero = await validate(
    'zero.yaml',
    'name: x\ntasks:\n  - id: a\n    type: http\n    url: https://example.com\n    timeout: 0ms\n',
  );
  assertPositioned(zero, 'zero.yaml', /^zero\.yaml:6:5 tasks\[0\]\.timeout: must be longer than 0ms, got "0ms"$/);
});

test('JSON with comments says JSON has no comments; UTF-16 and non-UTF-8 files name the encoding', async () => {
  const jsonc = await validate(
    'c.json',
    '{\n  "name": "x", // the name\n  "tasks": [{ "id": "a", "type": "milestone" }]\n}\n',
  );
  assertPositioned(
    jsonc,
    'c.json',
    /^c\.json:2:16 JSON does not allow comments; remove it, or write the runbook in YAML/,
  );
  const text = 'name: x\ntasks:\n  - id: a\n    type: milestone\n';
  const le = await validate('le.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
  assertPositioned(le, 'le.yaml', /^le\.yaml:1:1 the file is UTF-16 \(little-endian\); save it as UTF-8/);
  const noBom = await validate('nobom.yaml', Buffer.from(text, 'utf16le'));
  assertPositioned(
    noBom,
    'nobom.yaml',
    /^nobom\.yaml:1:1 the file looks like UTF-16 \(little-endian\); save it as UTF-8/,
  );
  const latin1 = await validate(
    'l1.yaml',
    Buffer.from('name: x\ntasks:\n  - id: a\n    type: manual\n    instructions: caf\xe9\n', 'latin1'),
  );
  assertPositioned(latin1, 'l1.yaml', /^l1\.yaml:5:22 the file is not valid UTF-8 here; save it as UTF-8/);
  // Still fine: a URL in a flow-style runbook, a UTF-8 byte order mark.
  const flowUrl = await validate(
    'u.yaml',
    '{ name: x, tasks: [ { id: a, type: http, url: https://example.com/a } ] }\n',
  );
  assert.equal(flowUrl.code, 0, flowUrl.stderr);
  const bom = await validate('bom.yaml', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
  assert.equal(bom.code, 0, bom.stderr);
});

test('a type check and a schema problem in the same task are both reported', async () => {
  const r = await validate(
    'both.yaml',
    'name: x\ntasks:\n  - id: a\n    type: slack.message\n    channel: "#ops"\n    message: hi\n  - id: b\n    type: slack.message\n    channel: "#ops"\n    message: again\n    thread: a\n    colour: red\n',
  );
  assert.equal(r.code, 2);
  assert.match(r.stderr, /both\.yaml:11:5 tasks\[1\]\.thread: thread: task "a" must finish first/);
  assert.match(r.stderr, /both\.yaml:12:5 tasks\[1\]\.colour: unknown field "colour"/);
});

test('a --var the runbook does not declare or use is refused, with "did you mean"', async () => {
  const text =
    'name: x\nvars: { release: "1" }\ntasks:\n  - id: a\n    type: manual\n    instructions: "{{vars.release}} for {{vars.ticket}}"\n';
  const typo = await validate('v.yaml', text, ['--var', 'ticket=1', '--var', 'relase=2']);
  assertPositioned(
    typo,
    'v.yaml',
    /^v\.yaml:2:1 vars: --var "relase" is not a variable of this runbook \(did you mean "release"\?\)/,
  );
  const ok = await validate('v.yaml', text, ['--var', 'ticket=1', '--var', 'release=2']);
  assert.equal(ok.code, 0, ok.stderr);
});
