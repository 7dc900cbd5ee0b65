/**
 * Issue 8 item 14: after the sandbox stops (`npm start` ended), the `default` connection still
 * points at its loopback URL. A run says that the sandbox there is not running and how to start it,
 * at once — in the pre-flight (printed once for all tasks) and in the tasks themselves (a channel
 * name, which needs a look-up, and a channel id, which goes straight to chat.postMessage) — instead
 * of ~28 s of retries that blame Slack or the network. Through the real CLI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox } from '../../../src/sandbox/server.js';
import { CliHarness } from '../connections/cli-harness.js';

test('a stopped sandbox: run, check and connection test fail fast naming it, with the fix', {
  timeout: 60_000,
}, async () => {
  const sb = await startSandbox({ rateLimits: false, extensions: [] });
  const cli = new CliHarness();
  const add = await cli.run([
    'connection',
    'add',
    'default',
    '--token',
    sb.credentials.bot_token,
    '--slack-url',
    sb.url,
  ]);
  assert.equal(add.code, 0, add.stderr);
  const general = [...sb.workspace.channels.values()].find((c) => c.name === 'general')!.id;
  const port = new URL(sb.url).port;
  await sb.close();

  const file = join(cli.dataDir, 'two.yaml');
  writeFileSync(
    file,
    [
      'name: two',
      'tasks:',
      '  - { id: by-name, type: slack.message, channel: "#general", message: one }',
      `  - { id: by-id, type: slack.message, channel: "${general}", message: two }`,
      '',
    ].join('\n'),
  );
  const t0 = Date.now();
  const run = await cli.run(['run', file]);
  const ms = Date.now() - t0;
  assert.equal(run.code, 1, run.stdout + run.stderr);
  const out = run.stdout + run.stderr;
  const notRunning = new RegExp(
    `Nothing is listening at http://127\\.0\\.0\\.1:${port} \\(connection refused\\): the Slack sandbox that connection "default" points at is not running`,
  );
  // The pre-flight warning once, naming both tasks.
  const warnings = run.stderr.split('\n').filter((l) => l.startsWith('warning:'));
  assert.equal(warnings.length, 1, run.stderr);
  assert.match(warnings[0]!, /^warning: by-name, by-id: /);
  assert.match(warnings[0]!, notRunning);
  // Both tasks failed with it (not "Slack could not be reached"), with how to start the sandbox.
  assert.match(out, /failed: by-name: Nothing is listening/);
  assert.match(out, /failed: by-id: Nothing is listening/);
  assert.match(out, /fix: Start it: npm start \(or runwire start\)/);
  assert.doesNotMatch(out, /Slack could not be reached|slack-status\.com/);
  assert.ok(ms < 15_000, `the run took ${ms} ms; a refused loopback connection needs no retries`);

  const check = await cli.run(['check', file]);
  assert.equal(check.code, 2);
  assert.equal(check.stdout.split('\n').filter((l) => l.startsWith('error:')).length, 1, check.stdout);
  assert.match(check.stdout, notRunning);

  const doctor = await cli.run(['connection', 'test', 'default']);
  assert.equal(doctor.code, 1);
  assert.match(doctor.stderr, notRunning);
  assert.match(doctor.stderr, /fix: Start it: npm start/);
});
