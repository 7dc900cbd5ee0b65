/**
 * slack.message over an incoming-webhook connection, through the real CLI against the sandbox's
 * webhooks (`/services/T…/B…/…`, URLs from its admin endpoint): messages go out paced, in task
 * order, once each, with the same states as token posts but no ts; `runwire check` warns that
 * delivery is at-least-once and refuses what a webhook cannot do; Slack's webhook errors end the
 * task with their fix; and a lost answer fails the task instead of posting a possible duplicate.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { collect, parseRun, SlackEnv, taskOf, waitFor } from './harness.js';

let env: SlackEnv;

before(async () => {
  // Slack-like limits on: the sandbox limits webhooks per channel as it does chat.postMessage.
  env = await SlackEnv.start({});
});
after(async () => env?.close());

/** A new sandbox webhook for a channel, added as a connection with `runwire connection add NAME --webhook-url`. */
async function addHook(name: string, channel: string): Promise<string> {
  const { url } = (await env.admin('POST', 'webhooks', { channel })) as unknown as { url: string };
  const r = await env.cli(['connection', 'add', name, '--webhook-url', url, '--slack-url', env.sandbox.url]);
  assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
  assert.ok(!`${r.stdout}${r.stderr}`.includes(url), 'the webhook URL (a secret) is not printed whole');
  return url;
}

function tasks(connection: string, texts: string[], extra = ''): string {
  return texts
    .map(
      (t, i) => `
  - id: h${i}
    type: slack.message
    connection: ${connection}
    message: "${t}"${extra}`,
    )
    .join('');
}

test('a webhook connection posts each message once, in task order, paced, with the same states as a token post', {
  timeout: 180_000,
}, async () => {
  await addHook('hook', '#ops');
  const texts = Array.from({ length: 5 }, (_, i) => `webhook message ${i} ${Math.random().toString(36).slice(2, 8)}`);
  const r = await env.run(
    `name: hook\ntasks:${tasks('hook', texts)}\n  - id: blocks\n    type: slack.message\n    connection: hook\n    depends_on: [h4]\n    message: "fallback text"\n    blocks: [{ type: section, text: { type: mrkdwn, text: "*block* text" } }]\n`,
  );
  assert.equal(r.code, 0, r.stderr);
  const ops = await env.messages('#ops');
  const mine = ops.filter((m) => texts.includes(m.text));
  assert.deepEqual(
    mine.map((m) => m.text),
    texts,
    'once each, in task order',
  );
  const withBlocks = ops.filter((m) => m.text === 'fallback text');
  assert.equal(withBlocks.length, 1);
  assert.ok(
    Array.isArray(withBlocks[0]!.blocks) && withBlocks[0]!.blocks.length === 1,
    'blocks went through the webhook',
  );
  for (const t of r.run.tasks) {
    const s = t.slack!;
    assert.equal(s.state, 'sent', JSON.stringify(s));
    assert.equal(s.ts, undefined, 'a webhook answers no ts');
    assert.equal(s.permalink, undefined);
    assert.match(s.note ?? '', /at-least-once/);
  }
  // Paced at Runwire's 1/s per webhook, the sandbox (burst 3, then 1/s) never had to answer 429.
  assert.deepEqual(
    r.run.tasks.map((t) => t.slack!.attempts),
    [1, 1, 1, 1, 1, 1],
  );
  const events = env.events(r.run.id);
  assert.ok(
    events.some((e) => /pre-flight warning: .*at-least-once/.test(e.message)),
    'the run records the at-least-once warning',
  );
  const h0 = events.filter((e) => e.task === 'h0').map((e) => e.message);
  const order = ['Message pending', 'Message sending', 'Message sent'].map((m) => h0.indexOf(`h0: ${m}`));
  assert.ok(
    order.every((i) => i >= 0) && order[0]! < order[1]! && order[1]! < order[2]!,
    `pending → sending → sent: ${JSON.stringify(h0)}`,
  );
});

