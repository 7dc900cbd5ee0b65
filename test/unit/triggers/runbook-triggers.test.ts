import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRunbook, parseRunbookPositioned } from '../../../src/core/parse-runbook.js';
import { formatIssue } from '../../../src/core/format-issue.js';
import { builtinTaskTypes } from '../../../src/tasks/index.js';

const types = builtinTaskTypes();

const ISSUE_EXAMPLE = `name: Deploy
vars: { release: "0" }
triggers:
  - id: deploy-command
    type: slack.message
    connection: default
    channel: ["#deploys", "#ops"]
    match: '^deploy (?<release>\\d+)( rehearsal)?$'
    users: ["@alice", "@release-managers"]
    mode: live
    vars: { release: "{{trigger.match.release}}" }
    reply: true
  - id: nightly-dr
    type: schedule
    cron: "30 2 * * 1-5"
    timezone: Europe/London
    missed: skip
    mode: rehearsal
tasks:
  - id: announce
    type: milestone
`;

const lines = (text: string) => parseRunbook(text, 'r.yaml', types).issues.map(formatIssue);

/** The runbook above with its first trigger's lines replaced. */
function withTrigger(body: string): string {
  return `name: Deploy\nvars: { release: "0" }\ntriggers:\n${body}tasks:\n  - id: announce\n    type: milestone\n`;
}

test('the example from the issue parses, both trigger types, with positions', () => {
  const { runbook, issues } = parseRunbook(ISSUE_EXAMPLE, 'r.yaml', types);
  assert.deepEqual(issues, []);
  const [slack, schedule] = runbook?.triggers ?? [];
  assert.deepEqual(
    { id: slack?.id, type: slack?.type, mode: slack?.mode, vars: slack?.vars, line: slack?.position.line },
    {
      id: 'deploy-command',
      type: 'slack.message',
      mode: 'live',
      vars: { release: '{{trigger.match.release}}' },
      line: 4,
    },
  );
  assert.deepEqual(slack?.config.channel, ['#deploys', '#ops']);
  assert.equal(slack?.config.reply, true);
  assert.deepEqual(
    { id: schedule?.id, mode: schedule?.mode, cron: schedule?.config.cron, tz: schedule?.config.timezone },
    { id: 'nightly-dr', mode: 'rehearsal', cron: '30 2 * * 1-5', tz: 'Europe/London' },
  );
});

test('a runbook without triggers has none in its model', () => {
  const r = parseRunbook('name: x\ntasks:\n  - id: a\n    type: milestone\n', 'r.yaml', types);
  assert.equal(r.runbook?.triggers, undefined);
});

test('the JSON and the positioned YAML paths find the same triggers and problems', () => {
  const bad = withTrigger('  - id: t\n    type: slack.message\n    channel: "#ops"\n    match: "(unclosed"\n');
  const fast = parseRunbook(bad, 'r.yaml', types).issues;
  const slow = parseRunbookPositioned(bad, 'r.yaml', types).issues;
  assert.deepEqual(fast, slow);
  assert.equal(fast.length, 1);
  const json = JSON.stringify({
    name: 'x',
    vars: { release: '0' },
    triggers: [{ id: 't', type: 'schedule', cron: '* * *' }],
    tasks: [{ id: 'a', type: 'milestone' }],
  });
  const j = parseRunbook(json, 'r.json', types).issues.map(formatIssue);
  assert.equal(j.length, 1);
  assert.match(j[0] as string, /^r\.json:1:\d+ triggers\[0\]\.cron: cron needs 5 fields/);
});

