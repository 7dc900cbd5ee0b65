/**
 * Token and webhook connections through the real CLI against the Slack sandbox: add → list → show
 * (masked) → test; a missing scope named with its fix; a revoked token; secrets never in plain text
 * in the data dir (DB, WAL, key file) nor in any CLI output.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { WebClient } from '@slack/web-api';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { openSqlite } from '../../../src/store/sqlite/open.js';
import { maskSecret } from '../../../src/slack/secret-box.js';
import { assertNoSecretIn, CliHarness, filesUnder, sandboxSecrets } from './cli-harness.js';

let sb: Sandbox;
let cli: CliHarness;
/** Held open so SQLite keeps its WAL file on disk for the plain-text scan. */
let db: Database.Database;

async function admin(path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${sb.url}sandbox/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  assert.equal(json.ok, true, `admin ${path}: ${JSON.stringify(json)}`);
  return json;
}

before(async () => {
  sb = await startSandbox({ rateLimits: false, extensions: [] });
  cli = new CliHarness({ RUNWIRE_SLACK_URL: sb.url });
  db = openSqlite(cli.dataDir);
});

after(async () => {
  db?.close();
  await sb?.close();
});

test('bot token: add verifies with auth.test, list, show masked, test OK', async () => {
  const token = sb.credentials.bot_token;
  const add = await cli.run([
    'connection',
    'add',
    'ops',
    '--token',
    token,
    '--signing-secret',
    sb.credentials.signing_secret,
  ]);
  assert.equal(add.code, 0, add.stderr);
  assert.match(add.stdout, new RegExp(`Added connection ops \\(bot_token, ${maskSecret(token).replace('…', '.')}\\)`));
  assert.match(add.stdout, new RegExp(`team: ${sb.workspace.team.name} \\(${sb.workspace.team.id}\\)`));
  assert.match(add.stdout, /chat:write\.public/);

  const list = await cli.run(['connection', 'list', '--json']);
  assert.equal(list.code, 0, list.stderr);
  const rows = JSON.parse(list.stdout) as Array<Record<string, unknown>>;
  assert.deepEqual(
    rows.map((r) => [r.name, r.kind]),
    [['ops', 'bot_token']],
  );
  assert.equal((rows[0]!.team as { id: string }).id, sb.workspace.team.id);
  assert.equal(rows[0]!.botUserId, sb.workspace.app.bot_user_id);

  const show = await cli.run(['connection', 'show', 'ops', '--json']);
  assert.equal(show.code, 0, show.stderr);
  const v = JSON.parse(show.stdout) as { secrets: Record<string, string>; grantedBotScopes: string[]; apiUrl: string };
  assert.equal(v.secrets.botToken, maskSecret(token));
  assert.equal(v.secrets.signingSecret, maskSecret(sb.credentials.signing_secret));
  assert.equal(v.apiUrl, sb.apiUrl);
  assert.deepEqual(new Set(v.grantedBotScopes), new Set(sb.workspace.tokens.get(token)!.scopes));

  const human = await cli.run(['connection', 'show', 'ops']);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, new RegExp(`^bot token: +xoxb-…${token.slice(-4)}$`, 'm'));
  assert.match(human.stdout, new RegExp(`^team: +${sb.workspace.team.name} \\(${sb.workspace.team.id}\\)$`, 'm'));
  const table = await cli.run(['connection', 'list']);
  assert.match(
    table.stdout,
    /^NAME +KIND +TEAM +SLACK URL +VERIFIED\nops +bot_token +Runwire Sandbox +http:\/\/127\.0\.0\.1:\d+ +20\d\d-/,
  );

  const t = await cli.run(['connection', 'test', 'ops']);
  assert.equal(t.code, 0, t.stdout + t.stderr);
  assert.match(t.stdout, /^OK: connection ops \(bot_token\)/);
  assert.match(t.stdout, /every checked use has the scopes it needs/);
});

