/**
 * What people see of a slack.message task outside the JSON: `runwire runs show` prints the task's
 * detail (state, channel, message, permalink, and the fix when it failed), and the run summary of
 * a failed run prints each failure's fix. Also: in a rehearsal, a task whose template uses the
 * output of a task that was not run still previews (with a visible placeholder) instead of failing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SlackEnv, taskOf } from './harness.js';

let env: SlackEnv;
before(async () => {
  env = await SlackEnv.start({ rateLimits: false });
});
after(async () => env?.close());

test("runs show prints each Slack task's state, channel, message and fix; the summary prints the fix", {
  timeout: 120_000,
}, async () => {
  const file = await env.writeRunbook(
    'detail.yaml',
    `
name: detail
tasks:
  - id: hello
    type: slack.message
    channel: "#general"
    message: "Hello *sandbox*"
  - id: archived
    type: slack.message
    channel: "#old-project"
    message: "Into the void"
`,
  );
  const run = await env.cli(['run', file]);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.match(run.stdout, /failed: archived: .*archived/);
  assert.match(run.stdout, /\n {2}fix: Unarchive #old-project/);

  const runId = /Run (r_\w+) failed/.exec(run.stdout)?.[1];
  assert.ok(runId, run.stdout);
  const show = await env.cli(['runs', 'show', runId]);
  assert.equal(show.code, 0, show.stderr);
  const posted = (await env.messages('#general')).find((m) => m.text === 'Hello *sandbox*');
  assert.ok(posted, 'the message reached the sandbox');
  const lines = show.stdout.split('\n');
  const at = lines.findIndex((l) => l.trimStart().startsWith('hello '));
  assert.ok(at >= 0, show.stdout);
  assert.match(lines[at + 1]!, new RegExp(`Message sent — #general \\(C\\w+\\), ts ${posted.ts.replace('.', '\\.')}`));
  assert.equal(lines[at + 2]!.trim(), 'message: Hello *sandbox*');
  assert.match(lines[at + 3]!, /permalink: http:\/\/127\.0\.0\.1:\d+\/archives\/C\w+\/p\d+/);
  const bad = lines.findIndex((l) => l.trimStart().startsWith('archived '));
  assert.match(lines[bad + 1]!, /Connection failed — #old-project/);
  assert.ok(
    lines.slice(bad + 1, bad + 5).some((l) => /^\s+fix: Unarchive #old-project/.test(l)),
    show.stdout,
  );
});

test('in a rehearsal, a reference to the output of a task not run renders as a placeholder', {
  timeout: 120_000,
}, async () => {
  const yaml = `
name: placeholder
tasks:
  - id: announce
    type: slack.message
    channel: "#releases"
    message: "Release starts"
  - id: link
    type: slack.message
    depends_on: [announce]
    channel: "#ops"
    message: "See {{tasks.announce.output.permalink}}"
    rehearsal: send
`;
  const r = await env.run(yaml, ['--rehearsal']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(taskOf(r.run, 'announce').status, 'skipped');
  const link = taskOf(r.run, 'link');
  assert.equal(link.status, 'succeeded');
  assert.equal(link.slack?.text, '[REHEARSAL] See [skipped: tasks.announce.output.permalink]');

  // A live run of the same runbook renders the real permalink.
  const live = await env.run(yaml);
  assert.equal(live.code, 0, live.stderr);
  assert.equal(taskOf(live.run, 'link').slack?.text, `See ${String(taskOf(live.run, 'announce').output?.permalink)}`);
});
