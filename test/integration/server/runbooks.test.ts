/**
 * The runbook library over real HTTP: versioned pushes (YAML and JSON), every invalid fixture refused
 * with the positioned issue `runwire validate` gives, `--runbooks DIR` loading and reloading (an
 * invalid edit keeps the last good version), and `runwire runbooks` against a server and locally.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseRunbook } from '../../../src/core/parse-runbook.js';
import { cliTaskTypes } from '../../../src/cli/process-types.js';
import { cliBin, fixturesDir } from '../../helpers/paths.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const exec = promisify(execFile);

const V1 = 'name: Deploy\ndescription: ship it\nvars:\n  release: "1"\ntasks:\n  - id: go\n    type: milestone\n';
const V2 = `${V1}  - id: check\n    type: manual\n    instructions: look\n    depends_on: [go]\n`;

async function admin(s: TestServer): Promise<string> {
  return (await s.runtime.tokens.create('admin', 'root')).token;
}

function put(s: TestServer, token: string, id: string, text: string, type = 'application/yaml') {
  return s.call(`/api/runbooks/${id}`, { method: 'PUT', token, headers: { 'content-type': type }, body: text });
}

for (const backend of ['sqlite', 'postgres'] as const) {
  test(`library on ${backend}: push, versions, unchanged push, JSON, show, delete`, async (t) => {
    const s = await startTestServer(backend);
    t.after(() => s.close());
    const token = await admin(s);

    const first = await put(s, token, 'deploy', V1);
    assert.equal(first.status, 201, first.text);
    assert.equal(first.body.version, 1);
    assert.equal(first.body.name, 'Deploy');
    assert.equal(first.body.description, 'ship it');
    assert.deepEqual(
      first.body.tasks.map((x: { id: string }) => x.id),
      ['go'],
    );
    assert.deepEqual(first.body.triggers, []);
    assert.equal(typeof first.body.created_at, 'string');

    const same = await put(s, token, 'deploy', V1);
    assert.equal(same.status, 200);
    assert.equal(same.body.version, 1, 'an unchanged push adds no version');
    const second = await put(s, token, 'deploy', V2);
    assert.equal(second.status, 200);
    assert.equal(second.body.version, 2);

    const json = await put(
      s,
      token,
      'minimal',
      readFileSync(join(fixturesDir, 'valid/minimal.json'), 'utf8'),
      'application/json',
    );
    assert.equal(json.status, 201, json.text);

    const list = await s.call('/api/runbooks', { token });
    assert.deepEqual(
      list.body.map((r: { id: string; version: number }) => [r.id, r.version]),
      [
        ['deploy', 2],
        ['minimal', 1],
      ],
    );
    const shown = await s.call('/api/runbooks/deploy', { token });
    assert.equal(shown.body.version, 2);
    assert.equal(shown.body.source, V2);
    assert.equal(shown.body.runbook.tasks.length, 2);
    assert.equal(shown.body.issues, null);
    const versions = await s.call('/api/runbooks/deploy/versions', { token });
    assert.deepEqual(
      versions.body.map((v: { version: number }) => v.version),
      [2, 1],
    );
    const v1 = await s.call('/api/runbooks/deploy/versions/1', { token });
    assert.equal(v1.body.source, V1);

    assert.equal((await s.call('/api/runbooks/deploy', { method: 'DELETE', token })).status, 204);
    const gone = await s.call('/api/runbooks/deploy', { token });
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error.code, 'runwire.runbook.not_found');
    assert.equal((await s.call('/api/runbooks/deploy', { method: 'DELETE', token })).status, 404);
    const again = await put(s, token, 'deploy', V1);
    assert.equal(again.status, 201);
    assert.equal(again.body.version, 3, 'numbering continues after a delete');
  });
}

test('every invalid fixture is refused with 422 and exactly the issues runwire validate gives, positioned', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const token = await admin(s);
  const files = readdirSync(join(fixturesDir, 'invalid')).filter((f) => f !== '_expect.json');
  assert.ok(files.length > 30);
  for (const f of files) {
    const text = readFileSync(join(fixturesDir, 'invalid', f), 'utf8');
    const res = await put(s, token, 'broken', text, f.endsWith('.json') ? 'application/json' : 'application/yaml');
    assert.equal(res.status, 422, `${f}: ${res.text}`);
    assert.equal(res.body.error.code, 'runwire.runbook.invalid');
    // What `runwire validate` finds in the same text (the same parser and task types).
    const expected = parseRunbook(text, `broken.${f.endsWith('.json') ? 'json' : 'yaml'}`, cliTaskTypes()).issues.map(
      (i) => ({ line: i.line, column: i.column, field: i.field, message: i.message }),
    );
    assert.ok(expected.length > 0, f);
    assert.deepEqual(res.body.error.issues, expected, f);
    for (const i of res.body.error.issues) assert.ok(i.line >= 1 && i.column >= 1, `${f}: positioned`);
  }
  assert.equal((await s.call('/api/runbooks/broken', { token })).status, 404, 'nothing was stored');
});

test('--runbooks DIR: loads at start, reloads on change, an invalid edit keeps the last good version', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runwire-runbooks-'));
  writeFileSync(join(dir, 'deploy.yaml'), V1);
  writeFileSync(join(dir, 'broken.yaml'), 'name: Broken\ntasks:\n  - id: a\n    type: nope\n');
  writeFileSync(join(dir, 'notes.txt'), 'not a runbook');
  const s = await startTestServer('sqlite', { runbooksDir: dir });
  t.after(() => s.close());
  const token = await admin(s);

  const list = await s.call('/api/runbooks', { token });
  assert.deepEqual(
    list.body.map((r: { id: string }) => r.id),
    ['broken', 'deploy'],
  );
  const broken = await s.call('/api/runbooks/broken', { token });
  assert.equal(broken.status, 422);
  assert.equal(broken.body.error.issues[0].line, 4);
  assert.equal(broken.body.error.current_source, 'name: Broken\ntasks:\n  - id: a\n    type: nope\n');
  assert.ok(s.logLines.some((l) => l.includes('runbook file is invalid') && l.includes('broken.yaml:4:')));

  let loaded = s.runbooks!.loaded('deploy');
  writeFileSync(
    join(dir, 'deploy.yaml'),
    'name: Deploy\ntasks:\n  - id: go\n    type: milestone\n    depends_on: [nope]\n',
  );
  await loaded;
  const kept = await s.call('/api/runbooks/deploy', { token });
  assert.equal(kept.status, 200);
  assert.equal(kept.body.version, 1, 'the last good version stays');
  assert.equal(kept.body.issues[0].field, 'tasks[0].depends_on');
  // The issues point into the file as it is now, which the API gives beside the version in use.
  assert.match(kept.body.current_source, /depends_on: \[nope\]/);
  assert.equal(kept.body.current_source.split('\n')[kept.body.issues[0].line - 1].trim(), 'depends_on: [nope]');
  assert.doesNotMatch(kept.body.source, /nope/);

  loaded = s.runbooks!.loaded('deploy');
  writeFileSync(join(dir, 'deploy.yaml'), V2);
  await loaded;
  const fixed = await s.call('/api/runbooks/deploy', { token });
  assert.equal(fixed.body.version, 2);
  assert.equal(fixed.body.issues, null);
  assert.equal(fixed.body.current_source, null);
});

test('runwire runbooks push|list|show against a server (RUNWIRE_SERVER, RUNWIRE_TOKEN) and locally', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const token = await admin(s);
  const dir = mkdtempSync(join(tmpdir(), 'runwire-push-'));
  writeFileSync(join(dir, 'deploy.yaml'), V1);
  writeFileSync(join(dir, 'bad.yaml'), 'name: Bad\ntasks:\n  - id: a\n    type: milestone\n    depends_on: [zz]\n');
  const env = { ...process.env, RUNWIRE_SERVER: s.url, RUNWIRE_TOKEN: token };
  const cli = (args: string[], e: NodeJS.ProcessEnv = env) =>
    exec(process.execPath, [cliBin, '--data-dir', s.dataDir, ...args], { env: e });

  const pushed = await cli(['runbooks', 'push', join(dir, 'deploy.yaml')]);
  assert.match(pushed.stdout, /Added runbook deploy version 1/);
  const bad = await cli(['runbooks', 'push', join(dir, 'bad.yaml')]).catch((e) => e);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /bad\.yaml:5:\d+ tasks\[0\]\.depends_on: unknown task "zz"/);
  const list = await cli(['runbooks', 'list', '--json']);
  assert.deepEqual(
    JSON.parse(list.stdout).map((r: { id: string }) => r.id),
    ['deploy'],
  );
  const show = await cli(['runbooks', 'show', 'deploy']);
  assert.match(show.stdout, /deploy version 1: Deploy/);
  const noToken = await cli(['runbooks', 'list'], { ...process.env, RUNWIRE_SERVER: s.url }).catch((e) => e);
  assert.equal(noToken.code, 1);
  assert.match(noToken.stderr, /needs an API token/);

  // Locally (no server): the same library in the data dir.
  const localEnv = { ...process.env, RUNWIRE_SERVER: '' };
  writeFileSync(join(dir, 'other.yaml'), V2);
  const localPush = await cli(['runbooks', 'push', join(dir, 'other.yaml')], localEnv);
  assert.match(localPush.stdout, /Added runbook other version 1/);
  const viaServer = await s.call('/api/runbooks/other', { token });
  assert.equal(viaServer.body.version, 1);
});
