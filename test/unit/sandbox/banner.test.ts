import assert from 'node:assert/strict';
import { test } from 'node:test';
import { banner } from '../../../src/cli/commands/sandbox.js';
import { Workspace } from '../../../src/sandbox/workspace.js';

test('the sandbox banner counts people and channels in words that fit the number', () => {
  const one = new Workspace({
    team: { name: 'Solo' },
    users: [{ name: 'ann' }],
    channels: [{ name: 'pub', members: ['ann'] }],
  });
  const credentials = {
    bot_token: 'xoxb-1',
    app_token: 'xapp-1',
    signing_secret: 's',
    client_id: 'c',
    client_secret: 'cs',
  };
  const sb = {
    url: 'http://127.0.0.1:1/',
    apiUrl: 'http://127.0.0.1:1/api/',
    credentials,
    workspace: one,
  } as unknown as Parameters<typeof banner>[0];
  assert.match(banner(sb), /is running \(1 person, 1 channel\)/);
  const many = new Workspace({
    team: { name: 'Two' },
    users: [{ name: 'ann' }, { name: 'ben' }],
    channels: [
      { name: 'a', members: ['ann'] },
      { name: 'b', members: ['ben'] },
    ],
  });
  assert.match(banner({ ...sb, workspace: many } as typeof sb), /is running \(2 people, 2 channels\)/);
});
