/**
 * `runwire validate` through the real CLI, as child processes: every broken fixture exits 2 with
 * its expected first error and no stack trace; valid fixtures exit 0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliBin, fixturesDir, repoRoot } from '../../helpers/paths.js';

const invalidDir = join(fixturesDir, 'invalid');
const validDir = join(fixturesDir, 'valid');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], cwd: string): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliBin, ...args], { cwd, timeout: 60_000 }, (err, stdout, stderr) => {
      const code =
        err && typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : err ? -1 : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Expected first-error fragments: `# expect:` on line 1 of YAML files, `_expect.json` for JSON. */
async function expectations(): Promise<Array<{ file: string; expect: string }>> {
  const files = (await readdir(invalidDir)).filter((f) => /\.(ya?ml|json)$/.test(f) && !f.startsWith('_')).sort();
  const jsonMap = JSON.parse(await readFile(join(invalidDir, '_expect.json'), 'utf8')) as Record<string, string>;
  const out: Array<{ file: string; expect: string }> = [];
  for (const file of files) {
    let expect: string | undefined;
    if (file.endsWith('.json')) expect = jsonMap[file];
    else expect = /^# expect: (.+)$/m.exec((await readFile(join(invalidDir, file), 'utf8')).split('\n')[0] ?? '')?.[1];
    assert.ok(expect, `${file} has no recorded expectation`);
    out.push({ file, expect });
  }
  return out;
}

test('at least 30 broken runbooks, each exits 2 with its expected first error and no stack trace', async () => {
  const cases = await expectations();
  assert.ok(cases.length >= 30, `only ${cases.length} fixtures`);
  assert.ok(
    cases.some((c) => c.file.endsWith('.json')),
    'JSON fixtures are included',
  );
  // A few at a time: each is a real node process, and the machine may be busy.
  const failures: string[] = [];
  for (let i = 0; i < cases.length; i += 4) {
    await Promise.all(
      cases.slice(i, i + 4).map(async ({ file, expect }) => {
        const r = await runCli(['validate', file], invalidDir);
        const first = r.stderr.split('\n')[0] ?? '';
        if (r.code !== 2) failures.push(`${file}: exit ${r.code}, stderr: ${r.stderr}`);
        if (first !== `${file}:${expect}`)
          failures.push(`${file}: first line was\n  ${first}\nexpected\n  ${file}:${expect}`);
        if (/^\s+at /m.test(r.stderr)) failures.push(`${file}: stack trace in stderr:\n${r.stderr}`);
        if (r.stdout !== '') failures.push(`${file}: unexpected stdout: ${r.stdout}`);
      }),
    );
  }
  assert.deepEqual(failures, []);
});

test('every reported line has file:line:col, and the last line counts the problems', async () => {
  const r = await runCli(['validate', 'dependency-cycle.yaml'], invalidDir);
  assert.equal(r.code, 2);
  const out = r.stderr.trim().split('\n');
  const problems = out.slice(0, -1);
  assert.ok(problems.length >= 1);
  for (const line of problems) assert.match(line, /^dependency-cycle\.yaml:\d+:\d+ \S/);
  assert.equal(out.at(-1), `dependency-cycle.yaml: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
});

test('valid runbooks exit 0 with a one-line summary', async () => {
  for (const file of ['release-cutover.yaml', 'minimal.json']) {
    const r = await runCli(['validate', file], validDir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, new RegExp(`^${file.replace('.', '\\.')}: valid runbook ".+", \\d+ tasks\\n$`));
  }
});

test('the shipped examples validate', async () => {
  const examples = (await readdir(join(repoRoot, 'examples'))).filter((f) => /\.(ya?ml|json)$/.test(f));
  assert.ok(examples.length >= 2, 'examples/ holds runbooks');
  for (const file of examples) {
    const r = await runCli(['validate', join('examples', file)], repoRoot);
    assert.equal(r.code, 0, `${file}: ${r.stderr}`);
  }
});

test('--var declares a variable for validation', async () => {
  const without = await runCli(['validate', 'needs-var.yaml'], validDir);
  assert.equal(without.code, 2);
  assert.match(without.stderr, /unknown variable "ticket"/);
  const withVar = await runCli(['validate', 'needs-var.yaml', '--var', 'ticket=OPS-7'], validDir);
  assert.equal(withVar.code, 0, withVar.stderr);
  const badVar = await runCli(['validate', 'needs-var.yaml', '--var', 'ticket'], validDir);
  assert.equal(badVar.code, 2);
  assert.match(badVar.stderr, /--var "ticket" is not name=value/);
  assert.doesNotMatch(badVar.stderr, /^\s+at /m);
});

test('--json prints the issues as JSON on stdout and keeps the exit code', async () => {
  const bad = await runCli(['validate', 'unknown-task-type.yaml', '--json'], invalidDir);
  assert.equal(bad.code, 2);
  const body = JSON.parse(bad.stdout) as {
    valid: boolean;
    issues: Array<{ line: number; column: number; field: string; message: string }>;
  };
  assert.equal(body.valid, false);
  assert.deepEqual(
    body.issues.map((i) => [i.line, i.column, i.field]),
    [[5, 5, 'tasks[0].type']],
  );
  assert.match(body.issues[0]?.message ?? '', /did you mean "http"/);
  const good = await runCli(['validate', 'minimal.json', '--json'], validDir);
  assert.equal(good.code, 0);
  assert.deepEqual(JSON.parse(good.stdout), {
    file: 'minimal.json',
    valid: true,
    runbook: { name: 'Minimal JSON runbook', tasks: 3, vars: [] },
    issues: [],
  });
});

test('a missing, unreadable or directory path is a clear error with exit 2', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'runwire-validate-'));
  const missing = await runCli(['validate', 'does-not-exist.yaml'], dir);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^error: cannot read runbook does-not-exist\.yaml: no such file\nfix: /);
  const directory = await runCli(['validate', dir], dir);
  assert.equal(directory.code, 2);
  assert.match(directory.stderr, /it is a directory/);
  await writeFile(join(dir, 'binary.yaml'), Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x02]));
  const binary = await runCli(['validate', 'binary.yaml'], dir);
  assert.equal(binary.code, 2);
  for (const r of [missing, directory, binary]) assert.doesNotMatch(r.stderr, /^\s+at /m);
  const noArg = await runCli(['validate'], dir);
  assert.equal(noArg.code, 2);
  assert.match(noArg.stderr, /missing required argument 'file'/);
});
