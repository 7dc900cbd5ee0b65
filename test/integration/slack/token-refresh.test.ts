/**
 * A rotating token that Slack already considers expired (the sandbox's clock runs ahead): the
 * task gets token_expired, refreshes the token through the connection's resolver (which stores the
 * new pair), and posts once with the new token.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { collect, postedFor, SlackEnv, taskOf } from './harness.js';

let env: SlackEnv;
let skewMs = 0;
const TTL_S = 3600;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

before(async () => {
  env = await SlackEnv.start(
    { rateLimits: false, oauth: { tokenRotation: true, tokenTtlSeconds: TTL_S }, clock: () => Date.now() + skewMs },
    false,
  );
  const redirect = `http://127.0.0.1:${await freePort()}/callback`;
  const creds = env.sandbox.credentials;
  const add = await env.cli([
    'connection',
    'add',
    'default',
    '--client-id',
    creds.client_id,
    '--client-secret',
    creds.client_secret,
    '--redirect-url',
    redirect,
    '--scopes',
    'chat:write,channels:read,groups:read,channels:history,groups:history,im:history,mpim:history',
  ]);
  assert.equal(add.code, 0, add.stderr);
  const child = env.spawn(['connection', 'authenticate', 'default', '--no-open']);
  const done = collect(child);
  let out = '';
  child.stdout?.on('data', (d: string) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setInterval(() => {
      const m = /^ {2}(http:\/\/\S+)$/m.exec(out);
      if (m) {
        clearInterval(t);
        resolve(m[1]!);
      }
    }, 50);
    child.on('close', () => {
      clearInterval(t);
      reject(new Error(`authenticate ended without printing the URL: ${out}`));
    });
  });
  assert.equal((await fetch(url)).status, 200);
  const r = await done;
  assert.equal(r.code, 0, r.stderr);
});
after(async () => env?.close());

test('token_expired from Slack: the task refreshes the rotating token and posts once', {
  timeout: 120_000,
}, async () => {
  skewMs = (TTL_S + 60) * 1000; // Slack now answers token_expired; Runwire's clock still thinks the token is fresh
  const r = await env.run(`
name: refresh
tasks:
  - id: after-expiry
    type: slack.message
    channel: "#general"
    message: "sent with a refreshed token"
`);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const s = taskOf(r.run, 'after-expiry').slack!;
  assert.equal(s.state, 'sent');
  assert.equal(postedFor(await env.messages('#general'), 'after-expiry').length, 1);
  assert.ok(env.events(r.run.id).some((e) => /expired; refreshing it and sending again/.test(e.message)));
});