test('problems are reported at the field, with the line and column', () => {
  const cases: Array<[string, RegExp]> = [
    [
      '  - id: t\n    type: slack.message\n    channel: "#ops"\n    match: "(unclosed"\n',
      /^r\.yaml:7:5 triggers\[0\]\.match: not a valid regular expression/,
    ],
    [
      '  - id: t\n    type: slack.mesage\n    channel: "#ops"\n',
      /^r\.yaml:5:5 triggers\[0\]\.type: unknown trigger type "slack.mesage" \(did you mean "slack.message"\?\)/,
    ],
    ['  - id: t\n    type: slack.message\n', /^r\.yaml:4:5 triggers\[0\]: .*channel/],
    [
      '  - id: t\n    type: slack.message\n    channel: "deploys"\n',
      /^r\.yaml:6:5 triggers\[0\]\.channel: expected a channel "#name"/,
    ],
    [
      '  - id: t\n    type: slack.message\n    channel: "#ops"\n    chanel: "#x"\n',
      /triggers\[0\]\.chanel: .*unknown field.*/,
    ],
    ['  - id: t\n    type: schedule\n    cron: "61 * * * *"\n', /^r\.yaml:6:5 triggers\[0\]\.cron: bad cron pattern/],
    [
      '  - id: t\n    type: schedule\n    cron: "0 2 * * *"\n    timezone: Europe/Lundon\n',
      /^r\.yaml:7:5 triggers\[0\]\.timezone: unknown time zone "Europe\/Lundon"/,
    ],
    ['  - id: t\n    type: schedule\n    cron: "0 2 * * *"\n    missed: sometimes\n', /triggers\[0\]\.missed: /],
    [
      '  - id: t\n    type: schedule\n    cron: "0 2 * * *"\n    mode: dry\n',
      /triggers\[0\]\.mode: mode must be "live" or "rehearsal"/,
    ],
    ['  - id: "bad id"\n    type: schedule\n    cron: "0 2 * * *"\n', /triggers\[0\]\.id: trigger ids use letters/],
  ];
  for (const [body, expected] of cases) {
    const got = lines(withTrigger(body));
    assert.equal(got.length, 1, `${body} -> ${got.join('\n')}`);
    assert.match(got[0] as string, expected);
  }
});

test('each channel and user is checked, with a hint', () => {
  const got = lines(
    withTrigger('  - id: t\n    type: slack.message\n    channel: ["#ops", "x y"]\n    users: ["alice"]\n'),
  );
  assert.deepEqual(got, [
    'r.yaml:6:23 triggers[0].channel[1]: expected a channel "#name" or id such as C0123ABCD, got string "x y"',
    'r.yaml:7:13 triggers[0].users[0]: expected "@name" (a user or a user group) or an id such as U0123ABCD or S0123ABCD, got string "alice"',
  ]);
});

test('ids are unique among triggers', () => {
  const got = lines(
    withTrigger('  - { id: t, type: schedule, cron: "0 2 * * *" }\n  - { id: t, type: schedule, cron: "0 3 * * *" }\n'),
  );
  assert.deepEqual(got, ['r.yaml:5:7 triggers[1].id: duplicate trigger id "t" (first used by triggers[0])']);
});

test('vars: declared runbook variables, templates over the values the type gives', () => {
  const slack = (vars: string, match = '^deploy (?<release>\\\\d+)$') =>
    lines(
      withTrigger(`  - id: t\n    type: slack.message\n    channel: C0OPS\n    match: "${match}"\n    vars: ${vars}\n`),
    );
  assert.deepEqual(slack('{ release: "{{trigger.match.release}} by {{trigger.user_name}} in {{runbook.name}}" }'), []);
  assert.match(
    slack('{ relase: "{{trigger.text}}" }').join('\n'),
    /triggers\[0\]\.vars\.relase: "relase" is not a variable of this runbook \(did you mean "release"\?\)/,
  );
  assert.match(
    slack('{ release: "{{trigger.match.version}}" }').join('\n'),
    /unknown trigger value "\{\{trigger\.match\.version\}\}" \(a slack\.message trigger gives trigger\.text, .*trigger\.match\.release\)/,
  );
  assert.match(slack('{ release: "{{trigger.scheduled_for}}" }').join('\n'), /unknown trigger value/);
  assert.match(slack('{ release: "{{tasks.a.output.x}}" }').join('\n'), /unknown template reference/);
  assert.match(slack('{ release: "{{trigger.text" }').join('\n'), /unclosed template/);
  const schedule = lines(
    withTrigger(
      '  - id: t\n    type: schedule\n    cron: "0 2 * * *"\n    vars: { release: "{{trigger.scheduled_for}}" }\n',
    ),
  );
  assert.deepEqual(schedule, []);
});
