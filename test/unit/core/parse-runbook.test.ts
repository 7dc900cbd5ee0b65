import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { parseRunbook } from '../../../src/core/parse-runbook.js';
import { formatIssue } from '../../../src/core/format-issue.js';
import { defineTaskType, type TaskTypeDefinition, type ValidationGraph } from '../../../src/core/task-type.js';
import { builtinTaskTypes } from '../../../src/tasks/index.js';

const types = builtinTaskTypes();
const lines = (text: string, file = 'release.yaml', opts = {}) =>
  parseRunbook(text, file, types, opts).issues.map(formatIssue);

const RELEASE = `name: Weekend cutover
description: optional text
vars: { release: "42" }
tasks:
  - id: freeze
    name: Freeze deployments
    type: manual
  - id: smoke
    type: http
    depends_on: [freeze]
    url: "https://status.example.com/{{vars.release}}"
    retry: { attempts: 3, backoff: 2s }
`;

test('the example from the issue parses into the model', () => {
  const { runbook, issues } = parseRunbook(RELEASE, 'release.yaml', types);
  assert.deepEqual(issues, []);
  assert.ok(runbook);
  assert.equal(runbook.name, 'Weekend cutover');
  assert.equal(runbook.description, 'optional text');
  assert.deepEqual(runbook.vars, { release: '42' });
  assert.equal(runbook.source, 'release.yaml');
  const [freeze, smoke] = runbook.tasks;
  assert.deepEqual(
    { id: freeze?.id, name: freeze?.name, type: freeze?.type, deps: freeze?.depends_on, input: freeze?.input },
    { id: 'freeze', name: 'Freeze deployments', type: 'manual', deps: [], input: {} },
  );
  assert.equal(smoke?.name, 'smoke', 'name defaults to the id');
  assert.deepEqual(smoke?.depends_on, ['freeze']);
  assert.deepEqual(
    smoke?.input,
    { url: 'https://status.example.com/{{vars.release}}' },
    'common fields are not input; templates unrendered',
  );
  assert.deepEqual(
    smoke?.retry,
    { attempts: 3, backoffMs: 2000, maxBackoffMs: 30_000 },
    'max backoff from the type default',
  );
  assert.deepEqual(smoke?.position, { file: 'release.yaml', line: 8, column: 5 });
});

test('an unknown dependency is reported as file:line:col field: message', () => {
  const text = `name: Release
tasks:
  - id: freeze
    type: manual
  - id: backup
    type: milestone
    depends_on: [freeze]
  - id: migrate
    type: milestone
    depends_on: [backup]
  - id: app
    type: milestone
    name: Deploy the app
    depends_on: [deploy-db]
`;
  assert.deepEqual(lines(text), ['release.yaml:14:5 tasks[3].depends_on: unknown task "deploy-db"']);
});

test('every problem is reported at once, in file order', () => {
  const text = `name: Many mistakes
vars: { release: "42" }
tasks:
  - id: a
    type: htp
  - id: b
    type: wait
    duration: 30x
    depends_on: [ghost]
  - id: a
    type: milestone
  - id: c
    type: http
    url: "https://x/{{vars.nope}}"
    rehearsal: sometimes
`;
  const out = lines(text);
  assert.deepEqual(out, [
    'release.yaml:5:5 tasks[0].type: unknown task type "htp" (did you mean "http"?)',
    'release.yaml:8:5 tasks[1].duration: invalid duration "30x" (use a number with a unit: 250ms, 30s, 2m, 1h30m, 1d)',
    'release.yaml:9:5 tasks[1].depends_on: unknown task "ghost"',
    'release.yaml:10:5 tasks[2].id: duplicate task id "a" (first used by tasks[0])',
    'release.yaml:14:5 tasks[3].url: unknown variable "nope" in "{{vars.nope}}" (declare it under vars: or pass --var nope=...)',
    'release.yaml:15:5 tasks[3].rehearsal: rehearsal must be "run" or "skip", got string "sometimes"',
  ]);
});

