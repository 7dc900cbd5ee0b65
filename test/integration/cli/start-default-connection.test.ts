/**
 * Issue 8 item 15: `runwire start` replaces only the `default` connection it made itself. A
 * `default` someone pointed at a loopback URL by hand (a local proxy; here a sandbox the test runs)
 * is used as is; start's own is replaced on the next start; and a connection made by a start from
 * before the mark existed (schema at migration 100) is recognised by the migration.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { migrateSqlite } from '../../../src/store/sqlite/migrate.js';
import { migrations } from '../../../src/store/migrations/index.js';
import { CliHarness } from '../connections/cli-harness.js';

let proxy: Sandbox;

before(async () => {
  proxy = await startSandbox({ rateLimits: false, extensions: [] });
});
after(async () => {
  await proxy?.close();
});

function runbook(dir: string): string {
  const file = join(dir, 'hello.yaml');
  writeFileSync(
    file,
    'name: hello\ntasks:\n  - id: hi\n    type: slack.message\n    channel: "#general"\n    message: hello\n    rehearsal: send\n',
  );
  return file;
}

async function slackUrlOf(cli: CliHarness): Promise<string> {
  const show = await cli.run(['connection', 'show', 'default', '--json']);
  assert.equal(show.code, 0, show.stderr);
  return (JSON.parse(show.stdout) as { slackUrl: string }).slackUrl;
}

test('a default connection set up by hand on loopback is used, not replaced', { timeout: 120_000 }, async () => {
  const cli = new CliHarness();
  const mine = proxy.url.replace(/\/$/, '');
  const add = await cli.run([
    'connection',
    'add',
    'default',
    '--token',
    proxy.credentials.bot_token,
    '--slack-url',
    mine,
  ]);
  assert.equal(add.code, 0, add.stderr);
  const start = await cli.run(['start', '--exit', '--port', '0', '--runbook', runbook(cli.dataDir)]);
  assert.equal(start.code, 0, start.stdout + start.stderr);
  assert.match(start.stdout, new RegExp(`Using your Slack connection "default" at ${mine.replace(/\./g, '\\.')}`));
  assert.doesNotMatch(start.stdout, /Slack sandbox: http/);
  assert.equal(await slackUrlOf(cli), mine, 'the hand-made connection is still there');
  // It posted through that connection (rehearsal: send opts in).
  const general = [...proxy.workspace.channels.values()].find((c) => c.name === 'general');
  assert.ok(general);
  const res = await fetch(`${proxy.url}sandbox/channels/${general.id}/messages`);
  const msgs = (await res.json()) as { messages: Array<{ text: string }> };
  assert.ok(
    msgs.messages.some((m) => m.text === '[REHEARSAL] hello'),
    JSON.stringify(msgs),
  );
});

test('start replaces the default connection it made itself', { timeout: 120_000 }, async () => {
  const cli = new CliHarness();
  const file = runbook(cli.dataDir);
  const first = await cli.run(['start', '--exit', '--port', '0', '--runbook', file]);
  assert.equal(first.code, 0, first.stdout + first.stderr);
  const url1 = await slackUrlOf(cli);
  const second = await cli.run(['start', '--exit', '--port', '0', '--runbook', file]);
  assert.equal(second.code, 0, second.stdout + second.stderr);
  assert.match(second.stdout, /Slack sandbox: http:\/\/127\.0\.0\.1:\d+\//);
  const url2 = await slackUrlOf(cli);
  assert.notEqual(url2, url1, 'the second start pointed default at its own sandbox');
});

test('a default made by an older start (before migration 101) is still replaced', { timeout: 120_000 }, async () => {
  const cli = new CliHarness();
  // The schema as it was (migrations up to 100), with the row an older start wrote.
  const db = new Database(join(cli.dataDir, 'runwire.db'));
  migrateSqlite(
    db,
    migrations.filter((m) => m.id <= 100),
  );
  const row = (name: string, team: string) =>
    db
      .prepare(
        `INSERT INTO slack_connections (name, kind, slack_url, redirect_url, team_name, created_at, updated_at)
         VALUES (?, 'bot_token', 'http://127.0.0.1:3100', 'http://localhost:9999', ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
      )
      .run(name, team);
  row('default', 'Runwire Sandbox');
  row('proxy', 'Acme Ops');
  db.close();
  const start = await cli.run(['start', '--exit', '--port', '0', '--runbook', runbook(cli.dataDir)]);
  assert.equal(start.code, 0, start.stdout + start.stderr);
  assert.match(start.stdout, /Slack sandbox: http:\/\/127\.0\.0\.1:\d+\//);
  assert.notEqual(await slackUrlOf(cli), 'http://127.0.0.1:3100');
});
