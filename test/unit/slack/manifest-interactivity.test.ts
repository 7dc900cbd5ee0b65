import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildManifest } from '../../../src/slack/connections/manifest.js';
import type { ConnectionRecord } from '../../../src/slack/connections/model.js';

const rec = {
  name: 'ops',
  kind: 'oauth_app',
  redirectUrl: 'http://127.0.0.1:3000/oauth/slack/callback',
  botScopes: ['chat:write'],
  userScopes: [],
} as unknown as ConnectionRecord;

test('the manifest points interactivity and /runwire at the server when its URL is known', () => {
  const m = buildManifest(rec, [], 'Runwire', 'https://runwire.example.com/');
  assert.deepEqual(m.settings.interactivity, {
    is_enabled: true,
    request_url: 'https://runwire.example.com/slack/interactivity',
  });
  assert.equal(m.features.slash_commands?.[0]?.command, '/runwire');
  assert.equal(m.features.slash_commands?.[0]?.url, 'https://runwire.example.com/slack/commands');
  const plain = buildManifest(rec);
  assert.equal(plain.settings.interactivity, undefined);
  assert.equal(plain.features.slash_commands, undefined);
});
