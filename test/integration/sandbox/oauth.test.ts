/**
 * The OAuth v2 round trip with @slack/oauth's InstallProvider against the sandbox:
 * generateInstallUrl → the sandbox's authorize redirect (followed with fetch, redirect: 'manual')
 * → handleCallback on a local listener → tokens in an in-memory installation store.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { InstallProvider, type Installation, type InstallationStore } from '@slack/oauth';
import { LogLevel, WebClient } from '@slack/web-api';
import type { Sandbox, SandboxOptions } from '../../../src/sandbox/server.js';
import { client, coreSandbox, platformError } from './support.js';

/** An installation store in memory, keyed by team. */
class MemoryStore implements InstallationStore {
  readonly byTeam = new Map<string, Installation>();
  async storeInstallation(i: Installation): Promise<void> {
    this.byTeam.set(i.team!.id, i);
  }
  async fetchInstallation(q: { teamId?: string }): Promise<Installation> {
    const i = this.byTeam.get(q.teamId ?? '');
    if (!i) throw new Error('no installation');
    return i;
  }
  async deleteInstallation(q: { teamId?: string }): Promise<void> {
    this.byTeam.delete(q.teamId ?? '');
  }
}

interface App {
  installer: InstallProvider;
  store: MemoryStore;
  redirectUri: string;
  outcomes: string[];
  server: Server;
}

