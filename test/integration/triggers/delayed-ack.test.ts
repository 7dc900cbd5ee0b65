/**
 * Slack retries a delivery whose ack is late: a proxy between the sandbox and the server holds the
 * first response of each event past the sandbox's ack timeout (as a slow network or load balancer
 * would), so the sandbox retries it (X-Slack-Retry-Num: 1, reason http_timeout) while the server has
 * already recorded it. One run starts; the retry is kept as a duplicate.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { startSandbox } from '../../../src/sandbox/server.js';
import { eventsExtension } from '../../../src/sandbox/events/extension.js';
import { socketModeExtension } from '../../../src/sandbox/socket-mode/extension.js';
import { webExtension } from '../../../src/sandbox/web/extension.js';
import { postAs, pushRunbook, type Rig, runsOf, startRig, waitFor } from './harness.js';

let rig: Rig;
let proxy: Server;
const seen: Array<{ retry: string | undefined }> = [];

before(async () => {
  const sb = await startSandbox({
    rateLimits: false,
    extensions: [
      eventsExtension({ policy: { ackTimeoutMs: 400, maxRetries: 3, retryDelaysMs: [0, 300, 600] } }),
      socketModeExtension(),
      webExtension(),
    ],
  });
  rig = await startRig({ sandbox: sb, requestUrl: false });
  const target = `${rig.server.url}/slack/events`;
  proxy = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
    const isEvent = body.toString('utf8').includes('"event_callback"');
    const retry = req.headers['x-slack-retry-num'] as string | undefined;
    if (isEvent) seen.push({ retry });
    const answer = await fetch(target, { method: 'POST', headers, body });
    const text = await answer.text();
    // The first delivery's ack arrives after the sandbox gave up on it.
    if (isEvent && retry === undefined) await new Promise((r) => setTimeout(r, 900));
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' }).end(text);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const port = (proxy.address() as { port: number }).port;
  const set = await fetch(`${sb.url}sandbox/app`, {
    method: 'POST',
    body: JSON.stringify({ request_url: `http://127.0.0.1:${port}/slack/events`, socket_mode: false }),
  });
  assert.equal(set.status, 200, await set.text());
  await pushRunbook(
    rig,
    'slow',
    `name: Slow ack\nvars: { release: "0" }\ntriggers:\n  - id: cmd\n    type: slack.message\n    channel: "#releases"\n    match: '^deploy (?<release>\\d+)$'\ntasks:\n  - id: done\n    type: milestone\n`,
  );
});
after(async () => {
  proxy?.close();
  await rig?.close();
  await rig?.sb.close();
});

test('a delivery retried because its ack was late starts one run', async () => {
  await postAs(rig.sb, 'alice', 'releases', 'deploy 5');
  await waitFor('the retry to reach the server', async () => (seen.some((s) => s.retry === '1') ? true : undefined));
  await waitFor('the run', async () => ((await runsOf(rig.server, 'Slow ack')).length ? true : undefined));
  await waitFor('the retry kept as a duplicate', async () => {
    const all = await rig.server.runtime.triggers.history({ kind: 'slack.event', limit: 50 });
    return all.some((e) => e.outcome === 'duplicate' && /retry 1 \(http_timeout\)/.test(e.detail ?? ''))
      ? true
      : undefined;
  });
  await new Promise((r) => setTimeout(r, 1000));
  const runs = await runsOf(rig.server, 'Slow ack');
  assert.equal(runs.length, 1);
  assert.equal((await rig.server.runtime.runtime.store.getRun(runs[0]!.id))?.vars.release, '5');
});
