/** Incoming webhooks through Slack's official IncomingWebhook client: `ok`, or Slack's plain-text errors. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { IncomingWebhook } from '@slack/webhook';
import type { Sandbox } from '../../../src/sandbox/server.js';
import { admin, channelId, coreSandbox } from './support.js';

/** Status and body of the HTTP error the client threw. */
async function httpError(p: Promise<unknown>): Promise<{ status: number; body: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as { code?: string; statusCode?: number; body?: string };
    assert.equal(e.code, 'slack_webhook_http_error', `expected an HTTP error, got ${String(err)}`);
    return { status: e.statusCode!, body: e.body! };
  }
  assert.fail('expected the webhook call to fail');
}

describe('sandbox incoming webhooks', () => {
  let sb: Sandbox;
  let url: string;
  before(async () => {
    sb = await coreSandbox({ rateLimits: false });
    url = (await admin(sb, 'POST', 'webhooks', { channel: '#releases' })).url as string;
  });
  after(async () => {
    await sb.close();
  });

  it("posts text and blocks to the hook's channel and answers ok", async () => {
    const hook = new IncomingWebhook(url);
    const r = await hook.send({
      text: 'v1.2.3 is out',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*v1.2.3* is out' } }],
    });
    assert.equal(r.text, 'ok');
    const last = sb.workspace.history(channelId(sb, 'releases'))[0]!;
    assert.equal(last.text, 'v1.2.3 is out');
    assert.equal(last.bot_id, sb.workspace.app.bot_id);
    assert.equal((last.blocks as Array<{ type: string }>)[0]!.type, 'section');
  });

  it('no_text 400, invalid_blocks 400, invalid_payload 400', async () => {
    const hook = new IncomingWebhook(url);
    assert.deepEqual(await httpError(hook.send({})), { status: 400, body: 'no_text' });
    assert.deepEqual(await httpError(hook.send({ text: 'x', blocks: [{ type: 'bogus' }] as never })), {
      status: 400,
      body: 'invalid_blocks',
    });
    // The client always sends JSON; a broken body needs plain HTTP.
    const raw = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    assert.deepEqual([raw.status, await raw.text()], [400, 'invalid_payload']);
  });

  it('wrong secret → invalid_token 403; unknown hook → no_service 404; wrong team → no_team 400', async () => {
    const parts = new URL(url).pathname.split('/');
    const base = `${sb.url}services`;
    assert.deepEqual(await httpError(new IncomingWebhook(`${base}/${parts[2]}/${parts[3]}/wrongsecret`).send('x')), {
      status: 403,
      body: 'invalid_token',
    });
    assert.deepEqual(await httpError(new IncomingWebhook(`${base}/${parts[2]}/B0NOSUCHHOOK/${parts[4]}`).send('x')), {
      status: 404,
      body: 'no_service',
    });
    assert.deepEqual(await httpError(new IncomingWebhook(`${base}/T0NOSUCHTEAM/${parts[3]}/${parts[4]}`).send('x')), {
      status: 400,
      body: 'no_team',
    });
  });

  it('a revoked hook answers no_service 404', async () => {
    const hookUrl = (await admin(sb, 'POST', 'webhooks', { channel: '#general' })).url as string;
    assert.equal((await new IncomingWebhook(hookUrl).send('before')).text, 'ok');
    await admin(sb, 'POST', 'webhooks/revoke', { url: hookUrl });
    assert.deepEqual(await httpError(new IncomingWebhook(hookUrl).send('after')), { status: 404, body: 'no_service' });
  });

  it('archived channel → channel_is_archived 410; deleted channel → channel_not_found 404', async () => {
    const archivedHook = (await admin(sb, 'POST', 'webhooks', { channel: '#ops' })).url as string;
    sb.workspace.channels.get(channelId(sb, 'ops'))!.is_archived = true;
    try {
      assert.deepEqual(await httpError(new IncomingWebhook(archivedHook).send('x')), {
        status: 410,
        body: 'channel_is_archived',
      });
    } finally {
      sb.workspace.channels.get(channelId(sb, 'ops'))!.is_archived = false;
    }
    const goneHook = (await admin(sb, 'POST', 'webhooks', { channel: '#random' })).url as string;
    sb.workspace.channels.delete(channelId(sb, 'random'));
    assert.deepEqual(await httpError(new IncomingWebhook(goneHook).send('x')), {
      status: 404,
      body: 'channel_not_found',
    });
  });

  it("webhook posts share the channel's 1-per-second limit (429 rate_limited)", async () => {
    let now = 1_700_000_000_000;
    const limited = await coreSandbox({ clock: () => now });
    try {
      const hookUrl = (await admin(limited, 'POST', 'webhooks', { channel: '#general' })).url as string;
      const hook = new IncomingWebhook(hookUrl);
      for (let i = 0; i < 3; i++) assert.equal((await hook.send(`burst ${i}`)).text, 'ok');
      assert.deepEqual(await httpError(hook.send('too fast')), { status: 429, body: 'rate_limited' });
      now += 1000;
      assert.equal((await hook.send('later')).text, 'ok');
    } finally {
      await limited.close();
    }
  });
});
