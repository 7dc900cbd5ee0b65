/**
 * The sandbox's event signatures checked by an independent implementation of Slack's documented
 * algorithm, written here from the docs (not imported from the sandbox): base string
 * `v0:{timestamp}:{raw body}`, HMAC-SHA256 with the signing secret, hex, `v0=` prefix; timestamps
 * more than five minutes from now are refused; comparison in constant time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { startSandbox } from '../../../src/sandbox/server.js';
import { eventsExtension } from '../../../src/sandbox/events/extension.js';
import { computeSlackSignature } from '../../../src/sandbox/events/signature.js';
import { startReceiver, type ReceivedRequest } from '../../helpers/event-receiver.js';

type Verdict = 'valid' | 'missing_headers' | 'stale' | 'bad_signature';

/** Slack's "Verifying requests from Slack" procedure, as an app would implement it. */
function verifySlackRequest(signingSecret: string, req: ReceivedRequest, nowSeconds: number): Verdict {
  const signature = req.headers['x-slack-signature'];
  const timestamp = req.headers['x-slack-request-timestamp'];
  if (typeof signature !== 'string' || typeof timestamp !== 'string' || !/^\d+$/.test(timestamp))
    return 'missing_headers';
  if (Math.abs(nowSeconds - Number(timestamp)) > 60 * 5) return 'stale';
  const mine = Buffer.from(
    `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${req.raw}`, 'utf8').digest('hex')}`,
    'utf8',
  );
  const theirs = Buffer.from(signature, 'utf8');
  if (mine.length !== theirs.length || !timingSafeEqual(mine, theirs)) return 'bad_signature';
  return 'valid';
}

test("the sandbox's signing function matches Slack's documented example", () => {
  // From Slack's "Verifying requests from Slack" guide.
  const body =
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
  assert.equal(
    computeSlackSignature('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body),
    'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
  );
  assert.throws(() => computeSlackSignature('', 1531420618, body), /signing secret is empty/);
});

test('sandbox deliveries verify with the right secret; a wrong secret, a stale timestamp and a changed body are rejected', async () => {
  const receiver = await startReceiver();
  const sb = await startSandbox({
    rateLimits: false,
    extensions: [eventsExtension({ config: { request_url: receiver.url } })],
  });
  try {
    const bob = [...sb.workspace.users.values()].find((u) => u.name === 'bob')!;
    // Non-ASCII text: the signature must cover the UTF-8 bytes actually sent.
    sb.workspace.postAsUser(bob.id, '#general', 'Déploiement terminé ✅ — “quoted”');
    const [req] = await receiver.waitFor(1);
    assert.ok(req);
    const sentAt = Number(req.headers['x-slack-request-timestamp']);
    const now = Math.floor(Date.now() / 1000);
    const secret = sb.credentials.signing_secret;

    assert.equal(verifySlackRequest(secret, req, now), 'valid');
    assert.equal(verifySlackRequest(`${secret}x`, req, now), 'bad_signature');
    assert.equal(verifySlackRequest('0'.repeat(secret.length), req, now), 'bad_signature');
    // A replay more than five minutes later is refused even though the signature is right.
    assert.equal(verifySlackRequest(secret, req, sentAt + 301), 'stale');
    assert.equal(verifySlackRequest(secret, req, sentAt + 299), 'valid');
    assert.equal(
      verifySlackRequest(secret, { ...req, raw: req.raw.replace('terminé', 'termine') }, now),
      'bad_signature',
    );
    const { 'x-slack-signature': _dropped, ...unsigned } = req.headers;
    assert.equal(verifySlackRequest(secret, { ...req, headers: unsigned }, now), 'missing_headers');
  } finally {
    await sb.close();
    await receiver.close();
  }
});
