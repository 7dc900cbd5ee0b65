/**
 * The CLI loads only what a command needs (start-up cost is paid by every call): a module
 * resolution hook (tools/load-log-hooks.ts) in the child `node bin/runwire.js` records every module it loads, and each command
 * is checked for the heavy modules it must not load. The hook also records what the command does
 * load, so each case asserts a module it must load too (the check cannot pass by seeing nothing).
 * The CLI runs from its rolldown bundle (dist/cli/, tools/bundle-cli.ts): a chunk loaded counts as
 * loading every module the bundler put in it (dist/cli/meta.json), so the checks hold at chunk level.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cliBin, repoRoot } from '../../helpers/paths.js';
import { effectiveSchema, schemaKey } from '../../../src/core/schema-check.js';
import { validators } from '../../../src/core/validators.generated.js';
import { builtinTaskTypes } from '../../../src/tasks/index.js';
import { LOAD_LOG_ENV, writeLoadLogHooks } from '../../../tools/load-log-hooks.js';

/** Heavy modules by the part of their URL that names them. */
const SLACK_SDK = '/node_modules/@slack/web-api/';
const SQLITE = '/node_modules/better-sqlite3/';
const AJV = '/node_modules/ajv/';
/** ajv's compiler (its runtime helpers, used by the validators compiled at build time, are small). */
const AJV_COMPILER = '/node_modules/ajv/dist/core.js';
/** TypeBox as its ~200 modules (the build bundles the builder into dist/src/core/typebox.js). */
const TYPEBOX_MODULES = '/node_modules/@sinclair/typebox/';
const YAML = '/node_modules/yaml/';
const JSONC = '/node_modules/jsonc-parser/';
const WS = '/node_modules/ws/';
const SANDBOX = '/dist/src/sandbox/';
const ENGINE = '/dist/src/engine/engine.js';
const PG = '/node_modules/pg/';
const PG_URL = process.env.RUNWIRE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The file of the validator the build compiled for a built-in type's input (tools/build-validators.ts). */
function typeValidator(type: string): string {
  const def = builtinTaskTypes().get(type);
  assert.ok(def, type);
  const name = validators.get(schemaKey(effectiveSchema(def.input, true)));
  assert.ok(name, `the build compiled ${type}'s validator`);
  return `/dist/src/core/validators/${name}.cjs`;
}

/** Task type modules a milestone-only runbook must not load (each type loads when used). */
const OTHER_TYPES = ['slack-message', 'manual', 'wait', 'http', 'http-guard'].map((m) => `/dist/src/tasks/${m}.js`);

/** Chunk URL → the URLs of the modules bundled into it. */
async function chunkInputs(): Promise<Map<string, string[]>> {
  const meta = JSON.parse(await readFile(join(repoRoot, 'dist/cli/meta.json'), 'utf8')) as {
    outputs: Record<string, { inputs: Record<string, unknown> }>;
  };
  const url = (p: string): string => pathToFileURL(join(repoRoot, p)).href;
  return new Map(Object.entries(meta.outputs).map(([out, o]) => [url(out), Object.keys(o.inputs).map(url)]));
}

interface Loaded {
  code: number;
  stdout: string;
  stderr: string;
  urls: string[];
}

async function runLogged(dir: string, name: string, args: string[]): Promise<Loaded> {
  const register = writeLoadLogHooks(dir);
  const log = join(dir, `${name}.log`);
  await writeFile(log, '');
  const r = await new Promise<Omit<Loaded, 'urls'>>((done) => {
    execFile(
      process.execPath,
      ['--import', register, cliBin, ...args],
      {
        cwd: repoRoot,
        timeout: 120_000,
        env: { ...process.env, [LOAD_LOG_ENV]: log },
      },
      (err, stdout, stderr) => {
        const code =
          err && typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : err ? -1 : 0;
        done({ code, stdout, stderr });
      },
    );
  });
  const raw = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  const chunks = raw.some((u) => u.includes('/dist/cli/')) ? await chunkInputs() : new Map<string, string[]>();
  return { ...r, urls: raw.flatMap((u) => [u, ...(chunks.get(u) ?? [])]) };
}

function loads(l: Loaded, part: string): boolean {
  return l.urls.some((u) => u.includes(part));
}

function assertNotLoaded(l: Loaded, parts: string[], what: string): void {
  for (const p of parts)
    assert.equal(
      loads(l, p),
      false,
      `${what} loaded ${p}: ${l.urls
        .filter((u) => u.includes(p))
        .slice(0, 3)
        .join(', ')}`,
    );
}

