/**
 * Issue 8 item 6: every secret option reads `-` from stdin, so no secret has to be in argv — the
 * real CLI against the sandbox. Before the fix `--signing-secret -` stored a literal "-" and
 * `--app-token -` was refused.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { openConnections } from '../../../src/slack/connections/open.js';
import { assertNoSecretIn, CliHarness, filesUnder } from './cli-harness.js';

let sb: Sandbox;

before(async () => {
  sb = await startSandbox({ rateLimits: false, extensions: [] });
});
after(async () => {
  await sb?.close();
});

/** The decrypted secrets of one connection, read in this process. */
async function secretsOf(cli: CliHarness, name: string): Promise<Record<string, string | undefined>> {
  const c = openConnections(cli.dataDir, {});
  try {
    return c.service.openSecrets(await c.service.get(name));
  } finally {
    await c.close();
  }
}

test('--signing-secret - and --app-token - read stdin and store the real value', async () => {
  const cli = new CliHarness({ RUNWIRE_SLACK_URL: sb.url });
  const { bot_token, signing_secret, app_token } = sb.credentials;
  const a = await cli.run(['connection', 'add', 'sig', '--token', bot_token, '--signing-secret', '-'], {
    stdin: `${signing_secret}\n`,
  });
  assert.equal(a.code, 0, a.stderr);
  assert.equal((await secretsOf(cli, 'sig')).signingSecret, signing_secret);

  const b = await cli.run(['connection', 'add', 'app', '--token', bot_token, '--app-token', '-'], { stdin: app_token });
  assert.equal(b.code, 0, b.stderr);
  assert.equal((await secretsOf(cli, 'app')).appToken, app_token);

  // The token itself from stdin, the app token on argv: each secret option works alone.
  const c = await cli.run(['connection', 'add', 'tok', '--token', '-', '--app-token', app_token], { stdin: bot_token });
  assert.equal(c.code, 0, c.stderr);
  assert.equal((await secretsOf(cli, 'tok')).botToken, bot_token);

  const d = await cli.run(
    [
      'connection',
      'add',
      'oa',
      '--client-id',
      sb.credentials.client_id,
      '--client-secret',
      sb.credentials.client_secret,
    ],
    {},
  );
  assert.equal(d.code, 0, d.stderr);
  assertNoSecretIn(
    [...filesUnder(cli.dataDir), ...cli.transcript.map((text) => ({ where: 'cli output', text }))],
    [signing_secret, app_token, bot_token],
  );
});

test('two secret options given as - are refused, with how to give the second; empty stdin is an error', async () => {
  const cli = new CliHarness({ RUNWIRE_SLACK_URL: sb.url });
  const two = await cli.run(['connection', 'add', 'x', '--token', '-', '--signing-secret', '-'], {
    stdin: sb.credentials.bot_token,
  });
  assert.equal(two.code, 1);
  assert.match(two.stderr, /only one secret option can read stdin \("-"\), not --token and --signing-secret/);
  assert.match(two.stderr, /fix: .*runwire connection update NAME --signing-secret -/);
  assert.doesNotMatch(two.stderr, /\n\s+at /);
  const empty = await cli.run(['connection', 'add', 'y', '--token', sb.credentials.bot_token, '--app-token', '-']);
  assert.equal(empty.code, 1);
  assert.match(empty.stderr, /nothing was read from stdin for --app-token -/);
  const list = await cli.run(['connection', 'list', '--json']);
  assert.deepEqual(JSON.parse(list.stdout), [], 'nothing was stored');
});

test('connection update reads a secret from stdin too, and a new token is checked before it replaces the old one', async () => {
  const cli = new CliHarness({ RUNWIRE_SLACK_URL: sb.url });
  const { bot_token, signing_secret, app_token } = sb.credentials;
  assert.equal((await cli.run(['connection', 'add', 'u', '--token', '-'], { stdin: bot_token })).code, 0);
  const sig = await cli.run(['connection', 'update', 'u', '--signing-secret', '-'], { stdin: signing_secret });
  assert.equal(sig.code, 0, sig.stderr);
  assert.match(sig.stdout, /Updated connection u \(bot_token\): signing secret/);
  const app = await cli.run(['connection', 'update', 'u', '--app-token', '-'], { stdin: app_token });
  assert.equal(app.code, 0, app.stderr);
  let s = await secretsOf(cli, 'u');
  assert.equal(s.signingSecret, signing_secret);
  assert.equal(s.appToken, app_token);
  assert.equal(s.botToken, bot_token);

  const dead = await cli.run(['connection', 'update', 'u', '--token', '-'], {
    stdin: 'xoxb-0-0-notissuedbythesandbox',
  });
  assert.equal(dead.code, 1);
  assert.match(dead.stderr, /token/);
  const user = await cli.run(['connection', 'update', 'u', '--token', '-'], { stdin: sb.credentials.user_token ?? '' });
  assert.equal(user.code, 1);
  assert.match(user.stderr, /holds a bot token \(xoxb-\); the new token is a user token \(xoxp-\)/);
  const scopes = await cli.run(['connection', 'update', 'u', '--scopes', 'chat:write']);
  assert.equal(scopes.code, 1);
  assert.match(scopes.stderr, /connection u is a bot_token connection: it has no --scopes/);
  s = await secretsOf(cli, 'u');
  assert.equal(s.botToken, bot_token, 'the refused tokens did not replace the working one');
  assertNoSecretIn(
    [...filesUnder(cli.dataDir), ...cli.transcript.map((text) => ({ where: 'cli output', text }))],
    [signing_secret, app_token, bot_token, sb.credentials.user_token ?? bot_token],
  );
});
