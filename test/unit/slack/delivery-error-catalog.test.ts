import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { slackReferenceDir } from '../../helpers/paths.js';
import { slackError, slackErrorCatalog } from '../../../src/slack/delivery/error-catalog.js';

function documentedCodes(file: string): string[] {
  const doc = JSON.parse(readFileSync(join(slackReferenceDir, 'methods', file), 'utf8')) as {
    errors: Record<string, unknown>;
  };
  return Object.keys(doc.errors);
}

test('every error Slack documents for chat.postMessage has a catalog entry with a fix', () => {
  const codes = new Set([
    ...documentedCodes('chat.postMessage.errors.json'),
    ...documentedCodes('chat.postMessage.json'),
  ]);
  assert.ok(codes.size > 30, 'the reference lists the documented codes');
  const missing = [...codes].filter((c) => !slackErrorCatalog[c]);
  assert.deepEqual(missing, []);
  for (const code of codes) {
    const e = slackError(code, { channel: '#ops', connection: 'prod' });
    assert.equal(e.code, `runwire.slack.${code}`);
    assert.ok(e.message.length > 10, code);
    assert.ok(e.fix && e.fix.length > 10, `${code} has a fix`);
  }
});

test('missing_scope names the needed scope and how to add it', () => {
  const e = slackError('missing_scope', {
    channel: '#ops',
    connection: 'prod',
    needed: 'chat:write:bot',
    provided: 'identify,bot',
  });
  assert.match(e.message, /chat:write:bot/);
  assert.match(e.fix ?? '', /chat:write:bot/);
  assert.match(e.fix ?? '', /runwire connection authenticate prod/);
  assert.equal(e.retryable, false);
});

test('not_in_channel says invite the bot or add chat:write.public', () => {
  const e = slackError('not_in_channel', { channel: '#ops', connection: 'prod' });
  assert.match(e.fix ?? '', /\/invite @.* in #ops/);
  assert.match(e.fix ?? '', /chat:write\.public/);
});

test('channel_not_found mentions private channels and the name', () => {
  const e = slackError('channel_not_found', { channel: '#secret', connection: 'prod' });
  assert.match(e.message, /#secret/);
  assert.match(e.fix ?? '', /private channel/);
});

test('revoked, expired and invalid tokens say re-authenticate the connection', () => {
  for (const code of ['invalid_auth', 'token_revoked', 'token_expired', 'account_inactive']) {
    const e = slackError(code, { connection: 'prod' });
    assert.match(e.fix ?? '', /runwire connection authenticate prod/, code);
    assert.equal(e.retryable, false);
  }
});

test('transient errors are retryable, permanent ones are not', () => {
  for (const code of ['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']) {
    assert.equal(slackError(code).retryable, true, code);
  }
  for (const code of ['is_archived', 'channel_not_found', 'no_text', 'invalid_blocks']) {
    assert.equal(slackError(code).retryable, false, code);
  }
});

test("an unknown code keeps Slack's code and is permanent", () => {
  const e = slackError('brand_new_error', { method: 'chat.postMessage' });
  assert.equal(e.code, 'runwire.slack.brand_new_error');
  assert.equal(e.retryable, false);
  assert.match(e.message, /brand_new_error/);
});