test('YAML syntax errors carry the position the parser found', () => {
  const out = lines('name: x\ntasks:\n  - id: a\n    type: [milestone\n');
  assert.equal(out.length >= 1, true);
  assert.match(out[0] ?? '', /^release\.yaml:\d+:\d+ YAML syntax error: /);
  assert.deepEqual(lines('name: x\nname: y\ntasks: []\n'), [
    'release.yaml:2:1 YAML syntax error: Map keys must be unique',
  ]);
});

test('a dependency cycle names its tasks in run order', () => {
  const text = `name: Cycle
tasks:
  - id: a
    type: milestone
    depends_on: [c]
  - id: b
    type: milestone
    depends_on: [a]
  - id: c
    type: milestone
    depends_on: [b]
  - id: d
    type: milestone
    depends_on: [c]
`;
  assert.deepEqual(lines(text), [
    'release.yaml:5:5 tasks[0].depends_on: dependency cycle: a -> b -> c -> a (each must finish before the next can start)',
  ]);
  assert.deepEqual(lines('name: x\ntasks:\n  - { id: me, type: milestone, depends_on: [me] }\n'), [
    'release.yaml:3:32 tasks[0].depends_on: task "me" depends on itself',
  ]);
});

test('a dependency declared later is fine, and a cycle after an acyclic start is still found', () => {
  // Declaration order that is already a run order skips the cycle search; these are not in that order.
  assert.deepEqual(
    lines('name: x\ntasks:\n  - { id: a, type: milestone, depends_on: [b] }\n  - { id: b, type: milestone }\n'),
    [],
  );
  const text = `name: Later cycle
tasks:
  - { id: a, type: milestone }
  - { id: b, type: milestone, depends_on: [a] }
  - { id: c, type: milestone, depends_on: [b, d] }
  - { id: d, type: milestone, depends_on: [c] }
  - { id: d, type: milestone, depends_on: [a] }
`;
  assert.deepEqual(lines(text), [
    'release.yaml:5:31 tasks[2].depends_on: dependency cycle: c -> d -> c (each must finish before the next can start)',
    'release.yaml:7:7 tasks[4].id: duplicate task id "d" (first used by tasks[3])',
  ]);
});

test('JSON is accepted, with positions', () => {
  const json = `{
  "name": "JSON",
  "tasks": [
    { "id": "a", "type": "milestone" },
    { "id": "b", "type": "wait", "duration": 5 }
  ]
}`;
  assert.deepEqual(lines(json, 'r.json'), [
    'r.json:5:34 tasks[1].duration: expected a duration such as 250ms, 30s, 2m or 1h30m, got integer 5',
  ]);
  const ok = parseRunbook(json.replace('5 }', '"5s" }'), 'r.json', types);
  assert.deepEqual(ok.issues, []);
  assert.equal(ok.runbook?.tasks[1]?.input.duration, '5s');
  assert.deepEqual(
    ok.runbook?.tasks[1]?.position,
    { file: 'r.json', line: 5, column: 5 },
    'a task starts at its opening brace',
  );
  // Positions from the JSON fast path agree with the YAML parser's (a trailing comment forces YAML).
  const broken = json.replace('"milestone"', '"milestone", "url": 1').replace('"a"', '"a b"');
  assert.deepEqual(lines(broken, 'r.json'), lines(`${broken}\n# via yaml\n`, 'r.json'));
  assert.equal(lines(broken, 'r.json').length, 3);
  // JSON.parse would keep the last duplicate silently; it is reported instead.
  assert.deepEqual(lines('{"name": "a", "name": "b", "tasks": []}', 'd.json'), [
    'd.json:1:15 YAML syntax error: Map keys must be unique',
  ]);
});

