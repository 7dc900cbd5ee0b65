/**
 * The event subscription set from a workspace file: `runwire sandbox --workspace FILE --json` (a real
 * child process) delivers a message typed through the web page's post endpoint to the seed's
 * Request URL; a seed naming an unknown event type is refused with a clear error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { cliBin } from '../../helpers/paths.js';
import { startReceiver } from '../../helpers/event-receiver.js';
import { defaultSeed } from '../../../src/sandbox/seed.js';

test('runwire sandbox --workspace: the seed events section sets the Request URL and subscriptions', {
  timeout: 120_000,
}, async () => {
  const receiver = await startReceiver();
  const dir = await mkdtemp(join(tmpdir(), 'runwire-events-seed-'));
  const file = join(dir, 'workspace.json');
  // Only app mentions: a plain message must not be delivered, a mention must.
  await writeFile(
    file,
    JSON.stringify({ ...defaultSeed(), events: { request_url: receiver.url, subscriptions: ['app_mention'] } }),
  );
  const child = spawn(process.execPath, [cliBin, 'sandbox', '--json', '--port', '0', '--workspace', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  try {
    const first = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      lines.once('line', resolve);
      child.once('exit', (code) => reject(new Error(`sandbox exited (${code}) before printing: ${stderr}`)));
    });
    const info = JSON.parse(first) as { url: string };
    const app = (await (await fetch(`${info.url}sandbox/app`)).json()) as any;
    assert.equal(app.request_url, receiver.url);
    assert.deepEqual(app.events, ['app_mention']);
    const state = (await (await fetch(`${info.url}sandbox/web/state`)).json()) as any;
    const general = state.channels.find((c: any) => c.name === 'general');
    const erin = state.users.find((u: any) => u.name === 'erin');
    const post = (text: string): Promise<Response> =>
      fetch(`${info.url}sandbox/web/post`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ channel: general.id, user: erin.id, text }),
      });
    assert.equal((await post('just chatting')).status, 200);
    assert.equal((await post(`<@${state.app.bot_user_id}> run the cutover`)).status, 200);
    const [req] = await receiver.waitFor(1);
    assert.equal(req!.json.event.type, 'app_mention');
    assert.equal(req!.json.event.user, erin.id);
    const after = (await (await fetch(`${info.url}sandbox/app`)).json()) as any;
    assert.deepEqual(
      after.dispatches.map((d: any) => d.event_type),
      ['app_mention'],
      'the plain message was not subscribed to',
    );
  } finally {
    child.kill('SIGTERM');
    await receiver.close();
  }
});

test('a seed with an unknown event type is refused with a clear message, not a stack trace', {
  timeout: 60_000,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'runwire-events-seed-'));
  const file = join(dir, 'workspace.yaml');
  await writeFile(
    file,
    'events:\n  request_url: http://127.0.0.1:9/x\n  subscriptions: [message.channels, reaction_added_typo]\n',
  );
  const child = spawn(process.execPath, [cliBin, 'sandbox', '--json', '--workspace', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.notEqual(code, 0);
  assert.match(out, /not a valid sandbox workspace/);
  assert.match(out, /\/events\/subscriptions\/1/);
  assert.doesNotMatch(out, /\n\s+at .+\(.+:\d+:\d+\)/, 'no stack trace');
});
