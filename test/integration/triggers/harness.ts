/**
 * A Runwire server and a Slack sandbox wired like a real install: the sandbox's app points its
 * Events API Request URL at the server's `POST /slack/events` (Slack's url_verification handshake
 * passes first), the server has a `default` connection with the sandbox's bot token and signing
 * secret (verified, so it knows its team and bot user), and runbooks are pushed through the API.
 */
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.js';
import { connectionsOver } from '../../../src/slack/connections/open.js';
import { signedHeaders } from '../../../src/sandbox/events/signature.js';
import type { RunSummary } from '../../../src/store/store.js';
import { type Backend, startTestServer, type TestServer } from '../../helpers/server.js';

export interface Rig {
  sb: Sandbox;
  server: TestServer;
  token: string;
  close(): Promise<void>;
}

export async function addDefaultConnection(
  server: TestServer,
  sb: Sandbox,
  o: { appToken?: boolean } = {},
): Promise<void> {
  const { service } = connectionsOver(server.runtime.runtime.connectionStore, server.dataDir, {});
  await service.addToken({
    name: 'default',
    token: sb.credentials.bot_token,
    signingSecret: sb.credentials.signing_secret,
    slackUrl: sb.url,
    ...(o.appToken ? { appToken: sb.credentials.app_token } : {}),
  });
  await service.verify('default');
}

export async function startRig(
  o: { backend?: Backend; schema?: string; requestUrl?: boolean; sandbox?: Sandbox } = {},
): Promise<Rig> {
  const sb = o.sandbox ?? (await startSandbox({ rateLimits: false }));
  const server = await startTestServer(o.backend ?? 'sqlite', { ...(o.schema ? { schema: o.schema } : {}) });
  await addDefaultConnection(server, sb);
  if (o.requestUrl !== false) {
    const res = await fetch(`${sb.url}sandbox/app`, {
      method: 'POST',
      body: JSON.stringify({ request_url: `${server.url}/slack/events`, socket_mode: false }),
    });
    if (res.status !== 200) throw new Error(`request_url refused: ${await res.text()}`);
  }
  const token = (await server.runtime.tokens.create('admin', 'root')).token;
  return {
    sb,
    server,
    token,
    close: async () => {
      await server.close();
      if (!o.sandbox) await sb.close();
    },
  };
}

export async function pushRunbook(rig: { server: TestServer; token: string }, id: string, yaml: string) {
  const r = await rig.server.call(`/api/runbooks/${id}`, {
    method: 'PUT',
    token: rig.token,
    headers: { 'content-type': 'application/yaml' },
    body: yaml,
  });
  if (r.status !== 200 && r.status !== 201) throw new Error(`push failed ${r.status}: ${r.text}`);
}

export function userId(sb: Sandbox, name: string): string {
  const u = [...sb.workspace.users.values()].find((x) => x.name === name);
  if (!u) throw new Error(`no user ${name}`);
  return u.id;
}

export function channelId(sb: Sandbox, name: string): string {
  const c = [...sb.workspace.channels.values()].find((x) => x.name === name);
  if (!c) throw new Error(`no channel ${name}`);
  return c.id;
}

/** A person posts, through the sandbox page's API (as a person in the Slack client would). */
export async function postAs(sb: Sandbox, user: string, channel: string, text: string, threadTs?: string) {
  const res = await fetch(`${sb.url}sandbox/web/post`, {
    method: 'POST',
    body: JSON.stringify({
      channel: channelId(sb, channel),
      user: userId(sb, user),
      text,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    }),
  });
  const body = (await res.json()) as { ok: boolean; ts?: string; message?: { ts: string } };
  if (!body.ok) throw new Error(`post failed: ${JSON.stringify(body)}`);
  return body.ts ?? body.message?.ts ?? '';
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function runsOf(server: TestServer, runbook: string): Promise<RunSummary[]> {
  return (await server.runtime.runtime.store.listRuns({ limit: 100 })).filter((r) => r.runbook === runbook);
}

/** An event_callback signed with the sandbox app's secret, as Slack would send it. */
export function signedEvent(sb: Sandbox, body: Record<string, unknown>, retryNum?: number) {
  const text = JSON.stringify(body);
  return {
    method: 'POST',
    body: text,
    headers: {
      'content-type': 'application/json',
      ...signedHeaders(sb.credentials.signing_secret, Date.now(), text),
      ...(retryNum ? { 'x-slack-retry-num': String(retryNum), 'x-slack-retry-reason': 'http_timeout' } : {}),
    },
  };
}
