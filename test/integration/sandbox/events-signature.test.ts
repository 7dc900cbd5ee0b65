/**
 * The sandbox signs every Events API delivery the way Slack documents it; Runwire's own verifier
 * (`src/slack/verify-request.ts`, the one the product uses) accepts the deliveries and refuses a
 * wrong secret, a replay more than five minutes later, a changed body and a missing header.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox } from '../../../src/sandbox/server.js';
import { eventsExtension } from '../../../src/sandbox/events/extension.js';
import { computeSlackSignature } from '../../../src/sandbox/events/signature.js';
import { verifySlackRequest } from '../../../src/slack/verify-request.js';
import { startReceiver, type ReceivedRequest } from '../../helpers/event-receiver.js';

/** The product's verdict on a received request: 'ok' or its failure code. */
function verdict(signingSecret: string, req: ReceivedRequest, nowSeconds: number): string {
  const r = verifySlackRequest({ signingSecret, headers: req.headers, rawBody: req.raw, nowMs: nowSeconds * 1000 });
  return r.ok ? 'ok' : r.code;
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

    assert.equal(verdict(secret, req, now), 'ok');
    assert.equal(verdict(`${secret}x`, req, now), 'runwire.slack.request.bad_signature');
    assert.equal(verdict('0'.repeat(secret.length), req, now), 'runwire.slack.request.bad_signature');
    // A replay more than five minutes later is refused even though the signature is right.
    assert.equal(verdict(secret, req, sentAt + 301), 'runwire.slack.request.stale');
    assert.equal(verdict(secret, req, sentAt + 299), 'ok');
    assert.equal(
      verdict(secret, { ...req, raw: req.raw.replace('terminé', 'termine') }, now),
      'runwire.slack.request.bad_signature',
    );
    const { 'x-slack-signature': _dropped, ...unsigned } = req.headers;
    assert.equal(verdict(secret, { ...req, headers: unsigned }, now), 'runwire.slack.request.missing_headers');
  } finally {
    await sb.close();
    await receiver.close();
  }
});