test('the CLI runs from its bundle: chunks of dist/cli/, no module of dist/src/ loaded as a file', async () => {
  assert.ok(existsSync(join(repoRoot, 'dist/cli/main.js')), 'the build bundles the CLI (tools/bundle-cli.ts)');
  const dir = await mkdtemp(join(tmpdir(), 'runwire-lazy-'));
  const l = await runLogged(dir, 'bundle', ['--data-dir', join(dir, 'data'), 'runs', 'list']);
  assert.equal(l.code, 0, l.stderr);
  const files = (await readFile(join(dir, 'bundle.log'), 'utf8')).split('\n').filter(Boolean);
  assert.ok(
    files.some((u) => u.endsWith('/dist/cli/main.js')),
    'bin/runwire.js loads the bundle',
  );
  assert.deepEqual(
    files.filter((u) => u.includes('/dist/src/')),
    [],
    'every module of the CLI comes from a chunk',
  );
  assert.ok(loads(l, '/dist/src/cli/actions/runs.js'), 'meta.json maps the chunks to the modules in them');
});

test('--help loads the command registrations only: no SQLite, Slack SDK, ajv, yaml, ws, sandbox or engine', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'runwire-lazy-'));
  const l = await runLogged(dir, 'help', ['--help']);
  assert.equal(l.code, 0, l.stderr);
  assert.match(l.stdout, /validate/);
  assert.ok(loads(l, '/node_modules/commander/'), 'the hook saw commander load');
  assert.ok(loads(l, '/dist/src/cli/commands/run.js'), 'the hook saw the run command register');
  assertNotLoaded(l, [SQLITE, SLACK_SDK, AJV, YAML, WS, SANDBOX, ENGINE, '/dist/src/cli/actions/'], '--help');
});

test('validate loads the runbook parser and its own command only: no yaml (js-yaml reads a clean file), ajv compiler, TypeBox modules, SQLite, Slack SDK, sandbox or engine', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'runwire-lazy-'));
  const file = join(dir, 'one.yaml');
  await writeFile(
    file,
    'name: one\ntasks:\n  - id: post\n    type: slack.message\n    channel: "#ops"\n    message: hello\n',
  );
  const l = await runLogged(dir, 'validate', ['validate', file]);
  assert.equal(l.code, 0, l.stderr);
  assert.match(l.stdout, /valid runbook "one", 1 task/);
  assert.ok(loads(l, '/node_modules/js-yaml/'), 'validate reads the file with js-yaml');
  assert.ok(loads(l, '/dist/src/tasks/slack-message.js'), 'validate knows the slack.message type');
  assert.ok(loads(l, '/dist/src/cli/commands/validate.js'), 'the hook saw the validate command register');
  assert.ok(loads(l, '/dist/src/core/validators.generated.js'), 'validate uses the validators compiled at build');
  assertNotLoaded(
    l,
    [
      AJV_COMPILER,
      TYPEBOX_MODULES,
      YAML,
      JSONC,
      SQLITE,
      SLACK_SDK,
      WS,
      SANDBOX,
      ENGINE,
      '/dist/src/slack/delivery/service.js',
      '/dist/src/slack/connections/open.js',
      // Only the command called is registered.
      '/dist/src/cli/commands/run.js',
      '/dist/src/cli/commands/connection.js',
    ],
    'validate',
  );
  // What js-yaml's path does not take (here a syntax error) is read with `yaml`, loaded then.
  const bad = join(dir, 'bad.yaml');
  await writeFile(bad, 'name: bad\ntasks:\n  - id: a\n    type: [milestone\n');
  const b = await runLogged(dir, 'validate-bad', ['validate', bad]);
  assert.equal(b.code, 2, b.stderr);
  assert.match(b.stdout + b.stderr, /bad\.yaml:\d+:\d+/);
  assert.ok(loads(b, YAML), 'yaml reports the syntax error');
});

