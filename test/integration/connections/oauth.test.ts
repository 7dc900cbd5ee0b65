/**
 * The OAuth "Authenticate" flow through the real CLI (`connection authenticate --no-open`) against
 * the sandbox: an HTTP client follows the printed authorize URL to the CLI's listener. Also denial,
 * a forged state, a wrong client secret, a reused code and a timeout — each a clear error and a
 * non-zero exit.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { openConnections } from '../../../src/slack/connections/open.js';
import { createWebClient } from '../../../src/slack/web-client.js';
import { assertNoSecretIn, CliHarness, filesUnder, freePort, sandboxSecrets, type RunningCli } from './cli-harness.js';

let sb: Sandbox;
/** A second sandbox that shows a consent page (Allow / Deny) instead of approving at once. */
let consentSb: Sandbox;
let cli: CliHarness;

before(async () => {
  sb = await startSandbox({ rateLimits: false, extensions: [] });
  consentSb = await startSandbox({ rateLimits: false, extensions: [], oauth: { consent: true } });
  cli = new CliHarness();
});

after(async () => {
  await sb?.close();
  await consentSb?.close();
});

const URL_RE = /^ {2}(http:\/\/\S+\/oauth\/v2\/authorize\?\S+)$/m;

/** Add an OAuth app connection on `box` with a free redirect port, and start `authenticate`. */
async function begin(
  box: Sandbox,
  name: string,
  opts: { secret?: string; scopes?: string; userScopes?: string; timeout?: string } = {},
): Promise<{ run: RunningCli; authorizeUrl: URL; redirect: string }> {
  const redirect = `http://127.0.0.1:${await freePort()}/callback`;
  const args = [
    'connection',
    'add',
    name,
    '--client-id',
    box.credentials.client_id,
    '--client-secret',
    opts.secret ?? box.credentials.client_secret,
    '--redirect-url',
    redirect,
    '--slack-url',
    box.url,
  ];
  if (opts.scopes) args.push('--scopes', opts.scopes);
  if (opts.userScopes) args.push('--user-scopes', opts.userScopes);
  const added = await cli.run(args);
  assert.equal(added.code, 0, added.stderr);
  const run = cli.start(['connection', 'authenticate', name, '--no-open', '--timeout', opts.timeout ?? '2m']);
  const m = await run.waitFor(URL_RE);
  return { run, authorizeUrl: new URL(m[1]!), redirect };
}