test('check: at-least-once warning; thread, update, as_user refused with a fix; channel: unverifiable warned', {
  timeout: 120_000,
}, async () => {
  await addHook('hook-check', '#random');
  const yaml = `
name: hook-check
tasks:
  - id: plain
    type: slack.message
    connection: hook-check
    message: "fine"
  - id: named
    type: slack.message
    connection: hook-check
    channel: "#random"
    message: "channel given"
  - id: reply
    type: slack.message
    connection: hook-check
    depends_on: [plain]
    thread: plain
    message: "in the thread"
  - id: mine
    type: slack.message
    connection: hook-check
    channel: "#random"
    as_user: true
    message: "as me"
  - id: nowhere
    type: slack.message
    connection: default
    message: "a token connection needs a channel"
`;
  const file = await env.writeRunbook('hook-check.yaml', yaml);
  const before = (await env.messages('#random')).length;
  const c = await env.cli(['check', file, '--json']);
  assert.equal(c.code, 2, c.stdout + c.stderr);
  const report = JSON.parse(c.stdout) as {
    problems: Array<{ task?: string; code: string; severity: string; message: string; fix?: string }>;
  };
  const of = (code: string) => report.problems.filter((p) => p.code === code);
  assert.ok(
    of('runwire.slack.at_least_once').length >= 4 &&
      of('runwire.slack.at_least_once').every((p) => p.severity === 'warning'),
    JSON.stringify(report),
  );
  const unsupported = of('runwire.slack.webhook_unsupported');
  assert.deepEqual(
    unsupported.map((p) => p.severity),
    ['error', 'error'],
    JSON.stringify(report),
  );
  assert.ok(
    unsupported.some((p) => /^thread:/.test(p.message)) && unsupported.some((p) => /^as_user:/.test(p.message)),
  );
  assert.ok(unsupported.every((p) => /bot token/.test(p.fix ?? '')));
  assert.ok(
    of('runwire.slack.webhook_channel_unknown').every((p) => p.severity === 'warning') &&
      of('runwire.slack.webhook_channel_unknown').length === 2,
  );
  const noChannel = of('runwire.slack.no_channel');
  assert.equal(noChannel.length, 1, 'a token connection without channel: is an error');
  assert.equal(noChannel[0]!.severity, 'error');
  assert.match(noChannel[0]!.message, /not an incoming webhook/);
  assert.equal((await env.messages('#random')).length, before, 'check posts nothing');

  // A run: the plain message goes out; the thread reply and as_user fail with the same reason and fix.
  const r = await env.run(yaml);
  assert.notEqual(r.code, 0);
  assert.equal(taskOf(r.run, 'plain').slack?.state, 'sent');
  assert.equal(taskOf(r.run, 'nowhere').error?.code, 'runwire.slack.no_channel');
  for (const id of ['reply', 'mine']) {
    const t = taskOf(r.run, id);
    assert.equal(t.status, 'failed');
    assert.equal(t.error?.code, 'runwire.slack.webhook_unsupported', JSON.stringify(t));
    assert.match(t.error?.fix ?? '', /bot token/);
    assert.equal(t.attempts, 1, 'a webhook limitation is not retried');
  }
});

test('Slack webhook errors: a removed webhook, a wrong secret and an archived channel fail at once with their fix', {
  timeout: 120_000,
}, async () => {
  const url = await addHook('gone', '#incidents');
  await env.admin('POST', 'webhooks/revoke', { url });
  const live = (await env.admin('POST', 'webhooks', { channel: '#incidents' })) as unknown as { url: string };
  const added = await env.cli([
    'connection',
    'add',
    'wrong-secret',
    '--webhook-url',
    `${live.url.slice(0, -4)}abcd`,
    '--slack-url',
    env.sandbox.url,
  ]);
  assert.equal(added.code, 0, added.stderr);
  await addHook('archived', '#old-project');
  const before = (await env.messages('#incidents')).length;
  const r = await env.run(`
name: hook-errors
tasks:
  - { id: gone, type: slack.message, connection: gone, message: "x" }
  - { id: wrong, type: slack.message, connection: wrong-secret, message: "x" }
  - { id: archived, type: slack.message, connection: archived, message: "x" }
`);
  assert.notEqual(r.code, 0);
  const expect: Record<string, [string, RegExp]> = {
    gone: [
      'runwire.slack.webhook_no_service',
      /runwire connection remove gone && runwire connection add gone --webhook-url/,
    ],
    wrong: ['runwire.slack.webhook_invalid_token', /Copy the webhook URL again/],
    archived: ['runwire.slack.webhook_channel_is_archived', /Unarchive the channel/],
  };
  for (const [id, [code, fix]] of Object.entries(expect)) {
    const t = taskOf(r.run, id);
    assert.equal(t.status, 'failed');
    assert.equal(t.error?.code, code, JSON.stringify(t));
    assert.match(t.error?.fix ?? '', fix);
    assert.equal(t.slack?.state, 'failed');
    assert.equal(t.slack?.error?.code, code);
    assert.equal(t.attempts, 1, 'permanent: not retried');
  }
  assert.equal((await env.messages('#incidents')).length, before, 'nothing was posted');
  assert.ok(!(r.stdout + r.stderr).includes(url.split('/').at(-1)!), 'no webhook secret in the output');
});

