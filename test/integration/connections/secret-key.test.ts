/**
 * Where the encryption key comes from, through the real CLI: the 0600 key file by default, a
 * passphrase in RUNWIRE_SECRET_KEY (scrypt with a per-data-dir salt), a raw hex key; a different key
 * is a clear error. Offline (`--no-verify`): no Slack needed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
  const short = await cli.run(['connection', 'show', 'h'], { env: { RUNWIRE_SECRET_KEY: 'short' } });
  assert.equal(short.code, 1);
  assert.match(short.stderr, /RUNWIRE_SECRET_KEY is too short to be a passphrase\nfix: use 32 random bytes/);
  // Without the env the data dir's own key file is looked for: there is none, and none is made.
  const noEnv = new CliHarness();
  const moved = await noEnv.run(['--data-dir', cli.dataDir, 'connection', 'show', 'h']);
  assert.equal(moved.code, 1);
  assert.match(moved.stderr, /cannot decrypt connection h: the key file .*secret\.key is missing/);
  assert.ok(!existsSync(join(cli.dataDir, 'secret.key')));
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
    [['connection', 'authenticate', 'x', '--timeout', 'soon'], /invalid duration "soon"/, 1],
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

test('a lost key file is never replaced: reads do not create one, sealing refuses, restoring the file works (item 5)', async () => {
  const cli = new CliHarness();
  const keyPath = join(cli.dataDir, 'secret.key');
  assert.equal((await cli.run(['connection', 'list'])).code, 0);
  assert.ok(!existsSync(keyPath), 'a read-only command on an empty data dir makes no key');
  const t = token();
  assert.equal((await cli.run(['connection', 'add', 'k', '--token', t, '--no-verify'])).code, 0);
  assert.equal(statSync(keyPath).mode & 0o777, 0o600, 'the first sealed secret creates the key, 0600');
  const saved = readFileSync(keyPath);
  rmSync(keyPath);

  const list = await cli.run(['connection', 'list']);
  assert.equal(list.code, 0, 'list needs no key');
  const show = await cli.run(['connection', 'show', 'k']);
  assert.equal(show.code, 1);
  assert.match(
    show.stderr,
    /^error: cannot decrypt connection k: the key file .*secret\.key is missing \(key id [0-9a-f]{8}\)\n/,
  );
  assert.match(show.stderr, /fix: restore .*secret\.key from a backup .*or set RUNWIRE_SECRET_KEY/);
  const test_ = await cli.run(['connection', 'test', 'k']);
  assert.equal(test_.code, 1);
  assert.match(test_.stderr, /secret\.key is missing/);
  const add = await cli.run(['connection', 'add', 'k2', '--token', token(), '--no-verify']);
  assert.equal(add.code, 1, 'no new key while connection k holds secrets sealed with the old one');
  assert.match(add.stderr, /the key file .*secret\.key is missing and connection\(s\) k hold secrets sealed with it/);
  assert.ok(!existsSync(keyPath), 'no command created a second key');

  writeFileSync(keyPath, saved, { mode: 0o600 });
  const back = await cli.run(['connection', 'show', 'k', '--json']);
  assert.equal(back.code, 0, back.stderr);
  assert.equal((JSON.parse(back.stdout) as { secrets: { botToken: string } }).secrets.botToken, `xoxb-…${t.slice(-4)}`);
  assert.equal((await cli.run(['connection', 'add', 'k2', '--token', token(), '--no-verify'])).code, 0);
});

test('a run and check with a lost key say so and create nothing (item 5)', async () => {
  const cli = new CliHarness();
  assert.equal((await cli.run(['connection', 'add', 'default', '--token', token(), '--no-verify'])).code, 0);
  rmSync(join(cli.dataDir, 'secret.key'));
  const file = join(cli.dataDir, 'one.yaml');
  writeFileSync(
    file,
    'name: one\ntasks:\n  - id: say\n    type: slack.message\n    channel: "#ops"\n    message: hi\n',
  );
  const check = await cli.run(['check', file]);
  assert.equal(check.code, 2);
  assert.match(check.stderr + check.stdout, /cannot decrypt connection default: the key file .*secret\.key is missing/);
  assert.ok(!existsSync(join(cli.dataDir, 'secret.key')));
});

test('a passphrase whose salt file was lost is refused, not re-salted; another key cannot seal next to the first (item 5)', async () => {
  const pass = 'correct horse battery staple';
  const cli = new CliHarness({ RUNWIRE_SECRET_KEY: pass });
  assert.equal((await cli.run(['connection', 'add', 'p', '--token', token(), '--no-verify'])).code, 0);
  const saltPath = join(cli.dataDir, 'secret-key.salt');
  rmSync(saltPath);
  const show = await cli.run(['connection', 'show', 'p']);
  assert.equal(show.code, 1);
  assert.match(show.stderr, /RUNWIRE_SECRET_KEY differs .*the salt file .*secret-key\.salt, which is missing/);
  const add = await cli.run(['connection', 'add', 'q', '--token', token(), '--no-verify']);
  assert.equal(add.code, 1);
  assert.ok(!existsSync(saltPath), 'no new salt while secrets sealed with the old one exist');

  const other = new CliHarness();
  assert.equal((await other.run(['connection', 'add', 'a', '--token', token(), '--no-verify'])).code, 0);
  const mixed = await other.run(['connection', 'add', 'b', '--token', token(), '--no-verify'], {
    env: { RUNWIRE_SECRET_KEY: randomBytes(32).toString('hex') },
  });
  assert.equal(mixed.code, 1);
  assert.match(
    mixed.stderr,
    /connection\(s\) a hold secrets sealed with another key .*one database must not need two keys/,
  );
});

test('a key file readable by others: commands that decrypt refuse it, others warn (item 5)', async () => {
  const cli = new CliHarness();
  assert.equal((await cli.run(['connection', 'add', 'w', '--token', token(), '--no-verify'])).code, 0);
  const keyPath = join(cli.dataDir, 'secret.key');
  chmodSync(keyPath, 0o644);
  const list = await cli.run(['connection', 'list']);
  assert.equal(list.code, 0);
  assert.match(
    list.stderr,
    /warning: the key file .*secret\.key is readable by other users \(mode 644, wider than 600\)/,
  );
  assert.match(list.stderr, /fix: chmod 600 /);
  const show = await cli.run(['connection', 'show', 'w']);
  assert.equal(show.code, 1);
  assert.match(
    show.stderr,
    /readable by other users \(mode 644, wider than 600\): refusing to use it\nfix: chmod 600 /,
  );
  chmodSync(keyPath, 0o600);
  const ok = await cli.run(['connection', 'list']);
  assert.equal(ok.stderr, '');
});