test('full round trip: follow the authorize URL to the CLI, exit 0, the stored token works', async () => {
  const { run, authorizeUrl, redirect } = await begin(sb, 'ops', {
    scopes: 'chat:write,chat:write.public,channels:read,groups:read,incoming-webhook',
    userScopes: 'chat:write',
  });
  assert.equal(authorizeUrl.origin + authorizeUrl.pathname, `${sb.url}oauth/v2/authorize`);
  assert.equal(authorizeUrl.searchParams.get('client_id'), sb.credentials.client_id);
  assert.equal(
    authorizeUrl.searchParams.get('scope'),
    'chat:write,chat:write.public,channels:read,groups:read,incoming-webhook',
  );
  assert.equal(authorizeUrl.searchParams.get('user_scope'), 'chat:write');
  assert.equal(authorizeUrl.searchParams.get('redirect_uri'), redirect);
  assert.match(authorizeUrl.searchParams.get('state') ?? '', /^[A-Za-z0-9_-]{20,}$/);

  const page = await fetch(authorizeUrl); // sandbox 302 → the CLI's listener
  assert.equal(page.status, 200);
  assert.match(await page.text(), /You can close this tab/);
  const done = await run.done;
  assert.equal(done.code, 0, done.stderr);
  assert.match(
    done.stdout,
    new RegExp(
      `Authenticated connection ops: team ${sb.workspace.team.name} \\(${sb.workspace.team.id}\\), bot user ${sb.workspace.app.bot_user_id}`,
    ),
  );
  assert.match(done.stdout, /bot scopes: chat:write, chat:write\.public, channels:read, groups:read, incoming-webhook/);
  assert.match(done.stdout, /user scopes: chat:write/);
  assert.match(done.stdout, /incoming webhook: #general/);

  const test1 = await cli.run(['connection', 'test', 'ops', '--json']);
  assert.equal(test1.code, 0, test1.stdout + test1.stderr);
  const report = JSON.parse(test1.stdout) as { ok: boolean; uses: string[]; grantedUserScopes: string[] };
  assert.ok(report.uses.includes('webhook'));
  assert.deepEqual(report.grantedUserScopes, ['chat:write']);

  const c = openConnections(cli.dataDir, {});
  try {
    const conn = await c.resolver.resolve('ops');
    assert.ok(conn.botToken && sb.workspace.tokens.get(conn.botToken)?.kind === 'bot');
    assert.ok(conn.userToken && sb.workspace.tokens.get(conn.userToken)?.kind === 'user');
    assert.ok(conn.webhookUrl?.startsWith(`${sb.url}services/`));
    const posted = await createWebClient(conn, { retries: 0 }).chat.postMessage({
      channel: 'deploys',
      text: 'installed via OAuth',
    });
    assert.equal(posted.ok, true);
    const asUser = await createWebClient(conn, { token: 'user', retries: 0 }).auth.test();
    assert.equal(asUser.user_id, [...sb.workspace.users.values()].find((u) => u.is_admin && !u.is_bot)!.id);
  } finally {
    await c.close();
  }
});

test('manifest ("Set up application"): redirect URL and scopes, as YAML with a create-app link, or JSON', async () => {
  const j = await cli.run(['connection', 'manifest', 'ops', '--json', '--uses', 'channel_names']);
  assert.equal(j.code, 0, j.stderr);
  const m = JSON.parse(j.stdout) as {
    oauth_config: { redirect_urls: string[]; scopes: { bot: string[]; user?: string[] } };
  };
  const rec = JSON.parse((await cli.run(['connection', 'show', 'ops', '--json'])).stdout) as { redirectUrl: string };
  assert.deepEqual(m.oauth_config.redirect_urls, [rec.redirectUrl]);
  assert.deepEqual(m.oauth_config.scopes.bot, [
    'chat:write',
    'chat:write.public',
    'channels:read',
    'groups:read',
    'incoming-webhook',
  ]);
  assert.deepEqual(m.oauth_config.scopes.user, ['chat:write']);
  const y = await cli.run(['connection', 'manifest', 'ops', '--uses', 'channel_names']);
  assert.equal(y.code, 0, y.stderr);
  assert.match(y.stdout, /redirect_urls:\n\s+- http:\/\/127\.0\.0\.1:\d+\/callback/);
  const link = new URL(/^# (https:\/\/api\.slack\.com\/apps\?\S+)$/m.exec(y.stdout)![1]!);
  assert.equal(link.searchParams.get('new_app'), '1');
  assert.deepEqual(JSON.parse(link.searchParams.get('manifest_json')!), m);
});

test('denied install (error=access_denied): clear message, non-zero exit', async () => {
  const { run, authorizeUrl } = await begin(consentSb, 'denied');
  const consent = await fetch(authorizeUrl);
  assert.match(await consent.text(), /Deny/);
  const form = new URLSearchParams(authorizeUrl.searchParams);
  form.set('decision', 'deny');
  const back = await fetch(`${consentSb.url}oauth/v2/authorize`, {
    method: 'POST',
    body: form,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(back.status, 400);
  const done = await run.done;
  assert.equal(done.code, 1);
  assert.match(
    done.stderr,
    /error: the installation of connection denied was denied in Slack\nfix: run runwire connection authenticate denied again and click Allow/,
  );
});

test('a redirect with a state that is not ours is refused', async () => {
  const { run, authorizeUrl } = await begin(sb, 'forged');
  const hop = await fetch(authorizeUrl, { redirect: 'manual' });
  const cb = new URL(hop.headers.get('location')!);
  cb.searchParams.set('state', 'forged-state-forged-state');
  const res = await fetch(cb);
  assert.equal(res.status, 400);
  const done = await run.done;
  assert.equal(done.code, 1);
  assert.match(done.stderr, /error: the redirect's state does not match/);
  const list = JSON.parse((await cli.run(['connection', 'list', '--json'])).stdout) as Array<{
    name: string;
    team: unknown;
  }>;
  assert.equal(list.find((c) => c.name === 'forged')!.team, null, 'nothing was stored');
});

test('wrong client secret: oauth.v2.access bad_client_secret, with the fix', async () => {
  const { run, authorizeUrl } = await begin(sb, 'wrongsecret', { secret: 'not-the-client-secret-0000' });
  const page = await fetch(authorizeUrl);
  assert.equal(page.status, 400);
  const done = await run.done;
  assert.equal(done.code, 1);
  assert.match(
    done.stderr,
    /error: Slack rejected the client secret of connection wrongsecret\nfix: copy the Client Secret from your app's Basic Information page/,
  );
});

test('a reused code is refused, with the fix', async () => {
  const first = await begin(sb, 'reuse');
  const hop = await fetch(first.authorizeUrl, { redirect: 'manual' });
  const used = new URL(hop.headers.get('location')!);
  assert.equal((await fetch(used)).status, 200);
  assert.equal((await first.run.done).code, 0);

  const second = cli.start(['connection', 'authenticate', 'reuse', '--no-open', '--timeout', '2m']);
  const state = new URL((await second.waitFor(URL_RE))[1]!).searchParams.get('state')!;
  used.searchParams.set('state', state); // a valid state, an old code
  assert.equal((await fetch(used)).status, 400);
  const done = await second.done;
  assert.equal(done.code, 1);
  assert.match(
    done.stderr,
    /error: the authorization code is invalid, has expired or was already used\nfix: run runwire connection authenticate reuse again/,
  );
});

test('no redirect before --timeout: clear message, non-zero exit', async () => {
  const { run } = await begin(sb, 'slow', { timeout: '1s' });
  const done = await run.done;
  assert.equal(done.code, 1);
  assert.match(
    done.stderr,
    /error: no redirect from Slack within 1s\nfix: .*Redirect URLs include http:\/\/127\.0\.0\.1:\d+\/callback/,
  );
});

test('authenticate on a token connection says what to do', async () => {
  const r = await cli.run(['connection', 'authenticate', 'nope']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no Slack connection named "nope"/);
});

test('no secret in the data dir files or in any CLI output', async () => {
  const secrets = [...new Set([...sandboxSecrets(sb), ...sandboxSecrets(consentSb), ...(await cli.storedSecrets())])];
  assertNoSecretIn(filesUnder(cli.dataDir), secrets);
  assertNoSecretIn(
    cli.transcript.map((t, i) => ({ where: `command #${i + 1}: ${t.split('\n')[0]}`, text: t })),
    secrets,
  );
});