test('a lost answer: the task fails asking to look in the channel, and the message is not posted twice', {
  timeout: 120_000,
}, async () => {
  await addHook('lossy', '#releases');
  await env.admin('POST', 'faults', {
    method: 'incoming-webhook',
    kind: 'lost_response',
    channel: 'releases',
    times: 1,
  });
  const text = `maybe lost ${Math.random().toString(36).slice(2, 8)}`;
  const r = await env.run(
    `name: lossy\ntasks:\n  - { id: lost, type: slack.message, connection: lossy, message: "${text}" }\n`,
  );
  assert.notEqual(r.code, 0);
  const t = taskOf(r.run, 'lost');
  assert.equal(t.error?.code, 'runwire.slack.webhook_outcome_unknown', JSON.stringify(t));
  assert.match(t.error?.fix ?? '', new RegExp(`runwire task skip ${r.run.id} lost`));
  assert.match(t.error?.fix ?? '', new RegExp(`runwire task retry ${r.run.id} lost`));
  assert.equal(t.attempts, 1, 'not retried blindly');
  assert.equal(
    (await env.messages('#releases')).filter((m) => m.text === text).length,
    1,
    'the one post that reached Slack, no duplicate',
  );
});

test('HTTP 200 with an error body is not "Message sent": a Slack code fails with its fix, anything else asks to look', {
  timeout: 120_000,
}, async () => {
  await addHook('two-hundred', '#ops');
  const before = (await env.messages('#ops')).length;
  await env.admin('POST', 'faults', {
    method: 'incoming-webhook',
    kind: 'error_body',
    error: 'no_service',
    channel: 'ops',
  });
  const r1 = await env.run(
    'name: ok-body\ntasks:\n  - { id: coded, type: slack.message, connection: two-hundred, message: "is it ok?" }\n',
  );
  assert.equal(r1.code, 1, r1.stderr);
  const coded = taskOf(r1.run, 'coded');
  assert.equal(coded.slack?.state, 'failed');
  assert.equal(coded.error?.code, 'runwire.slack.webhook_no_service');
  assert.match(coded.error?.fix ?? '', /runwire connection add two-hundred --webhook-url/);
  assert.ok(!env.events(r1.run.id).some((e) => e.message === 'Message sent'), 'never reported sent');

  await env.admin('POST', 'faults', {
    method: 'incoming-webhook',
    kind: 'error_body',
    error: '<html><body>Welcome to the proxy</body></html>',
    channel: 'ops',
  });
  const r2 = await env.run(
    'name: html-body\ntasks:\n  - { id: page, type: slack.message, connection: two-hundred, message: "is it ok?" }\n',
  );
  assert.equal(r2.code, 1, r2.stderr);
  const page = taskOf(r2.run, 'page');
  assert.equal(page.slack?.state, 'failed');
  assert.equal(page.error?.code, 'runwire.slack.webhook_outcome_unknown');
  assert.match(page.error?.message ?? '', /HTTP 200 with "<html>.*instead of Slack's "ok"/);
  assert.equal(page.attempts, 1, 'not posted again blindly');
  assert.equal((await env.messages('#ops')).length, before, 'nothing was posted');
});

test('SIGKILL while a webhook post is in flight, then resume: outcome unknown, not re-posted; task retry posts it once', {
  timeout: 180_000,
}, async () => {
  await addHook('crashy', '#general');
  await env.admin('POST', 'faults', {
    method: 'incoming-webhook',
    kind: 'timeout',
    hold_ms: 60_000,
    channel: 'general',
    times: 1,
  });
  const text = `survives a crash ${Math.random().toString(36).slice(2, 8)}`;
  const file = await env.writeRunbook(
    'crashy.yaml',
    `name: crashy\ntasks:\n  - { id: hook, type: slack.message, connection: crashy, message: "${text}" }\n`,
  );
  const child = env.spawn(['run', file, '--json']);
  const done = collect(child);
  // The sandbox took the fault: the post is in flight (held unanswered).
  await waitFor(
    async () => (((await env.admin('GET', 'faults')).faults as unknown[]).length === 0 ? true : undefined),
    'the webhook post to be in flight',
  );
  child.kill('SIGKILL');
  assert.equal((await done).code, null, 'killed, not finished');
  await env.admin('DELETE', 'faults');
  const db = new Database(join(env.dataDir, 'runwire.db'), { readonly: true, fileMustExist: true });
  const runId = (db.prepare('SELECT id FROM runs ORDER BY created_at DESC LIMIT 1').get() as { id: string }).id;
  db.close();

  const resumed = await env.cli(['resume', runId, '--json']);
  assert.notEqual(resumed.code, 0);
  const t = taskOf(parseRun(resumed), 'hook');
  assert.equal(t.error?.code, 'runwire.slack.webhook_outcome_unknown', JSON.stringify(t));
  assert.match(t.error?.fix ?? '', new RegExp(`runwire task retry ${runId} hook`));
  const mine = async () => (await env.messages('#general')).filter((m) => m.text === text);
  assert.equal((await mine()).length, 0, 'the held post never reached the channel, and resume did not post blindly');

  // The operator looked: not there. Retry posts it, once.
  const retried = await env.cli(['task', 'retry', runId, 'hook', '--json']);
  assert.equal(retried.code, 0, retried.stdout + retried.stderr);
  assert.equal(taskOf(parseRun(retried), 'hook').slack?.state, 'sent');
  assert.equal((await mine()).length, 1);
});

test('a rehearsal redirect over a webhook added by URL is refused (it would land in the live channel); rehearsal: send posts prefixed', {
  timeout: 120_000,
}, async () => {
  await addHook('rehearse', '#releases');
  const yaml = `
name: rehearse
tasks:
  - { id: redirect, type: slack.message, connection: rehearse, message: "redirected", rehearsal: { channel: "#random" } }
  - { id: send, type: slack.message, connection: rehearse, message: "rehearsed", rehearsal: send }
`;
  const file = await env.writeRunbook('rehearse.yaml', yaml);
  const c = await env.cli(['check', file, '--rehearsal', '--json']);
  assert.equal(c.code, 2);
  const problems = (
    JSON.parse(c.stdout) as { problems: Array<{ task?: string; code: string; severity: string; message: string }> }
  ).problems;
  const refused = problems.filter((p) => p.severity === 'error');
  assert.equal(refused.length, 1, JSON.stringify(problems));
  assert.equal(refused[0]!.code, 'runwire.slack.webhook_channel_unknown');
  assert.match(refused[0]!.message, /^rehearsal\.channel:/);

  const before = (await env.messages('#releases')).length;
  const r = await env.run(yaml, ['--rehearsal']);
  assert.equal(taskOf(r.run, 'redirect').error?.code, 'runwire.slack.webhook_channel_unknown');
  assert.equal(taskOf(r.run, 'send').slack?.state, 'sent');
  const added = (await env.messages('#releases')).slice(before).map((m) => m.text);
  assert.deepEqual(
    added,
    ['[REHEARSAL] rehearsed'],
    'only the rehearsal: send message, prefixed; nothing redirected into the live channel',
  );
});
