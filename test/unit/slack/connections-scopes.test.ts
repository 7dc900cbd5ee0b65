import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnoseScopes, parseScopeUses, scopesForUses, SCOPE_REQUIREMENTS } from '../../../src/slack/scopes.js';

test('all scopes present: no findings', () => {
  const all = scopesForUses(['post', 'post_public', 'exactly_once', 'channel_names', 'dm', 'group_dm', 'webhook']);
  assert.deepEqual(
    diagnoseScopes(all, ['post', 'post_public', 'exactly_once', 'channel_names', 'dm', 'group_dm', 'webhook']),
    [],
  );
});

test('missing chat:write.public is an error with the exact fix', () => {
  const f = diagnoseScopes(['chat:write'], ['post', 'post_public']);
  assert.equal(f.length, 1);
  assert.equal(f[0]!.use, 'post_public');
  assert.equal(f[0]!.severity, 'error');
  assert.deepEqual(f[0]!.missing, ['chat:write.public']);
  assert.equal(f[0]!.fix, 'add chat:write.public to Bot Token Scopes (OAuth & Permissions) and reinstall the app');
});

test('missing history scopes only warn: delivery becomes at-least-once', () => {
  const f = diagnoseScopes(['chat:write', 'channels:history'], ['post', 'exactly_once']);
  assert.equal(f.length, 1);
  assert.equal(f[0]!.severity, 'warning');
  assert.deepEqual(f[0]!.missing, ['groups:history', 'im:history', 'mpim:history']);
  assert.match(f[0]!.message, /at-least-once/);
});

test('errors come before warnings; each use reports only what it lacks', () => {
  const f = diagnoseScopes(['users:read'], ['exactly_once', 'dm', 'channel_names', 'group_dm', 'webhook']);
  assert.deepEqual(
    f.map((x) => x.severity),
    ['error', 'error', 'error', 'error', 'warning'],
  );
  const dm = f.find((x) => x.use === 'dm')!;
  assert.deepEqual(dm.missing, ['users:read.email', 'im:write']);
  assert.deepEqual(f.find((x) => x.use === 'webhook')!.missing, ['incoming-webhook']);
  assert.deepEqual(f.find((x) => x.use === 'channel_names')!.missing, SCOPE_REQUIREMENTS.channel_names.scopes);
});

test('legacy chat:write:bot satisfies chat:write', () => {
  assert.deepEqual(diagnoseScopes(['chat:write:bot'], ['post']), []);
});

test('user tokens: fix names User Token Scopes; chat:write.public does not apply', () => {
  const f = diagnoseScopes([], ['post', 'post_public'], 'user');
  assert.equal(f.length, 1);
  assert.equal(f[0]!.use, 'post');
  assert.match(f[0]!.fix, /User Token Scopes/);
});

test('parseScopeUses rejects unknown uses, naming the valid ones', () => {
  assert.deepEqual(parseScopeUses('post, dm'), ['post', 'dm']);
  assert.throws(() => parseScopeUses('post,fly'), /unknown use "fly".*channel_names/);
});
