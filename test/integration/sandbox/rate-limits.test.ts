/**
 * Rate limits through the official WebClient with `rejectRateLimitedCalls`: tiers per method per token,
 * chat.postMessage per channel with a burst, HTTP 429 + Retry-After. Time is a test clock, never a sleep.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admin, botToken, channelId, client, coreSandbox } from './support.js';

/** The rate-limit error the client threw, or undefined when the call passed. */
async function limited(p: Promise<unknown>): Promise<{ retryAfter: number } | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    const e = err as { code?: string; retryAfter?: number };
    assert.equal(e.code, 'slack_webapi_rate_limited_error', `expected a rate-limit error, got ${String(err)}`);
    return { retryAfter: e.retryAfter! };
  }
}

describe('sandbox rate limits', () => {
  it('Tier 2 (users.list): 20 per minute per token, then 429 with Retry-After ≥ 1', async () => {
    let now = 1_700_000_000_000;
    const sb = await coreSandbox({ clock: () => now });
    try {
      const c = client(sb, sb.credentials.bot_token, { rejectRateLimitedCalls: true });
      for (let i = 0; i < 20; i++) assert.equal(await limited(c.users.list({})), undefined, `call ${i + 1} passes`);
      const over = await limited(c.users.list({}));
      assert.ok(
        over && Number.isInteger(over.retryAfter) && over.retryAfter >= 1 && over.retryAfter <= 60,
        `retryAfter ${over?.retryAfter}`,
      );
      // Another token has its own bucket; another method too.
      const other = await botToken(sb, ['users:read']);
      assert.equal(await limited(client(sb, other, { rejectRateLimitedCalls: true }).users.list({})), undefined);
      assert.equal(await limited(c.users.info({ user: sb.workspace.app.bot_user_id })), undefined);
      now += over.retryAfter * 1000;
      assert.equal(await limited(c.users.list({})), undefined, 'allowed again after Retry-After');
    } finally {
      await sb.close();
    }
  });

  it('chat.postMessage: 1 per second per channel after a burst of 3', async () => {
    let now = 1_700_000_000_000;
    const sb = await coreSandbox({ clock: () => now });
    try {
      const c = client(sb, sb.credentials.bot_token, { rejectRateLimitedCalls: true });
      for (let i = 0; i < 3; i++)
        assert.equal(await limited(c.chat.postMessage({ channel: '#general', text: `b${i}` })), undefined);
      const over = await limited(c.chat.postMessage({ channel: '#general', text: 'too fast' }));
      assert.deepEqual(over, { retryAfter: 1 });
      assert.ok(
        !sb.workspace.allMessages(channelId(sb, 'general')).some((m) => m.text === 'too fast'),
        'a limited post is not stored',
      );
      assert.equal(await limited(c.chat.postMessage({ channel: '#ops', text: 'other channel' })), undefined);
      now += 1000;
      assert.equal(await limited(c.chat.postMessage({ channel: '#general', text: 'one second later' })), undefined);
      assert.ok(await limited(c.chat.postMessage({ channel: '#general', text: 'and again too fast' })));
    } finally {
      await sb.close();
    }
  });

  it('the raw answer is HTTP 429, Retry-After in whole seconds, {ok:false,error:"ratelimited"}', async () => {
    const sb = await coreSandbox({ rateLimits: { tiers: { 2: 1 } }, clock: () => 1_700_000_000_000 });
    try {
      const call = () =>
        fetch(`${sb.apiUrl}conversations.list`, {
          method: 'POST',
          headers: { authorization: `Bearer ${sb.credentials.bot_token}` },
        });
      assert.equal((await call()).status, 200);
      const res = await call();
      assert.equal(res.status, 429);
      assert.match(res.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
      assert.equal(Number(res.headers.get('retry-after')), 60);
      assert.deepEqual(await res.json(), { ok: false, error: 'ratelimited' });
    } finally {
      await sb.close();
    }
  });

  it('rateLimits: false turns limits off; scale shrinks them; the admin endpoint reconfigures', async () => {
    const off = await coreSandbox({ rateLimits: false });
    try {
      const c = client(off, off.credentials.bot_token, { rejectRateLimitedCalls: true });
      for (let i = 0; i < 25; i++) assert.equal(await limited(c.users.list({})), undefined);
      for (let i = 0; i < 10; i++)
        assert.equal(await limited(c.chat.postMessage({ channel: '#general', text: `f${i}` })), undefined);
      await admin(off, 'POST', 'rate-limits', { enabled: true, scale: 0.1 });
      assert.equal(await limited(c.users.list({})), undefined);
      assert.equal(await limited(c.users.list({})), undefined);
      assert.ok(await limited(c.users.list({})), 'Tier 2 at scale 0.1 allows 2 per minute');
    } finally {
      await off.close();
    }
  });
});
