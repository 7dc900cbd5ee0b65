/** Fault injection seen through the official WebClient: 5xx, timeouts, resets, and lost responses. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Sandbox } from '../../../src/sandbox/server.js';
import { admin, channelId, client, coreSandbox } from './support.js';

async function failure(
  p: Promise<unknown>,
): Promise<{ code?: string; statusCode?: number; original?: { code?: string } }> {
  try {
    await p;
  } catch (err) {
    return err as { code?: string; statusCode?: number };
  }
  assert.fail('expected the call to fail');
}

describe('sandbox fault injection', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await coreSandbox({ rateLimits: false });
  });
  after(async () => {
    await sb.close();
  });

  it('http_error: the next N calls get the 5xx, then calls succeed again', async () => {
    await admin(sb, 'POST', 'faults', { method: 'chat.postMessage', kind: 'http_error', status: 503, times: 2 });
    const c = client(sb);
    for (let i = 0; i < 2; i++) {
      const e = await failure(c.chat.postMessage({ channel: '#general', text: 'x' }));
      assert.equal(e.code, 'slack_webapi_http_error');
      assert.equal(e.statusCode, 503);
    }
    assert.equal((await c.chat.postMessage({ channel: '#general', text: 'after the outage' })).ok, true);
    assert.deepEqual((await admin(sb, 'GET', 'faults')).faults, []);
  });

  it('a channel-scoped fault hits only that channel (by id or #name)', async () => {
    await admin(sb, 'POST', 'faults', {
      method: 'chat.postMessage',
      channel: channelId(sb, 'ops'),
      kind: 'http_error',
    });
    const c = client(sb);
    assert.equal((await c.chat.postMessage({ channel: '#general', text: 'unaffected' })).ok, true);
    assert.equal((await failure(c.chat.postMessage({ channel: '#ops', text: 'x' }))).statusCode, 500);
    assert.equal((await c.chat.postMessage({ channel: '#ops', text: 'fine now' })).ok, true);
  });

  it('timeout: the request is held past the client timeout; nothing is posted', async () => {
    await admin(sb, 'POST', 'faults', { method: 'chat.postMessage', kind: 'timeout', hold_ms: 120_000 });
    const before = sb.workspace.allMessages(channelId(sb, 'general')).length;
    const e = await failure(
      client(sb, sb.credentials.bot_token, { timeout: 300 }).chat.postMessage({ channel: '#general', text: 'held' }),
    );
    assert.equal(e.code, 'slack_webapi_request_error');
    assert.equal(sb.workspace.allMessages(channelId(sb, 'general')).length, before);
  });

  it('reset: the connection is destroyed without an answer', async () => {
    await admin(sb, 'POST', 'faults', { method: 'auth.test', kind: 'reset' });
    const e = await failure(client(sb).auth.test());
    assert.equal(e.code, 'slack_webapi_request_error');
    assert.equal((await client(sb).auth.test()).ok, true);
  });

  it('lost_response: the message is posted, then the answer is lost', async () => {
    await admin(sb, 'POST', 'faults', { method: 'chat.postMessage', channel: '#releases', kind: 'lost_response' });
    const e = await failure(client(sb).chat.postMessage({ channel: '#releases', text: 'did it land?' }));
    assert.equal(e.code, 'slack_webapi_request_error');
    const stored = (await admin(sb, 'GET', `channels/releases/messages`)).messages as Array<{ text: string }>;
    assert.equal(stored.filter((m) => m.text === 'did it land?').length, 1, 'posted exactly once');
  });

  it('the faults option arms faults at start; bad specs are refused with 400', async () => {
    const other = await coreSandbox({ faults: [{ method: 'users.list', kind: 'http_error', status: 502 }] });
    try {
      assert.equal((await failure(client(other).users.list({}))).statusCode, 502);
      const bad = await fetch(`${other.url}sandbox/faults`, {
        method: 'POST',
        body: JSON.stringify({ method: 'chat.postMessage', kind: 'explode' }),
      });
      assert.equal(bad.status, 400);
      assert.match(((await bad.json()) as { error: string }).error, /kind must be one of/);
    } finally {
      await other.close();
    }
  });
});