async function startApp(sb: Sandbox): Promise<App> {
  const store = new MemoryStore();
  const outcomes: string[] = [];
  const installer = new InstallProvider({
    clientId: sb.credentials.client_id,
    clientSecret: sb.credentials.client_secret,
    stateSecret: 'test-state-secret',
    installationStore: store,
    authorizationUrl: `${sb.url}oauth/v2/authorize`,
    clientOptions: { slackApiUrl: sb.apiUrl, retryConfig: { retries: 0 } },
    logLevel: LogLevel.ERROR,
  });
  const server = createServer((req, res) => {
    void installer.handleCallback(req, res, {
      success: (installation) => {
        outcomes.push(`success:${installation.team?.id}`);
        res.writeHead(200).end('installed');
      },
      failure: (err) => {
        outcomes.push(`failure:${err.code}`);
        res.writeHead(400).end('failed');
      },
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/oauth_redirect`;
  return { installer, store, redirectUri, outcomes, server };
}

/** Walk the flow as a browser would; returns the callback URL the sandbox redirected to. */
async function authorize(
  app: App,
  scopes: string[],
  userScopes: string[] = [],
): Promise<{ callback: URL; cookie: string }> {
  const url = await app.installer.generateInstallUrl({ scopes, userScopes, redirectUri: app.redirectUri }, true);
  const state = new URL(url).searchParams.get('state')!;
  const res = await fetch(url, { redirect: 'manual' });
  assert.equal(res.status, 302, `authorize answered ${res.status}: ${await res.text()}`);
  // handleInstallPath would have set this cookie in the browser; generateInstallUrl leaves it to the app.
  return { callback: new URL(res.headers.get('location')!), cookie: `slack-app-oauth-state=${state}` };
}

async function finish(_app: App, flow: { callback: URL; cookie: string }): Promise<number> {
  return (await fetch(flow.callback, { headers: { cookie: flow.cookie } })).status;
}

describe('sandbox OAuth v2 with InstallProvider', () => {
  let now = Date.now();
  let sb: Sandbox;
  let app: App;
  const start = async (oauth: SandboxOptions['oauth'] = {}) => {
    sb = await coreSandbox({ rateLimits: false, oauth, clock: () => now });
    app = await startApp(sb);
  };
  const stop = async () => {
    await new Promise<void>((r) => app.server.close(() => r()));
    await sb.close();
  };

  describe('auto-approve', () => {
    before(() => start());
    after(() => stop());

    it('installs with bot and user scopes, an incoming webhook, and working tokens', async () => {
      const flow = await authorize(
        app,
        ['chat:write', 'channels:read', 'incoming-webhook'],
        ['chat:write', 'users:read'],
      );
      assert.equal(flow.callback.origin + flow.callback.pathname, app.redirectUri);
      assert.ok(flow.callback.searchParams.get('code'));
      assert.equal(await finish(app, flow), 200);
      assert.deepEqual(app.outcomes, [`success:${sb.workspace.team.id}`]);
      const inst = app.store.byTeam.get(sb.workspace.team.id)!;
      assert.match(inst.bot!.token, /^xoxb-/);
      assert.deepEqual(inst.bot!.scopes, ['chat:write', 'channels:read', 'incoming-webhook']);
      assert.equal(inst.bot!.userId, sb.workspace.app.bot_user_id);
      assert.equal(inst.bot!.id, sb.workspace.app.bot_id);
      assert.equal(inst.appId, sb.workspace.app.id);
      assert.match(inst.user.token!, /^xoxp-/);
      assert.deepEqual(inst.user.scopes, ['chat:write', 'users:read']);
      assert.equal(inst.incomingWebhook?.channel, '#general');
      assert.ok(inst.incomingWebhook?.url?.startsWith(`${sb.url}services/${sb.workspace.team.id}/B`));
      const auth = await client(sb, inst.bot!.token).auth.test();
      assert.deepEqual(auth.response_metadata?.scopes, ['chat:write', 'channels:read', 'incoming-webhook']);
      const asUser = await client(sb, inst.user.token!).auth.test();
      assert.equal(asUser.user_id, inst.user.id);
    });

    it('a code is single use, expires after 10 minutes, and needs the same redirect_uri', async () => {
      const noToken = new WebClient(undefined, {
        slackApiUrl: sb.apiUrl,
        retryConfig: { retries: 0 },
        logLevel: LogLevel.ERROR,
      });
      const creds = { client_id: sb.credentials.client_id, client_secret: sb.credentials.client_secret };
      const f1 = await authorize(app, ['chat:write']);
      const code = f1.callback.searchParams.get('code')!;
      assert.equal(
        (await platformError(noToken.oauth.v2.access({ ...creds, code, redirect_uri: 'http://127.0.0.1:1/elsewhere' })))
          .error,
        'bad_redirect_uri',
      );
      assert.equal(
        (
          await platformError(
            noToken.oauth.v2.access({ ...creds, client_secret: 'wrong', code, redirect_uri: app.redirectUri }),
          )
        ).error,
        'bad_client_secret',
      );
      assert.equal(
        (
          await platformError(
            noToken.oauth.v2.access({ ...creds, client_id: '1.2', code, redirect_uri: app.redirectUri }),
          )
        ).error,
        'invalid_client_id',
      );
      const ok = await noToken.oauth.v2.access({ ...creds, code, redirect_uri: app.redirectUri });
      assert.equal(ok.token_type, 'bot');
      assert.equal(ok.scope, 'chat:write');
      // Reuse: Slack's reference error list for oauth.v2.access has no code_already_used, so invalid_code.
      assert.equal(
        (await platformError(noToken.oauth.v2.access({ ...creds, code, redirect_uri: app.redirectUri }))).error,
        'invalid_code',
      );
      const f2 = await authorize(app, ['chat:write']);
      now += 10 * 60 * 1000;
      const late = f2.callback.searchParams.get('code')!;
      assert.equal(
        (await platformError(noToken.oauth.v2.access({ ...creds, code: late, redirect_uri: app.redirectUri }))).error,
        'invalid_code',
      );
      assert.equal(
        (await platformError(noToken.oauth.v2.access({ ...creds, code: 'made-up', redirect_uri: app.redirectUri })))
          .error,
        'invalid_code',
      );
    });

    it('client credentials may come as HTTP Basic', async () => {
      const f = await authorize(app, ['chat:write']);
      const basic = Buffer.from(`${sb.credentials.client_id}:${sb.credentials.client_secret}`).toString('base64');
      const res = await fetch(`${sb.apiUrl}oauth.v2.access`, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}` },
        body: new URLSearchParams({ code: f.callback.searchParams.get('code')!, redirect_uri: app.redirectUri }),
      });
      const body = (await res.json()) as { ok: boolean; access_token: string };
      assert.equal(body.ok, true);
      assert.match(body.access_token, /^xoxb-/);
    });

    it('an unknown client_id is refused on the authorize page', async () => {
      const res = await fetch(
        `${sb.url}oauth/v2/authorize?client_id=0.0&scope=chat:write&redirect_uri=${encodeURIComponent(app.redirectUri)}`,
        { redirect: 'manual' },
      );
      assert.equal(res.status, 400);
      assert.match(await res.text(), /invalid_client_id/);
    });
  });

  describe('consent page', () => {
    before(() => start({ consent: true }));
    after(() => stop());

    async function decide(decision: 'allow' | 'deny'): Promise<{ callback: URL; cookie: string }> {
      const url = await app.installer.generateInstallUrl(
        { scopes: ['chat:write', 'incoming-webhook'], redirectUri: app.redirectUri },
        true,
      );
      const page = await fetch(url, { redirect: 'manual' });
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /Allow/);
      assert.match(html, /Deny/);
      const form = new URLSearchParams(new URL(url).searchParams);
      form.set('decision', decision);
      form.set('sandbox_user', 'bob');
      form.set('webhook_channel', [...sb.workspace.channels.values()].find((c) => c.name === 'releases')!.id);
      const res = await fetch(`${sb.url}oauth/v2/authorize`, { method: 'POST', body: form, redirect: 'manual' });
      assert.equal(res.status, 302);
      return { callback: new URL(res.headers.get('location')!), cookie: `slack-app-oauth-state=${form.get('state')}` };
    }

    it('deny redirects with error=access_denied and the state; the app reports the cancellation', async () => {
      const flow = await decide('deny');
      assert.equal(flow.callback.searchParams.get('error'), 'access_denied');
      assert.ok(flow.callback.searchParams.get('state'));
      assert.equal(await finish(app, flow), 400);
      assert.deepEqual(app.outcomes, ['failure:slack_oauth_installer_authorization_error']);
    });

    it('allow installs as the chosen person with the chosen webhook channel', async () => {
      const flow = await decide('allow');
      assert.equal(await finish(app, flow), 200);
      const inst = app.store.byTeam.get(sb.workspace.team.id)!;
      assert.equal(inst.user.id, sb.workspace.userRef('bob')!.id);
      assert.equal(inst.incomingWebhook?.channel, '#releases');
    });
  });

  describe('token rotation', () => {
    before(() => start({ tokenRotation: true, tokenTtlSeconds: 3600 }));
    after(() => stop());

    it('issues expiring tokens with refresh tokens; an expired token answers token_expired; refresh rotates', async () => {
      const flow = await authorize(app, ['chat:write'], ['users:read']);
      assert.equal(await finish(app, flow), 200);
      const inst = app.store.byTeam.get(sb.workspace.team.id)!;
      assert.match(inst.bot!.refreshToken!, /^xoxe-/);
      assert.ok(inst.bot!.expiresAt! > Date.now() / 1000);
      assert.match(inst.user.refreshToken!, /^xoxe-/);
      // The provider updates the stored installation in place when it refreshes: keep the first pair.
      const first = { token: inst.bot!.token, refresh: inst.bot!.refreshToken! };
      assert.equal((await client(sb, first.token).auth.test()).ok, true);
      now += 3600 * 1000;
      assert.equal((await platformError(client(sb, first.token).auth.test())).error, 'token_expired');
      // InstallProvider.authorize refreshes tokens that expire within two hours, via grant_type=refresh_token.
      const auth = await app.installer.authorize({
        teamId: sb.workspace.team.id,
        isEnterpriseInstall: false,
        enterpriseId: undefined,
      });
      assert.ok(auth.botToken && auth.botToken !== first.token);
      assert.ok(auth.botRefreshToken && auth.botRefreshToken !== first.refresh);
      assert.equal((await client(sb, auth.botToken).auth.test()).ok, true);
      const noToken = new WebClient(undefined, {
        slackApiUrl: sb.apiUrl,
        retryConfig: { retries: 0 },
        logLevel: LogLevel.ERROR,
      });
      const reuse = await platformError(
        noToken.oauth.v2.access({
          client_id: sb.credentials.client_id,
          client_secret: sb.credentials.client_secret,
          grant_type: 'refresh_token',
          refresh_token: first.refresh,
        }),
      );
      assert.equal(reuse.error, 'invalid_refresh_token', 'a refresh token is used once');
    });
  });
});
