/**
 * `runwire start` (what `npm start` runs), as a newcomer meets it: it starts the embedded Slack
 * sandbox, points the `default` connection at it, runs the Slack release example with progress,
 * and (with --exit) stops. The messages must really be in the sandbox: they are read back through
 * the sandbox's own Web API with the official client while it is still up.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { cliBin } from '../../helpers/paths.js';

interface Seen {
  stdout: string;
  stderr: string;
  code: number | null;
}

test('runwire start runs the Slack example against the embedded sandbox', { timeout: 180_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'runwire-start-'));
  const child = spawn(process.execPath, [cliBin, '--data-dir', join(dir, 'data'), 'start', '--port', '0'], {
    env: { ...process.env, NO_COLOR: '1', RUNWIRE_SLACK_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const seen: Seen = { stdout: '', stderr: '', code: null };
  child.stdout.setEncoding('utf8').on('data', (d: string) => (seen.stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (seen.stderr += d));
  const closed = new Promise<void>((done) =>
    child.on('close', (code) => {
      seen.code = code;
      done();
    }),
  );
  try {
    // The run ends, then start says the sandbox stays up.
    const until = Date.now() + 150_000;
    while (!seen.stdout.includes('Press Ctrl-C to stop.') && seen.code === null && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(seen.stdout, /Run r_\w+ succeeded \(11 succeeded\)/, seen.stdout + seen.stderr);
    const url = /Slack sandbox: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(seen.stdout)?.[1];
    assert.ok(url, seen.stdout);

    // The sandbox's web page is served, and #releases holds the announcement with its thread.
    const page = await fetch(url);
    assert.equal(page.status, 200);
    // A reader token of our own, from the sandbox's admin endpoint.
    const issued = await fetch(`${url}sandbox/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'bot', scopes: ['channels:read', 'channels:history'] }),
    });
    const token = ((await issued.json()) as Record<string, unknown>).token;
    assert.ok(typeof token === 'string', 'the sandbox issues a token');
    const slack = new WebClient(token, { slackApiUrl: `${url}api/` });
    const list = await slack.conversations.list({ types: 'public_channel' });
    const releases = list.channels?.find((c) => c.name === 'releases');
    assert.ok(releases?.id);
    const history = await slack.conversations.history({ channel: releases.id });
    const announce = history.messages?.find((m) => m.text?.includes('Release 42* cutover is starting'));
    assert.ok(announce?.ts, JSON.stringify(history.messages));
    const replies = await slack.conversations.replies({ channel: releases.id, ts: announce.ts });
    const texts = (replies.messages ?? []).map((m) => m.text);
    assert.ok(
      texts.includes('api deployed :white_check_mark:') && texts.includes('web deployed :white_check_mark:'),
      JSON.stringify(texts),
    );
  } finally {
    child.kill('SIGINT');
    await closed;
  }
  assert.match(seen.stdout, /Stopping the sandbox\./);
  assert.equal(seen.code, 0, seen.stderr);
});
