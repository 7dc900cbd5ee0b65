/**
 * `runwire triggers list|history|enable|disable` through the real CLI, on the local database and
 * against a server's API (`--server`), and the API's answers: a schedule's next 5 fire times (in its
 * zone), enabled state with who changed it, history, a clear not-found with the known triggers.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliBin } from '../../helpers/paths.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const RUNBOOK = `name: Nightly DR
vars: { release: "0" }
triggers:
  - id: nightly-dr
    type: schedule
    cron: "30 2 * * 1-5"
    timezone: Europe/London
    missed: skip
    mode: rehearsal
  - id: deploy-command
    type: slack.message
    channel: ["#deploys", "#ops"]
    match: '^deploy (?<release>\\d+)$'
    reply: true
tasks:
  - id: failover
    type: milestone
`;

function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cliBin, ...args],
      { timeout: 60_000, env: { ...process.env, NO_COLOR: '1', ...env } },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let dir: string;
let file: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'runwire-trigcli-'));
  file = join(dir, 'dr.yaml');
  writeFileSync(file, RUNBOOK);
});

test('on the local database: list with the next 5 fire times, disable, enable, history', async () => {
  const data = ['--data-dir', join(dir, 'data')];
  assert.equal((await cli([...data, 'runbooks', 'push', file])).code, 0);
  const list = await cli([...data, 'triggers', 'list', '--json']);
  assert.equal(list.code, 0, list.stderr);
  const triggers = JSON.parse(list.stdout) as Array<Record<string, any>>;
  assert.deepEqual(
    triggers.map((t) => `${t.runbook}/${t.id} ${t.type} ${t.mode} ${t.enabled}`),
    ['dr/nightly-dr schedule rehearsal true', 'dr/deploy-command slack.message live true'],
  );
  const fires = triggers[0]?.next_fires as string[];
  assert.equal(fires.length, 5);
  for (const f of fires) {
    const local = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    }).format(new Date(f));
    assert.match(local, /^(Mon|Tue|Wed|Thu|Fri) 02:30$/, `${f} is 02:30 on a weekday in London`);
    assert.ok(Date.parse(f) > Date.now());
  }
  assert.deepEqual(triggers[1]?.next_fires, []);

  const text = await cli([...data, 'triggers', 'list']);
  assert.match(
    text.stdout,
    /^dr\/nightly-dr\s+schedule\s+rehearsal\s+enabled\n {4}30 2 \* \* 1-5 Europe\/London, missed: skip\n {4}next: \S+, \S+, \S+, \S+, \S+\n/m,
  );
  assert.match(text.stdout, /#deploys, #ops via default {2}\/\^deploy/);

  const off = await cli([...data, 'triggers', 'disable', 'nightly-dr'], { USER: 'alice' });
  assert.equal(off.stdout, 'Disabled trigger dr/nightly-dr (schedule).\n');
  const after = JSON.parse((await cli([...data, 'triggers', 'list', '--json'])).stdout) as Array<Record<string, any>>;
  assert.deepEqual([after[0]?.enabled, after[0]?.updated_by], [false, 'cli:alice']);
  assert.match((await cli([...data, 'triggers', 'list'])).stdout, /disabled by cli:alice/);
  assert.equal((await cli([...data, 'triggers', 'enable', 'dr/nightly-dr'])).code, 0);

  const none = await cli([...data, 'triggers', 'history', 'dr/deploy-command']);
  assert.equal(none.stdout, 'Nothing yet: no event received, no fire.\n');
  const missing = await cli([...data, 'triggers', 'disable', 'dr/nope']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /No trigger dr\/nope in the runbook library/);
  assert.match(missing.stderr, /dr\/nightly-dr, dr\/deploy-command/);
});

let server: TestServer;
after(() => server?.close());

test('against a server: the same through the API, roles enforced, history paged', async () => {
  server = await startTestServer('sqlite', { workers: 0 });
  const admin = (await server.runtime.tokens.create('admin', 'root')).token;
  const viewer = (await server.runtime.tokens.create('viewer', 'looker')).token;
  const env = { RUNWIRE_SERVER: server.url, RUNWIRE_TOKEN: admin };
  assert.equal((await cli(['runbooks', 'push', file], env)).code, 0);
  const disabled = await cli(['triggers', 'disable', 'dr/deploy-command', '--json'], env);
  assert.equal(disabled.code, 0, disabled.stderr);
  assert.deepEqual([JSON.parse(disabled.stdout).enabled, JSON.parse(disabled.stdout).updated_by], [false, 'api:root']);
  const asViewer = await cli(['triggers', 'enable', 'dr/deploy-command'], { ...env, RUNWIRE_TOKEN: viewer });
  assert.notEqual(asViewer.code, 0);
  assert.match(asViewer.stderr, /role viewer.*needs operator/);
  const list = await server.call('/api/triggers', { token: viewer });
  assert.equal(list.status, 200);
  assert.equal(list.body.find((t: any) => t.id === 'deploy-command').enabled, false);
  for (let i = 0; i < 3; i++) {
    await server.runtime.triggers.record({
      kind: 'slack.message',
      runbookId: 'dr',
      triggerId: 'deploy-command',
      outcome: 'no_match',
      detail: `#${i}`,
    });
  }
  const page = await server.call('/api/triggers/dr/deploy-command/history?limit=2', { token: viewer });
  assert.deepEqual(
    page.body.map((e: any) => e.detail),
    ['#2', '#1'],
  );
  const next = await server.call(`/api/triggers/dr/deploy-command/history?limit=2&before=${page.body[1].id}`, {
    token: viewer,
  });
  assert.deepEqual(
    next.body.map((e: any) => e.detail),
    ['#0'],
  );
  const hist = await cli(['triggers', 'history', 'deploy-command'], env);
  assert.match(hist.stdout, /no_match\s+dr\/deploy-command {2}#2\n.*#1\n.*#0\n$/);
  const missing = await server.call('/api/triggers/dr/nope/history', { token: viewer });
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'runwire.trigger.not_found');
});
