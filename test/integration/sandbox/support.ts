/** Shared helpers of the sandbox contract tests: official WebClient pointed at a sandbox, admin calls. */
import assert from 'node:assert/strict';
import { LogLevel, WebClient, type WebClientOptions } from '@slack/web-api';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../src/sandbox/server.js';

/** Start a core-only sandbox (no event/web extensions: these tests are about the Web API side). */
export function coreSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({ extensions: [], ...opts });
}

/** The official client, pointed at the sandbox, without retries (tests see each answer as it is). */
export function client(sb: Sandbox, token: string = sb.credentials.bot_token, extra: WebClientOptions = {}): WebClient {
  return new WebClient(token, {
    slackApiUrl: sb.apiUrl,
    retryConfig: { retries: 0 },
    logLevel: LogLevel.ERROR,
    ...extra,
  });
}

/** The `{ok:false,...}` body of a platform error the client threw; fails when the call succeeded. */
export async function platformError(p: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await p;
  } catch (err) {
    const e = err as { code?: string; data?: Record<string, unknown> };
    assert.equal(e.code, 'slack_webapi_platform_error', `expected a platform error, got ${String(err)}`);
    return e.data!;
  }
  assert.fail('expected the call to fail');
}

/** Call an admin endpoint (JSON); fails on a non-2xx answer. */
export async function admin(
  sb: Sandbox,
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${sb.url}sandbox/${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const json = (await res.json()) as Record<string, unknown>;
  assert.ok(res.ok, `admin ${method} ${path} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

/** A fresh bot token with exactly these scopes. */
export async function botToken(sb: Sandbox, scopes: string[]): Promise<string> {
  return (await admin(sb, 'POST', 'tokens', { kind: 'bot', scopes })).token as string;
}

/** The id of a seeded channel by name. */
export function channelId(sb: Sandbox, name: string): string {
  const ch = [...sb.workspace.channels.values()].find((c) => c.name === name);
  assert.ok(ch, `no channel #${name}`);
  return ch.id;
}

/** The id of a seeded person by handle. */
export function userId(sb: Sandbox, name: string): string {
  const u = sb.workspace.userRef(name);
  assert.ok(u, `no user ${name}`);
  return u.id;
}
