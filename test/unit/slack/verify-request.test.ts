import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { verifySlackRequest, type VerifyRequestInput } from '../../../src/slack/verify-request.js';

// Slack's own example from "Verifying requests from Slack".
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TS = 1531420618;
const BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const SIG = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';

function input(over: Partial<VerifyRequestInput> = {}): VerifyRequestInput {
  return {
    signingSecret: SECRET,
    headers: { 'x-slack-signature': SIG, 'x-slack-request-timestamp': String(TS) },
    rawBody: BODY,
    nowMs: TS * 1000 + 1500,
    ...over,
  };
}

const codeOf = (over: Partial<VerifyRequestInput>) => {
  const r = verifySlackRequest(input(over));
  return r.ok ? 'ok' : r.code;
};

test("Slack's documented example verifies, as a string or as the body's bytes, with headers in any case", () => {
  assert.deepEqual(verifySlackRequest(input()), { ok: true, timestamp: TS });
  assert.equal(codeOf({ rawBody: Buffer.from(BODY, 'utf8') }), 'ok');
  assert.equal(codeOf({ headers: { 'X-Slack-Signature': SIG, 'X-Slack-Request-Timestamp': String(TS) } }), 'ok');
});

test('a wrong secret is refused', () => {
  assert.equal(codeOf({ signingSecret: `${SECRET}x` }), 'runwire.slack.request.bad_signature');
  assert.equal(codeOf({ signingSecret: '0'.repeat(SECRET.length) }), 'runwire.slack.request.bad_signature');
});

test('a tampered body is refused, including a change to one non-ASCII character', () => {
  assert.equal(codeOf({ rawBody: BODY.replace('foobar', 'foobaz') }), 'runwire.slack.request.bad_signature');
  assert.equal(codeOf({ rawBody: `${BODY} ` }), 'runwire.slack.request.bad_signature');
  const body = 'Déploiement terminé ✅';
  const ts = String(TS);
  const sig = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`, 'utf8').digest('hex')}`;
  const headers = { 'x-slack-signature': sig, 'x-slack-request-timestamp': ts };
  assert.equal(codeOf({ headers, rawBody: body }), 'ok');
  assert.equal(codeOf({ headers, rawBody: body.replace('é', 'e') }), 'runwire.slack.request.bad_signature');
});

test('a timestamp more than five minutes old is stale, more than five minutes ahead is future; the edges pass', () => {
  assert.equal(codeOf({ nowMs: (TS + 300) * 1000 }), 'ok');
  assert.equal(codeOf({ nowMs: (TS + 301) * 1000 }), 'runwire.slack.request.stale');
  assert.equal(codeOf({ nowMs: (TS - 300) * 1000 }), 'ok');
  assert.equal(codeOf({ nowMs: (TS - 301) * 1000 }), 'runwire.slack.request.future');
});

test('a missing secret or header fails closed', () => {
  assert.equal(codeOf({ signingSecret: undefined }), 'runwire.slack.request.missing_secret');
  assert.equal(codeOf({ signingSecret: '' }), 'runwire.slack.request.missing_secret');
  assert.equal(
    codeOf({ headers: { 'x-slack-request-timestamp': String(TS) } }),
    'runwire.slack.request.missing_headers',
  );
  assert.equal(codeOf({ headers: { 'x-slack-signature': SIG } }), 'runwire.slack.request.missing_headers');
  assert.equal(codeOf({ headers: {} }), 'runwire.slack.request.missing_headers');
});

test('malformed or repeated signing headers are refused as bad_format', () => {
  const ts = String(TS);
  for (const signature of [SIG.replace('v0=', 'v1='), SIG.toUpperCase(), SIG.slice(0, -2), `${SIG}00`, 'v0=', ''])
    assert.equal(
      codeOf({ headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': ts } }),
      'runwire.slack.request.bad_format',
      signature,
    );
  for (const timestamp of ['abc', '', '-1', '1531420618.5', ' 1531420618'])
    assert.equal(
      codeOf({ headers: { 'x-slack-signature': SIG, 'x-slack-request-timestamp': timestamp } }),
      'runwire.slack.request.bad_format',
      timestamp,
    );
  assert.equal(
    codeOf({ headers: { 'x-slack-signature': [SIG, SIG], 'x-slack-request-timestamp': ts } }),
    'runwire.slack.request.bad_format',
  );
  assert.equal(
    codeOf({ headers: { 'x-slack-signature': SIG, 'X-Slack-Signature': SIG, 'x-slack-request-timestamp': ts } }),
    'runwire.slack.request.bad_format',
  );
});