test('templates: --var counts as declared; task outputs only from ancestors', () => {
  const text = `name: T
tasks:
  - id: login
    type: http
    url: https://x/login
  - id: side
    type: milestone
  - id: use
    type: http
    depends_on: [side]
    url: "https://x/{{vars.env}}?t={{tasks.login.output.body.token}}"
`;
  assert.deepEqual(lines(text, 't.yaml', { vars: { env: 'prod' } }), [
    't.yaml:11:5 tasks[2].url: template "{{tasks.login.output.body.token}}" refers to task "login", which is not an ancestor (add it to depends_on)',
  ]);
  const fixed = text.replace('depends_on: [side]', 'depends_on: [side, login]');
  assert.equal(lines(fixed, 't.yaml').length, 1, 'without --var env the variable is unknown');
  assert.deepEqual(lines(fixed, 't.yaml', { vars: { env: 'prod' } }), []);
  // A template may stand for a duration; it is checked when rendered.
  assert.deepEqual(lines('name: W\nvars: { d: 5s }\ntasks:\n  - { id: w, type: wait, duration: "{{vars.d}}" }\n'), []);
});

test('not a runbook at all', () => {
  assert.deepEqual(lines(''), ['release.yaml:1:1 the file is empty; a runbook needs at least "name" and "tasks"']);
  assert.deepEqual(lines('- a\n- b\n'), ['release.yaml:1:1 a runbook must be a mapping with "name" and "tasks"']);
  assert.deepEqual(lines('just text\n'), ['release.yaml:1:1 a runbook must be a mapping with "name" and "tasks"']);
  assert.deepEqual(lines('tasks:\n  - { id: a, type: milestone }\n'), [
    'release.yaml:1:1 missing required field "name"',
  ]);
});

test('unknown fields get a suggestion, including the common task fields', () => {
  assert.deepEqual(
    lines('name: x\ntasks:\n  - id: a\n    type: milestone\n  - id: b\n    type: manual\n    depend_on: [a]\n'),
    ['release.yaml:7:5 tasks[1].depend_on: unknown field "depend_on" (did you mean "depends_on"?)'],
  );
  assert.deepEqual(lines('name: x\ntasks:\n  - { id: a, type: http, url: "https://x", timout: 5s }\n'), [
    'release.yaml:3:44 tasks[0].timout: unknown field "timout" (did you mean "timeout"?)',
  ]);
});

test('a type that declares rehearsal itself validates it, and its validate hook sees the graph', () => {
  const seen: string[] = [];
  const message = defineTaskType({
    type: 'test.message',
    title: 'Test message',
    description: 'A test type with a thread field.',
    icon: 'slack',
    input: Type.Object({
      text: Type.String(),
      thread: Type.Optional(Type.String()),
      rehearsal: Type.Optional(Type.Union([Type.Literal('skip'), Type.Literal('send')])),
    }),
    rehearsal: 'skip',
    idempotent: false,
    retry: { attempts: 1, backoffMs: 100 },
    validate(input, graph: ValidationGraph) {
      if (input.thread === undefined) return [];
      seen.push(`${input.thread}:${graph.typeOf(input.thread)}:${graph.isAncestor(input.thread)}`);
      return graph.isAncestor(input.thread)
        ? []
        : [{ field: 'thread', message: `"${input.thread}" must be an ancestor` }];
    },
    async run() {
      return { status: 'succeeded' };
    },
  });
  const reg = new Map<string, TaskTypeDefinition>([...types, ['test.message', message as TaskTypeDefinition]]);
  const text = `name: Messages
tasks:
  - id: first
    type: test.message
    text: hello
    rehearsal: send
  - id: reply
    type: test.message
    text: again
    thread: first
    depends_on: [first]
  - id: orphan
    type: test.message
    text: lost
    thread: first
    rehearsal: run
`;
  const r = parseRunbook(text, 'm.yaml', reg);
  // A schema problem does not hide the type's own finding in the same task (issue 8 item 18).
  assert.deepEqual(r.issues.map(formatIssue), [
    'm.yaml:15:5 tasks[2].thread: "first" must be an ancestor',
    'm.yaml:16:5 tasks[2].rehearsal: must be one of "skip", "send", got string "run"',
  ]);
  assert.deepEqual(seen, ['first:test.message:true', 'first:test.message:false']);
  const fixed = parseRunbook(text.replace('rehearsal: run', 'rehearsal: skip'), 'm.yaml', reg);
  assert.deepEqual(fixed.issues.map(formatIssue), ['m.yaml:15:5 tasks[2].thread: "first" must be an ancestor']);
  assert.deepEqual(seen, [
    'first:test.message:true',
    'first:test.message:false',
    'first:test.message:true',
    'first:test.message:false',
  ]);
  const ok = parseRunbook(
    text.replace('rehearsal: run', 'rehearsal: skip').replace('lost\n', 'lost\n    depends_on: [reply]\n'),
    'm.yaml',
    reg,
  );
  assert.deepEqual(ok.issues, []);
  assert.equal(ok.runbook?.tasks[0]?.input.rehearsal, 'send', 'the declared rehearsal field is part of the input');
  assert.equal(ok.runbook?.tasks[0]?.rehearsal, 'send');
});

