/**
 * Each class of Slack error ends the task at once with a clear message and fix (in the run JSON and
 * the event log), `runwire check` reports all of them together without posting, and `run --strict`
 * refuses to start while a plain run records them as pre-flight warnings and goes on.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SlackEnv, taskOf } from './harness.js';

let env: SlackEnv;
const BASE = [
  'chat:write',
  'channels:read',
  'groups:read',
  'channels:history',
  'groups:history',
  'im:history',
  'mpim:history',
];

before(async () => {
  env = await SlackEnv.start({ rateLimits: false });
  // A bot without chat:write.public (cannot post where it is not a member).
  await env.addConnection('member-only', await env.token(BASE));
  // A bot that can read but not post.
  await env.addConnection('read-only', await env.token(BASE.filter((s) => s !== 'chat:write')));
  // A token Slack does not know, and one revoked after it was added.
  await env.addConnection('bogus', 'xoxb-0000-1111-notarealtoken', false);
  const revoked = await env.token(BASE);
  await env.addConnection('revoked', revoked);
  await env.admin('POST', 'tokens/revoke', { token: revoked });
});
after(async () => env?.close());

const RUNBOOK = `
name: errors
tasks:
  - id: not-member
    type: slack.message
    connection: member-only
    channel: "#deploys"
    message: "x"
  - id: no-channel
    type: slack.message
    channel: "#leadership"
    message: "x"
  - id: archived
    type: slack.message
    channel: "#old-project"
    message: "x"
  - id: no-scope
    type: slack.message
    connection: read-only
    channel: "#ops"
    message: "x"
  - id: bad-token
    type: slack.message
    connection: bogus
    channel: "#ops"
    message: "x"
  - id: revoked
    type: slack.message
    connection: revoked
    channel: "#ops"
    message: "x"
  - id: fine
    type: slack.message
    channel: "#ops"
    message: "this one goes"
`;

const EXPECTED: Record<string, { code: string; fix: RegExp }> = {
  'not-member': { code: 'runwire.slack.not_in_channel', fix: /\/invite @.*#deploys.*chat:write\.public/ },
  'no-channel': { code: 'runwire.slack.channel_not_found', fix: /private channel, invite the bot/ },
  archived: { code: 'runwire.slack.is_archived', fix: /Unarchive #old-project/ },
  // Bot-token connections: reinstall and add the token again (never `authenticate`, which refuses
  // them); a failed task is run again with `task retry` (issue 8 item 17).
  'no-scope': {
    code: 'runwire.slack.missing_scope',
    fix: /chat:write.*reinstall the app and add its token again: runwire connection update read-only --token -; then run the task again: runwire task retry/,
  },
  'bad-token': {
    code: 'runwire.slack.invalid_auth',
    fix: /^Reinstall the app in Slack .*Bot User OAuth Token \(xoxb-…\) again: runwire connection update bogus --token -; then run the task again: runwire task retry RUN TASK\.$/,
  },
  revoked: {
    code: 'runwire.slack.token_revoked',
    fix: /^Reinstall the app in Slack .*runwire connection update revoked --token -; then run the task again: runwire task retry RUN TASK\.$/,
  },
};

test('each error class fails its task at once with the message and the fix', { timeout: 180_000 }, async () => {
  const r = await env.run(RUNBOOK);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.run.status, 'failed');
  const events = env.events(r.run.id);
  for (const [id, want] of Object.entries(EXPECTED)) {
    const t = taskOf(r.run, id);
    assert.equal(t.status, 'failed', id);
    assert.equal(t.attempts, 1, `${id}: a permanent error is not retried`);
    assert.equal(t.slack?.state, 'failed', id);
    assert.equal(t.slack?.error?.code, want.code, id);
    assert.match(t.slack?.error?.fix ?? '', want.fix, id);
    assert.equal(t.error?.code, want.code, id);
    assert.ok(
      events.some((e) => e.task === id && e.message.startsWith(`${id}: Connection failed: `)),
      `${id} has a "Connection failed" event`,
    );
  }
  // The fix names the bot as Slack knows it (auth.test `user`), never a placeholder (issue 8 item 18).
  const bot = env.sandbox.workspace.users.get(env.sandbox.workspace.app.bot_user_id)!.name;
  assert.match(taskOf(r.run, 'not-member').slack?.error?.fix ?? '', new RegExp(`type /invite @${bot} in #deploys`));
  assert.match(taskOf(r.run, 'no-channel').slack?.error?.fix ?? '', new RegExp(`/invite @${bot} in that channel`));
  // missing_scope names the scope Slack said was needed.
  assert.match(taskOf(r.run, 'no-scope').slack?.error?.message ?? '', /chat:write/);
  // The problems were also found as the run started, recorded as pre-flight warnings; the run went on.
  assert.ok(events.filter((e) => e.kind === 'run.preflight').length >= 6);
  assert.equal(taskOf(r.run, 'fine').slack?.state, 'sent');
  // Nothing went to the channels that failed.
  assert.equal((await env.messages('#deploys')).filter((m) => m.metadata).length, 0);
  assert.equal((await env.messages('#old-project')).filter((m) => m.metadata).length, 0);
});

test('runwire check reports every problem at once without posting (exit 2); run --strict refuses to start', {
  timeout: 180_000,
}, async () => {
  const file = await env.writeRunbook('errors.yaml', RUNBOOK);
  const before = (await env.messages('#ops')).length;
  const c = await env.cli(['check', file, '--json']);
  assert.equal(c.code, 2, c.stderr);
  const report = JSON.parse(c.stdout) as {
    ok: boolean;
    problems: Array<{ task: string; code: string; fix?: string; severity: string }>;
  };
  assert.equal(report.ok, false);
  for (const [id, want] of Object.entries(EXPECTED)) {
    const p = report.problems.find((x) => x.task === id && x.severity === 'error');
    assert.ok(p, `check reports ${id}: ${JSON.stringify(report.problems)}`);
    // The pre-flight finds the same class of problem (for scopes and auth it asks auth.test, not the post).
    if (id !== 'no-scope') assert.equal(p.code, want.code, id);
    assert.ok(p.fix && p.fix.length > 0, `${id} has a fix`);
  }
  assert.equal(
    report.problems.some((x) => x.task === 'fine'),
    false,
  );

  const human = await env.cli(['check', file]);
  assert.equal(human.code, 2);
  assert.match(human.stdout, /error: archived: #old-project is archived/);
  assert.match(human.stdout, /fix: /);

  const strict = await env.cli(['run', file, '--strict']);
  assert.equal(strict.code, 2, strict.stdout + strict.stderr);
  assert.match(strict.stderr, /Not started/);
  assert.equal((await env.messages('#ops')).length, before, 'neither check nor a refused --strict run posts anything');
});

test('a clean runbook checks clean (exit 0)', { timeout: 60_000 }, async () => {
  const file = await env.writeRunbook(
    'clean.yaml',
    `
name: clean
tasks:
  - id: a
    type: slack.message
    channel: "#ops"
    message: hi
  - id: b
    type: slack.message
    channel: "@alice"
    message: hi
  - id: c
    type: slack.message
    channel: "#deploys"
    message: "public, not a member: chat:write.public covers it"
`,
  );
  const c = await env.cli(['check', file]);
  assert.equal(c.code, 0, c.stdout + c.stderr);
  assert.match(c.stdout, /pre-flight clean/);
});
