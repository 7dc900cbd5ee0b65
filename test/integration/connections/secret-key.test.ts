/**
 * Where the encryption key comes from, through the real CLI: the 0600 key file by default, a
 * passphrase in RUNWIRE_SECRET_KEY (scrypt with a per-data-dir salt), a raw hex key; a different key
 * is a clear error. Offline (`--no-verify`): no Slack needed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { assertNoSecretIn, CliHarness, filesUnder } from './cli-harness.js';

const token = () =>
  `xoxb-${randomBytes(5).toString('hex')}-${randomBytes(5).toString('hex')}-${randomBytes(12).toString('hex')}`;

test('passphrase key: salt file 0600, no key file, same passphrase reads, another does not', async () => {
  const pass = 'correct horse battery staple';
  const cli = new CliHarness({ RUNWIRE_SECRET_KEY: pass });
  const t = token();
  assert.equal((await cli.run(['connection', 'add', 'p', '--token', t, '--no-verify'])).code, 0);
  assert.ok(!existsSync(join(cli.dataDir, 'secret.key')), 'no key file when the env gives the key');
  assert.equal(statSync(join(cli.dataDir, 'secret-key.salt')).mode & 0o777, 0o600);
  const ok = await cli.run(['connection', 'show', 'p', '--json']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal((JSON.parse(ok.stdout) as { secrets: { botToken: string } }).secrets.botToken, `xoxb-…${t.slice(-4)}`);
  const bad = await cli.run(['connection', 'show', 'p'], { env: { RUNWIRE_SECRET_KEY: 'another long passphrase' } });
  assert.equal(bad.code, 1);
  assert.match(
    bad.stderr,
    /^error: cannot decrypt connection p: RUNWIRE_SECRET_KEY differs from the one used to store it\nfix: /,
  );
  assertNoSecretIn(
    [...filesUnder(cli.dataDir), ...cli.transcript.map((text) => ({ where: 'cli output', text }))],
    [t, pass],
  );
});

test('raw hex key; a short passphrase is refused with a fix', async () => {
  const key = randomBytes(32).toString('hex');
  const cli = new CliHarness({ RUNWIRE_SECRET_KEY: key });
  const t = token();
  assert.equal((await cli.run(['connection', 'add', 'h', '--token', t, '--no-verify'])).code, 0);
  assert.ok(!existsSync(join(cli.dataDir, 'secret-key.salt')));
  assert.equal((await cli.run(['connection', 'show', 'h'])).code, 0);
  const short = await cli.run(['connection', 'list'], { env: { RUNWIRE_SECRET_KEY: 'short' } });
  assert.equal(short.code, 1);
  assert.match(short.stderr, /RUNWIRE_SECRET_KEY is too short to be a passphrase\nfix: use 32 random bytes/);
  // Without the env the data dir's own key file is used: the stored connection does not open with it.
  const noEnv = new CliHarness();
  const moved = await noEnv.run(['--data-dir', cli.dataDir, 'connection', 'show', 'h']);
  assert.equal(moved.code, 1);
  assert.match(
    moved.stderr,
    /cannot decrypt connection h: the key file .*secret\.key differs from the one used to store it/,
  );
  assertNoSecretIn(
    [
      ...filesUnder(cli.dataDir),
      ...cli.transcript.map((text) => ({ where: 'cli output', text })),
      ...noEnv.transcript.map((text) => ({ where: 'cli output', text })),
    ],
    [t, key],
  );
});

test('bad input is a clear error, never a stack trace', async () => {
  const cli = new CliHarness();
  const cases: Array<[string[], RegExp, number]> = [
    [['connection', 'add', 'x'], /give exactly one of --token, --client-id/, 1],
    [['connection', 'add', 'x', '--token', 'abc'], /neither a bot token \(xoxb-\) nor a user token/, 1],
    [['connection', 'add', 'bad name', '--token', token(), '--no-verify'], /not a valid connection name/, 1],
    [['connection', 'add', 'x', '--client-id', '1.2'], /--client-id needs --client-secret/, 1],
    [['connection', 'add', 'x', '--token', token(), '--no-verify', '--slack-url', 'nota url'], /is not a URL/, 1],
    [
      ['connection', 'add', 'x', '--client-id', '1.2', '--client-secret', 's', '--redirect-url', 'ftp://x'],
      /not an http\(s\) URL/,
      1,
    ],
    [['connection', 'test', 'x', '--uses', 'fly'], /unknown use "fly"/, 1],
    [['connection', 'authenticate', 'x', '--timeout', 'soon'], /"soon" is not a duration/, 1],
    [['connection', 'remove', 'ghost'], /no Slack connection named "ghost"/, 1],
  ];
  for (const [args, re, code] of cases) {
    const r = await cli.run(args);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
    assert.doesNotMatch(r.stderr, /\n\s+at /, `no stack trace for ${args.join(' ')}`);
  }
  const dup = await cli.run(['connection', 'add', 'twice', '--token', token(), '--no-verify']);
  assert.equal(dup.code, 0);
  const again = await cli.run(['connection', 'add', 'twice', '--token', token(), '--no-verify']);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /a connection named "twice" already exists/);
});
