import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasUrlCredentials, redactUrlCredentials } from '../../../src/core/redact.js';
import { redactSecrets } from '../../../src/slack/secret-box.js';

test('redactUrlCredentials hides the user-info of every URL in a text, and nothing else', () => {
  assert.equal(
    redactUrlCredentials('GET https://user:p%40ss@api.example.com/x?q=1 failed; see http://a:b@h:8/'),
    'GET https://user:***@api.example.com/x?q=1 failed; see http://a:***@h:8/',
  );
  assert.equal(redactUrlCredentials('"http://token@host/path"'), '"http://***@host/path"');
  assert.equal(
    redactUrlCredentials('mail ops@example.com at https://example.com/a@b'),
    'mail ops@example.com at https://example.com/a@b',
  );
  assert.equal(redactUrlCredentials('no url here'), 'no url here');
  assert.equal(hasUrlCredentials('https://u:p@h/'), true);
  assert.equal(hasUrlCredentials('https://h/?mail=a@b'), false);
  assert.equal(
    redactSecrets('postgres://admin:hunter2@db/x'),
    'postgres://admin:***@db/x',
    'one function, used by redactSecrets',
  );
});