test('YAML anchors with merge keys share fields; x- keys hold them', () => {
  const text = `name: Probes
x-probe: &probe
  type: http
  timeout: 5s
  expect_status: [200, 204]
tasks:
  - id: api
    <<: *probe
    url: https://api.example.com/health
  - id: web
    <<: *probe
    url: https://www.example.com/health
    timeout: 10s
`;
  const r = parseRunbook(text, 'p.yaml', types);
  assert.deepEqual(r.issues, []);
  assert.deepEqual(
    r.runbook?.tasks.map((t) => [t.type, t.input.timeout, t.input.expect_status]),
    [
      ['http', '5s', [200, 204]],
      ['http', '10s', [200, 204]],
    ],
  );
  assert.deepEqual(lines(text.replace('x-probe', 'probe')), [
    'release.yaml:2:1 probe: unknown field "probe" (known fields: name, description, vars, notify, tasks, triggers)',
  ]);
});

test('an unclosed {{ is reported rather than sent as written', () => {
  assert.deepEqual(
    lines('name: x\ntasks:\n  - id: a\n    type: manual\n    instructions: "Ask {{vars.owner} to approve"\n', 'u.yaml'),
    [
      'u.yaml:5:5 tasks[0].instructions: unclosed template "{{vars.owner} to approve" (a reference is written {{vars.name}})',
    ],
  );
});

test('a task type with a broken schema or hook is reported on the task, not thrown', () => {
  const base = {
    title: 'Broken',
    description: 'A test type with a broken schema.',
    icon: 'x',
    rehearsal: 'run' as const,
    idempotent: true,
    retry: { attempts: 1, backoffMs: 1 },
    async run() {
      return { status: 'succeeded' as const };
    },
  };
  const badSchema = {
    ...base,
    type: 'bad.schema',
    input: Type.Unsafe<Record<string, unknown>>({ type: 'object', notAKeyword: 1 }),
  };
  const badHook = {
    ...base,
    type: 'bad.hook',
    input: Type.Object({}),
    validate(): Array<{ field: string; message: string }> {
      throw new Error('boom');
    },
  };
  const reg = new Map<string, TaskTypeDefinition>([
    ['bad.schema', badSchema as TaskTypeDefinition],
    ['bad.hook', badHook as TaskTypeDefinition],
  ]);
  const out = parseRunbook(
    'name: x\ntasks:\n  - { id: a, type: bad.schema }\n  - { id: b, type: bad.hook }\n',
    'b.yaml',
    reg,
  ).issues.map(formatIssue);
  assert.equal(out.length, 2);
  assert.match(
    out[0] ?? '',
    /^b\.yaml:3:14 tasks\[0\]\.type: task type "bad\.schema" has an invalid input schema: .*notAKeyword/,
  );
  assert.equal(out[1], 'b.yaml:4:5 tasks[1]: task type "bad.hook" could not validate this task: boom');
});

test('templates in a task name are checked like its fields', () => {
  assert.deepEqual(
    lines(
      'name: x\nvars: { r: "1" }\ntasks:\n  - id: a\n    name: "Release {{vars.r}} by {{vars.who}}"\n    type: milestone\n',
    ),
    [
      'release.yaml:5:5 tasks[0].name: unknown variable "who" in "{{vars.who}}" (declare it under vars: or pass --var who=...)',
    ],
  );
});