test('user token: kind inferred from xoxp-, scopes learned', async () => {
  const r = await cli.run(['connection', 'add', 'me', '--token', sb.credentials.user_token!, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { kind: string; scopes: string[]; token: string };
  assert.equal(j.kind, 'user_token');
  assert.ok(j.scopes.includes('chat:write'));
  assert.equal(j.token, maskSecret(sb.credentials.user_token!));
});

test('a token Slack refuses is not added; --no-verify skips the check', async () => {
  const bogus = 'xoxb-000000000-111111111-notarealtokenatall';
  const r = await cli.run(['connection', 'add', 'bogus', '--token', bogus]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /the token of connection bogus is not accepted \(invalid_auth\)/);
  const list = JSON.parse((await cli.run(['connection', 'list', '--json'])).stdout) as Array<{ name: string }>;
  assert.ok(!list.some((c) => c.name === 'bogus'));
  const offline = await cli.run(['connection', 'add', 'offline', '--token', bogus, '--no-verify']);
  assert.equal(offline.code, 0, offline.stderr);
  assert.equal((await cli.run(['connection', 'remove', 'offline'])).code, 0);
});

test('missing scope: named with its exact fix, non-zero exit', async () => {
  const { token } = (await admin('tokens', { kind: 'bot', scopes: ['chat:write', 'chat:write.public'] })) as {
    token: string;
  };
  const add = await cli.run(['connection', 'add', 'narrow', '--token', token]);
  assert.equal(add.code, 0, add.stderr);
  await admin('tokens/scopes', { token, scopes: ['chat:write'] });

  const t = await cli.run(['connection', 'test', 'narrow']);
  assert.equal(t.code, 1, t.stdout + t.stderr);
  assert.match(t.stdout, /PROBLEMS: connection narrow/);
  assert.match(t.stdout, /error {3}post_public: missing chat:write\.public/);
  assert.match(
    t.stdout,
    /fix: add chat:write\.public to Bot Token Scopes \(OAuth & Permissions\), reinstall the app, and add its Bot User OAuth Token \(xoxb-…\) again: runwire connection update narrow --token -/,
  );
  assert.match(
    t.stdout,
    /warning exactly_once: missing channels:history, groups:history, im:history, mpim:history: delivery is at-least-once/,
  );

  const j = await cli.run(['connection', 'test', 'narrow', '--json', '--uses', 'post,channel_names']);
  assert.equal(j.code, 1);
  const report = JSON.parse(j.stdout) as {
    ok: boolean;
    grantedBotScopes: string[];
    findings: Array<{ use: string; missing: string[]; fix: string }>;
  };
  assert.equal(report.ok, false);
  assert.deepEqual(report.grantedBotScopes, ['chat:write']);
  assert.deepEqual(
    report.findings.map((f) => [f.use, f.missing]),
    [['channel_names', ['channels:read', 'groups:read']]],
  );
});

test('optional scopes: the connection lookup (users:read, …) is named with what it enables, and the test still passes', async () => {
  const plain = ['chat:write', 'chat:write.public', 'channels:read', 'groups:read'];
  const history = ['channels:history', 'groups:history', 'im:history', 'mpim:history'];
  const { token } = (await admin('tokens', { kind: 'bot', scopes: [...plain, ...history] })) as { token: string };
  assert.equal((await cli.run(['connection', 'add', 'nolookup', '--token', token])).code, 0);
  const t = await cli.run(['connection', 'test', 'nolookup']);
  assert.equal(t.code, 0, t.stdout + t.stderr);
  assert.match(t.stdout, /^OK: connection nolookup/);
  assert.match(
    t.stdout,
    /optional mention_names: missing users:read: optional: the connection lookup \(GET \/api\/connections\/\{name\}\/lookup: users\.info, conversations\.info\) cannot name users and channels/,
  );
  assert.match(t.stdout, /fix: add users:read to Bot Token Scopes/);
  const j = JSON.parse((await cli.run(['connection', 'test', 'nolookup', '--json'])).stdout) as {
    ok: boolean;
    findings: Array<{ use: string; severity: string; missing: string[] }>;
  };
  assert.equal(j.ok, true);
  assert.deepEqual(
    j.findings.map((f) => [f.use, f.severity, f.missing]),
    [['mention_names', 'optional', ['users:read']]],
  );
});

test('revoked token: says to re-add or re-authenticate, non-zero exit', async () => {
  const { token } = (await admin('tokens', { kind: 'bot', scopes: ['chat:write'] })) as { token: string };
  assert.equal((await cli.run(['connection', 'add', 'doomed', '--token', token])).code, 0);
  await admin('tokens/revoke', { token });
  const t = await cli.run(['connection', 'test', 'doomed']);
  assert.equal(t.code, 1);
  assert.match(t.stderr, /error: the token of connection doomed has been revoked/);
  assert.match(
    t.stderr,
    /fix: reinstall the app in Slack \(OAuth & Permissions → Reinstall to Workspace\) and add its Bot User OAuth Token \(xoxb-…\) again: runwire connection update doomed --token -/,
  );
  const j = await cli.run(['connection', 'test', 'doomed', '--json']);
  assert.equal(j.code, 1);
  assert.equal((JSON.parse(j.stdout) as { error: { code: string } }).error.code, 'runwire.slack.token_invalid');
});

test('webhook connection: probe without posting; a revoked webhook fails', async () => {
  const { url, channel_id: channelId } = (await admin('webhooks', { channel: 'ops' })) as {
    url: string;
    channel_id: string;
  };
  const before = sb.workspace.history(channelId).length;
  const add = await cli.run(['connection', 'add', 'hook', '--webhook-url', '-'], { stdin: url });
  assert.equal(add.code, 0, add.stderr);
  assert.match(add.stdout, /Added connection hook \(webhook, http:\/\/127\.0\.0\.1:\d+\/…/);
  const ok = await cli.run(['connection', 'test', 'hook']);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.equal(sb.workspace.history(channelId).length, before, 'the probe must not post');
  for (const h of sb.workspace.webhooks.values()) h.revoked = true;
  const bad = await cli.run(['connection', 'test', 'hook']);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /FAILED: connection hook \(webhook\): the webhook answered HTTP 404 no_service/);
});

test('the stored token works with the official client (resolver → createWebClient)', async () => {
  const { openConnections } = await import('../../../src/slack/connections/open.js');
  const { createWebClient } = await import('../../../src/slack/web-client.js');
  const c = openConnections(cli.dataDir, { RUNWIRE_SLACK_URL: sb.url });
  try {
    const conn = await c.resolver.resolve('ops');
    assert.equal(conn.apiUrl, sb.apiUrl);
    const logLines: string[] = [];
    const client = createWebClient(conn, { retries: 0, log: (_lvl, line) => logLines.push(line), logLevel: 'debug' });
    const r = await client.chat.postMessage({ channel: 'general', text: 'hello from a stored connection' });
    assert.equal(r.ok, true);
    await assert.rejects(client.chat.postMessage({ channel: 'no-such-channel', text: 'x' }), /channel_not_found/);
    // Every SDK log line (debug included) went through the redacting logger: no whole token.
    assert.ok(logLines.length > 0, 'the SDK logged at debug level');
    assertNoSecretIn(
      logLines.map((text, i) => ({ where: `SDK log line ${i}`, text })),
      [conn.botToken!],
    );
    await assert.rejects(
      c.resolver.resolve('nope'),
      (e: Error & { code?: string; fix?: string }) =>
        e.code === 'runwire.slack.connection_not_found' && /doomed, hook, me, narrow, nolookup, ops/.test(e.fix ?? ''),
    );
  } finally {
    await c.close();
  }
  assert.ok(new WebClient(undefined, { slackApiUrl: sb.apiUrl }));
});

test('a different RUNWIRE_SECRET_KEY is a clear error, not a stack trace', async () => {
  const r = await cli.run(['connection', 'show', 'ops'], {
    env: { RUNWIRE_SECRET_KEY: 'a passphrase that is not the key' },
  });
  assert.equal(r.code, 1);
  assert.match(
    r.stderr.split('\n')[0]!,
    /^error: cannot decrypt connection ops: RUNWIRE_SECRET_KEY differs from the one used to store it\b/,
  );
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('no token or secret in plain text in any file of the data dir (DB, WAL, key file)', async () => {
  const files = filesUnder(cli.dataDir);
  const names = files.map((f) => f.where.slice(cli.dataDir.length + 1));
  assert.ok(
    names.includes('runwire.db') && names.includes('runwire.db-wal') && names.includes('secret.key'),
    names.join(','),
  );
  assert.equal(statSync(join(cli.dataDir, 'secret.key')).mode & 0o777, 0o600);
  const secrets = [...new Set([...sandboxSecrets(sb), ...(await cli.storedSecrets({ RUNWIRE_SLACK_URL: sb.url }))])];
  assert.ok(secrets.includes(sb.credentials.bot_token));
  // The connections really are in the DB: their names are there in plain text, their secrets are not.
  assert.ok(files.some((f) => f.text.includes(Buffer.from('narrow'))));
  assertNoSecretIn(files, secrets);
});

test('no CLI output of this file holds a whole token or secret', async () => {
  assert.ok(cli.transcript.length >= 15);
  const secrets = [...new Set([...sandboxSecrets(sb), ...(await cli.storedSecrets())])];
  assertNoSecretIn(
    cli.transcript.map((t, i) => ({ where: `command #${i + 1}: ${t.split('\n')[0]}`, text: t })),
    secrets,
  );
});
