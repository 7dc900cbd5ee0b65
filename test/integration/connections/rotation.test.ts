/**
 * Token rotation against a sandbox that issues expiring tokens with single-use refresh tokens:
 * the CLI refreshes on `token_expired`, the resolver refreshes before expiry and on demand
 * (`refreshNow`), each time storing the new pair, and the new token works.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebClient } from '@slack/web-api';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { openConnections } from '../../../src/slack/connections/open.js';
import { createWebClient } from '../../../src/slack/web-client.js';
import { assertNoSecretIn, CliHarness, filesUnder, freePort, sandboxSecrets } from './cli-harness.js';

let sb: Sandbox;
let cli: CliHarness;
/** The sandbox's clock runs this far ahead of real time (moves token expiry without sleeping). */
let skewMs = 0;
const TTL_S = 3600;

before(async () => {
  sb = await startSandbox({
    rateLimits: false,
    extensions: [],
    oauth: { tokenRotation: true, tokenTtlSeconds: TTL_S },
    clock: () => Date.now() + skewMs,
  });
  cli = new CliHarness({ RUNWIRE_SLACK_URL: sb.url });
});

after(async () => {
  await sb?.close();
});

async function stored(opts: { refreshMarginMs?: number } = {}) {
  const c = openConnections(cli.dataDir, { RUNWIRE_SLACK_URL: sb.url }, opts);
  const rec = await c.service.get('rot');
  return { c, rec, secrets: c.service.openSecrets(rec) };
}

async function authTestOk(token: string): Promise<boolean> {
  try {
    return (
      (await new WebClient(token, { slackApiUrl: sb.apiUrl, retryConfig: { retries: 0 } }).auth.test()).ok === true
    );
  } catch {
    return false;
  }
}

test('authenticate stores the expiring token, its refresh token and expiry', async () => {
  const redirect = `http://127.0.0.1:${await freePort()}/callback`;
  const add = await cli.run(
    [
      'connection',
      'add',
      'rot',
      '--client-id',
      sb.credentials.client_id,
      '--client-secret',
      '-',
      '--redirect-url',
      redirect,
    ],
    { stdin: sb.credentials.client_secret },
  );
  assert.equal(add.code, 0, add.stderr);
  const run = cli.start(['connection', 'authenticate', 'rot', '--no-open']);
  const url = (await run.waitFor(/^ {2}(http:\/\/\S+)$/m))[1]!;
  assert.equal((await fetch(url)).status, 200);
  const done = await run.done;
  assert.equal(done.code, 0, done.stderr);
  assert.match(done.stdout, /token rotation on: the token expires/);

  const { c, rec, secrets } = await stored();
  await c.close();
  assert.ok(secrets.botToken && secrets.botRefreshToken);
  const expiresIn = Date.parse(rec.botTokenExpiresAt!) - Date.now();
  assert.ok(expiresIn > (TTL_S - 600) * 1000 && expiresIn <= TTL_S * 1000, `expiry ${rec.botTokenExpiresAt}`);
});

test('token_expired: `connection test` refreshes, stores the new pair, and passes', async () => {
  const before = await stored();
  await before.c.close();
  skewMs += (TTL_S + 60) * 1000; // the sandbox now answers token_expired for the stored token
  assert.equal(await authTestOk(before.secrets.botToken!), false);

  const t = await cli.run(['connection', 'test', 'rot']);
  assert.equal(t.code, 0, t.stdout + t.stderr);
  assert.match(t.stdout, /^OK: connection rot/);

  const after = await stored();
  await after.c.close();
  assert.notEqual(after.secrets.botToken, before.secrets.botToken);
  assert.notEqual(after.secrets.botRefreshToken, before.secrets.botRefreshToken);
  assert.ok(Date.parse(after.rec.botTokenExpiresAt!) > Date.parse(before.rec.botTokenExpiresAt!));
  assert.equal(await authTestOk(after.secrets.botToken!), true);
});

test('the resolver refreshes shortly before expiry (margin) and the new token posts', async () => {
  const before = await stored();
  await before.c.close();
  // A margin longer than the token's life makes "shortly before expiry" now.
  const { c } = await stored({ refreshMarginMs: (TTL_S + 3600) * 1000 });
  try {
    const conn = await c.resolver.resolve('rot');
    assert.notEqual(conn.botToken, before.secrets.botToken);
    const r = await createWebClient(conn, { retries: 0 }).chat.postMessage({
      channel: 'general',
      text: 'after a refresh',
    });
    assert.equal(r.ok, true);
    const again = await c.service.openSecrets(await c.service.get('rot'));
    assert.equal(again.botToken, conn.botToken, 'the new pair is stored');
    assert.notEqual(again.botRefreshToken, before.secrets.botRefreshToken);
  } finally {
    await c.close();
  }
});

test('refreshNow (what a task does on token_expired) rotates again; two resolvers do not lose the pair', async () => {
  const a = await stored();
  const b = await stored();
  try {
    // Both processes hold the same spent-once refresh token; the second must pick up the first's result.
    const results = await Promise.allSettled([a.c.resolver.refreshNow('rot'), b.c.resolver.refreshNow('rot')]);
    const won = results.filter((r) => r.status === 'fulfilled').map((r) => r.value.botToken);
    assert.ok(won.length >= 1, 'at least one refresh succeeds');
    for (const r of results) {
      // A loser may only fail because the winner spent the refresh token first.
      if (r.status === 'rejected')
        assert.equal((r.reason as { code?: string }).code, 'runwire.slack.oauth.invalid_refresh_token');
    }
    const final = b.c.service.openSecrets(await b.c.service.get('rot'));
    assert.notEqual(final.botToken, a.secrets.botToken);
    assert.ok(won.includes(final.botToken));
    assert.equal(await authTestOk(final.botToken!), true);
  } finally {
    await a.c.close();
    await b.c.close();
  }
});

test('without a refresh token an expired token says to re-authenticate', async () => {
  const { token } = (await (
    await fetch(`${sb.url}sandbox/tokens`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'bot', scopes: ['chat:write'] }),
    })
  ).json()) as { token: string };
  assert.equal((await cli.run(['connection', 'add', 'plain', '--token', token])).code, 0);
  await fetch(`${sb.url}sandbox/tokens/expire`, { method: 'POST', body: JSON.stringify({ token }) });
  const t = await cli.run(['connection', 'test', 'plain']);
  assert.equal(t.code, 1);
  assert.match(
    t.stderr,
    /error: the token of connection plain has expired\nfix: reinstall the app in Slack .*: runwire connection update plain --token -/,
  );
});

test('no secret in the data dir files or in any CLI output', async () => {
  const secrets = [...new Set([...sandboxSecrets(sb), ...(await cli.storedSecrets({ RUNWIRE_SLACK_URL: sb.url }))])];
  assertNoSecretIn(filesUnder(cli.dataDir), secrets);
  assertNoSecretIn(
    cli.transcript.map((t, i) => ({ where: `command #${i + 1}: ${t.split('\n')[0]}`, text: t })),
    secrets,
  );
});