test('validate of a milestone-only runbook loads milestone and its validator only: no other type, validator, node:crypto or node:dns', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'runwire-lazy-'));
  const file = join(dir, 'forty.yaml');
  const tasks = Array.from(
    { length: 40 },
    (_, i) => `  - id: t${i}\n    type: milestone\n${i ? `    depends_on: [t${i - 1}]\n` : ''}`,
  );
  await writeFile(file, `name: forty\ntasks:\n${tasks.join('')}`);
  const l = await runLogged(dir, 'validate-milestone', ['validate', file]);
  assert.equal(l.code, 0, l.stderr);
  assert.match(l.stdout, /valid runbook "forty", 40 tasks/);
  assert.ok(loads(l, '/dist/src/tasks/milestone.js'), 'validate loads the milestone type');
  assert.ok(loads(l, typeValidator('milestone')), "validate loads milestone's compiled validator");
  assertNotLoaded(
    l,
    [
      ...OTHER_TYPES,
      typeValidator('slack.message'),
      typeValidator('http'),
      typeValidator('manual'),
      'node:crypto',
      'node:dns',
      AJV_COMPILER,
    ],
    'validate of milestones',
  );
});

test('a run without Slack tasks opens SQLite but never loads the ajv compiler, TypeBox modules, the Slack SDK, the connection store or node:crypto', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'runwire-lazy-'));
  const file = join(dir, 'one.json');
  await writeFile(file, JSON.stringify({ name: 'one', tasks: [{ id: 'a', type: 'milestone' }] }));
  const l = await runLogged(dir, 'run', ['--data-dir', join(dir, 'data'), 'run', file, '--json']);
  assert.equal(l.code, 0, l.stderr);
  assert.equal((JSON.parse(l.stdout) as { status: string }).status, 'succeeded');
  assert.ok(loads(l, SQLITE), 'the run is stored in SQLite');
  assert.ok(loads(l, '/node_modules/better-sqlite3/lib/database.js'), 'the hook sees require() inside packages');
  assertNotLoaded(
    l,
    [
      AJV_COMPILER,
      TYPEBOX_MODULES,
      SLACK_SDK,
      WS,
      SANDBOX,
      '/dist/src/slack/connections/open.js',
      // The Slack connection and pacing stores, the run board and the approval closer load for Slack runbooks only.
      '/dist/src/slack/connections/sqlite-store.js',
      '/dist/src/slack/delivery/sqlite-pacing-store.js',
      '/dist/src/slack/board/service.js',
      '/dist/src/slack/approvals/closer.js',
      ...OTHER_TYPES,
      typeValidator('slack.message'),
      // Run ids take their random bytes from the kernel (core/random-bytes.ts): node:crypto is ~3 ms.
      'node:crypto',
    ],
    'run',
  );
  assert.ok(loads(l, '/dist/src/tasks/milestone.js'), 'the run loads the milestone type');
});

test('runs list opens the store without loading the engine or the task types', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'runwire-lazy-'));
  const l = await runLogged(dir, 'list', ['--data-dir', join(dir, 'data'), 'runs', 'list']);
  assert.equal(l.code, 0, l.stderr);
  assert.match(l.stdout, /No runs yet/);
  assert.ok(loads(l, SQLITE), 'the store is SQLite');
  assertNotLoaded(l, [SLACK_SDK, AJV, YAML, ENGINE, '/dist/src/tasks/', PG], 'runs list');
});

test('--help and a SQLite run never load pg; with --database-url pg loads and SQLite does not', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'runwire-lazy-'));
  const file = join(dir, 'one.json');
  await writeFile(file, JSON.stringify({ name: 'one', tasks: [{ id: 'a', type: 'milestone' }] }));
  const help = await runLogged(dir, 'help-pg', ['--help']);
  assert.equal(help.code, 0, help.stderr);
  assertNotLoaded(help, [PG], '--help');
  const sqlite = await runLogged(dir, 'run-sqlite', ['--data-dir', join(dir, 'data'), 'run', file, '--json']);
  assert.equal(sqlite.code, 0, sqlite.stderr);
  assert.ok(loads(sqlite, SQLITE), 'without a URL the run is stored in SQLite');
  assertNotLoaded(sqlite, [PG], 'run on SQLite');
  const schema = `runwire_lazy_${Date.now().toString(36)}_${process.pid}`;
  const url = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}options=-csearch_path%3D${schema}`;
  const pg = await runLogged(dir, 'run-pg', [
    '--data-dir',
    join(dir, 'data'),
    '--database-url',
    url,
    'run',
    file,
    '--json',
  ]);
  assert.equal(pg.code, 0, pg.stderr);
  assert.equal((JSON.parse(pg.stdout) as { status: string }).status, 'succeeded');
  assert.ok(loads(pg, PG), 'with --database-url the run is stored in PostgreSQL');
  assertNotLoaded(pg, [SQLITE, SLACK_SDK, '/dist/src/slack/connections/open.js'], 'run on PostgreSQL');
});
