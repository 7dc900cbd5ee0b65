import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  maskSecret,
  open,
  redactSecrets,
  seal,
  secretKeyFromBytes,
  sealedKeyId,
  SecretOpenError,
} from '../../../src/slack/secret-box.js';
import { parseRawKey } from '../../../src/slack/connections/secret-key.js';

const key = secretKeyFromBytes(randomBytes(32), 'test');
const token = `xoxb-${randomBytes(6).toString('hex')}-${randomBytes(12).toString('hex')}`;

test('seal/open round trip, with a fresh IV each time', () => {
  const a = seal(key, token, 'conn/ops/botToken');
  const b = seal(key, token, 'conn/ops/botToken');
  assert.notEqual(a, b, 'two seals of one value must differ (random IV)');
  assert.ok(!a.includes(token) && !a.includes(Buffer.from(token).toString('base64')));
  assert.equal(sealedKeyId(a), key.id);
  assert.equal(open(key, a, 'conn/ops/botToken'), token);
  assert.equal(open(key, b, 'conn/ops/botToken'), token);
});

test('tampering with any part of the sealed value is detected', () => {
  const sealed = seal(key, token, 'aad');
  const parts = sealed.split('.');
  for (const i of [2, 3, 4]) {
    const p = [...parts];
    const buf = Buffer.from(p[i]!, 'base64url');
    buf[0] = buf[0]! ^ 0x01;
    p[i] = buf.toString('base64url');
    assert.throws(
      () => open(key, p.join('.'), 'aad'),
      (e: unknown) => e instanceof SecretOpenError && (e.reason === 'tampered' || e.reason === 'malformed'),
    );
  }
});

test('a value moved to another connection or field (different AAD) does not open', () => {
  const sealed = seal(key, token, 'conn/ops/botToken');
  assert.throws(
    () => open(key, sealed, 'conn/other/botToken'),
    (e: unknown) => e instanceof SecretOpenError && e.reason === 'tampered',
  );
});

test('a wrong key is reported as such, not as tampering', () => {
  const other = secretKeyFromBytes(randomBytes(32), 'other');
  const sealed = seal(key, token, 'aad');
  assert.throws(
    () => open(other, sealed, 'aad'),
    (e: unknown) => e instanceof SecretOpenError && e.reason === 'wrong_key',
  );
});

test('garbage is malformed', () => {
  assert.throws(
    () => open(key, 'not-sealed', 'aad'),
    (e: unknown) => e instanceof SecretOpenError && e.reason === 'malformed',
  );
});

test('maskSecret keeps a prefix and the last 4 characters only', () => {
  assert.equal(maskSecret('xoxb-1111-2222-abcdefa1b2'), 'xoxb-…a1b2');
  assert.equal(maskSecret('xoxp-1111-2222-abcdefzzzz'), 'xoxp-…zzzz');
  assert.equal(maskSecret('https://hooks.slack.com/services/T1/B2/abcdefgh1234'), 'https://hooks.slack.com/…1234');
  assert.equal(maskSecret('shortone'), '…');
  assert.equal(maskSecret(undefined), '');
  assert.ok(!maskSecret(token).includes(token.slice(5, -4)));
});

test('redactSecrets masks tokens and webhook URLs inside free text', () => {
  const text = `call failed with ${token} and https://hooks.slack.com/services/T000/B000/XXXXsecretYYYY`;
  const red = redactSecrets(text);
  assert.ok(!red.includes(token));
  assert.ok(!red.includes('XXXXsecretYYYY'));
  assert.ok(red.includes(maskSecret(token)));
});

test('RUNWIRE_SECRET_KEY: hex and base64 of 32 bytes are raw keys; other text is a passphrase', () => {
  const raw = randomBytes(32);
  assert.deepEqual(parseRawKey(raw.toString('hex')), raw);
  assert.deepEqual(parseRawKey(raw.toString('base64')), raw);
  assert.deepEqual(parseRawKey(raw.toString('base64url')), raw);
  assert.equal(parseRawKey('correct horse battery staple'), undefined);
  assert.equal(parseRawKey(randomBytes(16).toString('hex')), undefined);
});

test('redactSecrets masks secret fields in form bodies and JSON', () => {
  const secret = randomBytes(16).toString('hex');
  const refresh = `xoxe-1-${randomBytes(20).toString('hex')}`;
  const red = redactSecrets(
    `body: client_id=1.2&client_secret=${secret}&code=123.abcdefabcdef {"refresh_token":"${refresh}", "ok":true}`,
  );
  assert.ok(!red.includes(secret) && !red.includes(refresh) && !red.includes('123.abcdefabcdef'), red);
  assert.match(red, /client_id=1\.2&client_secret=…/);
  assert.match(red, /"ok":true/);
});

test('the SDK logger given to WebClient redacts before its sink sees a line', async () => {
  const { redactingLogger } = await import('../../../src/slack/web-client.js');
  const lines: string[] = [];
  const log = redactingLogger((lvl, line) => lines.push(`${lvl} ${line}`), 'debug');
  log.debug('http request body:', `token=${token}`);
  log.warn(new Error(`failed for ${token}`));
  log.error({ headers: { authorization: `Bearer ${token}` } });
  log.setLevel('error' as never);
  log.info(`dropped ${token}`);
  assert.equal(lines.length, 3);
  for (const l of lines) assert.ok(!l.includes(token), l);
  const quiet = redactingLogger(undefined);
  quiet.error(token); // no sink: nothing printed, nothing thrown
});
