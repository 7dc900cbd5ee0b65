/**
 * The API fuzzed from its own OpenAPI document, on a real server (SQLite, then PostgreSQL): for every
 * route and method, malformed input of every kind (`helpers/malformed-requests.ts`: wrong JSON types,
 * missing and extra fields, huge strings, bodies that are not JSON or not UTF-8, wrong content types,
 * bad path and query parameters, duplicate headers, bad Idempotency-Keys, bad credentials) is answered
 * below 500, every 4xx as `{ error: { code: "runwire.…", message } }`, with no stack trace and no
 * secret (the admin token, a session, a connection's token, signing secret or webhook URL) in any
 * body; bad credentials are a 401 or 403. The Slack routes, sent requests Slack did not sign
 * (`helpers/forged-slack-requests.ts`), answer 401 (signed but malformed: 400) and record nothing:
 * no trigger history, no run — while one correctly signed event is recorded, so the probe can see.
 *
 * fast-check with a fixed seed and a bounded number of cases per route and kind
 * (RUNWIRE_FUZZ_RUNS, default 4; RUNWIRE_FUZZ_SEED to explore); a failure names the route, the kind
 * and the exact request.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { connectionsOver } from '../../../src/slack/connections/open.js';
import { signedHeaders } from '../../../src/sandbox/events/signature.js';
import { type Backend, startTestServer, type TestServer } from '../../helpers/server.js';
import { operationsOf, type Operation } from '../../helpers/openapi-ops.js';
import { type FuzzContext, malformedRequests } from '../../helpers/malformed-requests.js';
import { forgedRequests, type SlackApp, type SlackRoute, slackBody } from '../../helpers/forged-slack-requests.js';
import { type RawRequest, type RawResponse, rawRequest } from '../../helpers/raw-http.js';

const SEED = Number(process.env.RUNWIRE_FUZZ_SEED ?? 20_261_202);
const RUNS = Number(process.env.RUNWIRE_FUZZ_RUNS ?? 4);
const OPS_TOKEN = 'xoxb-1-fuzzbottokensecret';
const WEBHOOK_SECRET = 'fuzzwebhooksecretpart';
const APP: SlackApp = { appId: 'A0FUZZ', teamId: 'T0FUZZ', signingSecret: 'fuzz-signing-secret-0123456789' };
const YAML =
  'name: Demo\ntriggers:\n  - id: yearly\n    type: schedule\n    cron: "0 0 1 1 *"\ntasks:\n  - id: wait\n    type: manual\n    instructions: go\n';
/** A stack frame as Node prints one. */
const STACK = /\bat [^\n]*\.[cm]?[jt]s:\d+/;

interface Rig {
  s: TestServer;
  ctx: FuzzContext;
  secrets: string[];
  runId: string;
}

async function rig(backend: Backend): Promise<Rig> {
  const s = await startTestServer(backend, { workers: 0, socketMode: false, logLevel: 'warn' });
  const adminToken = (await s.runtime.tokens.create('admin', 'fuzz-admin')).token;
  const viewer = (await s.runtime.tokens.create('viewer', 'fuzz-viewer')).token;
  const login = await s.call('/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: viewer }),
  });
  const session = /runwire_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
  assert.ok(session, login.text);
  const { service } = connectionsOver(s.runtime.runtime.connectionStore, s.dataDir, {});
  await service.addToken({
    name: 'ops',
    token: OPS_TOKEN,
    signingSecret: APP.signingSecret,
    slackUrl: 'http://127.0.0.1:9',
  });
  await service.store.update('ops', (rec) => ({ ...rec, appId: APP.appId, teamId: APP.teamId }));
  const json = { 'content-type': 'application/json' };
  const hook = await s.call('/api/connections', {
    method: 'POST',
    token: adminToken,
    headers: json,
    body: JSON.stringify({
      name: 'hook',
      webhook_url: `http://127.0.0.1:9/services/T000/B000/${WEBHOOK_SECRET}`,
      slack_url: 'http://127.0.0.1:9',
    }),
  });
  assert.equal(hook.status, 201, hook.text);
  const put = await s.call('/api/runbooks/demo', {
    method: 'PUT',
    token: adminToken,
    headers: { 'content-type': 'application/yaml' },
    body: YAML,
  });
  assert.equal(put.status, 201, put.text);
  const run = await s.call('/api/runs', {
    method: 'POST',
    token: adminToken,
    headers: json,
    body: JSON.stringify({ runbook: 'demo', mode: 'rehearsal' }),
  });
  assert.equal(run.status, 201, run.text);
  const runId = String(run.body.id);
  const ctx: FuzzContext = {
    adminToken,
    session,
    // Real resources where a call only reads or is judged before it acts; absent ones where a valid
    // call would delete, or reach Slack (the connection test posts to its webhook).
    fill: (op, param) => {
      if (op.path.startsWith('/api/runs/')) return param === 'task' ? 'wait' : runId;
      if (op.path.startsWith('/api/triggers/')) return param === 'runbook' ? 'demo' : 'yearly';
      if (param === 'version') return '1';
      if (op.method === 'DELETE' || op.path.endsWith('/test')) return 'absent';
      if (op.path.startsWith('/api/runbooks/')) return op.method === 'PUT' ? 'scratch' : 'demo';
      if (op.path.startsWith('/api/connections/')) return 'hook';
      if (op.path.startsWith('/api/slack-users/')) return '@fuzz';
      return 'absent';
    },
    base: (op) => (op.label === 'POST /api/runs' ? { runbook: 'demo', mode: 'rehearsal' } : undefined),
  };
  return { s, ctx, runId, secrets: [adminToken, viewer, session, OPS_TOKEN, APP.signingSecret, WEBHOOK_SECRET] };
}

/** What is wrong with an answer to a malformed request, or undefined. */
function problemOf(op: { path: string }, kind: string, res: RawResponse, secrets: string[]): string | undefined {
  if (res.status >= 500) return `answered ${res.status}`;
  if (STACK.test(res.body)) return 'the body holds a stack trace';
  const leaked = secrets.find((x) => res.body.includes(x));
  if (leaked) return `the body holds a secret (${leaked.slice(0, 8)}…)`;
  if (kind === 'bad-auth' && res.status !== 401 && res.status !== 403) return `bad credentials answered ${res.status}`;
  if (res.status < 400) return undefined;
  // The OAuth callback is a browser's page: its refusals are HTML for a person (checked for stacks and secrets above).
  if (op.path === '/oauth/slack/callback' && /^text\/html/.test(res.headers['content-type'] ?? '')) return undefined;
  if (!/^application\/json/.test(res.headers['content-type'] ?? ''))
    return `a ${res.status} of type ${res.headers['content-type'] ?? '(none)'}`;
  let body: { error?: { code?: unknown; message?: unknown } };
  try {
    body = JSON.parse(res.body);
  } catch {
    return `a ${res.status} whose body is not JSON`;
  }
  const code = body.error?.code;
  if (typeof code !== 'string' || !code.startsWith('runwire.')) return `a ${res.status} without a runwire.* code`;
  if (typeof body.error?.message !== 'string' || body.error.message === '') return `a ${res.status} without a message`;
  return undefined;
}

function describe(r: RawRequest, res?: RawResponse): string {
  const cut = (x: string, n = 200) => (x.length > n ? `${x.slice(0, n)}… (${x.length} chars)` : x);
  const body =
    r.body === undefined ? '' : cut(Buffer.isBuffer(r.body) ? JSON.stringify(r.body.toString('latin1')) : r.body);
  const headers = r.headers.map(([k, v]) => `${k}: ${cut(v.replace(/rwt_[\w-]+/g, 'rwt_…'), 80)}`).join(' | ');
  return `${r.method} ${cut(r.target, 160)} [${headers}] ${body}${res ? ` → ${res.status} ${cut(res.body, 300)}` : ''}`;
}

/** Run one property; a failure is returned as a line (so one run lists every broken route). */
async function check<T extends RawRequest>(label: string, arb: fc.Arbitrary<T>, judge: (r: T) => Promise<void>) {
  const details = await fc.check(fc.asyncProperty(arb, judge), { seed: SEED, numRuns: RUNS, endOnFailure: true });
  if (!details.failed) return undefined;
  const err = details.errorInstance;
  return `${label}: ${err instanceof Error ? err.message : String(err)}`;
}

async function fuzzApi(r: Rig, ops: Operation[]): Promise<string[]> {
  const failures: string[] = [];
  for (const op of ops) {
    for (const { kind, arb } of malformedRequests(op, r.ctx)) {
      const failed = await check(`${op.label} ${kind}`, arb, async (req) => {
        const res = await rawRequest(r.s.url, req);
        const problem = problemOf(op, kind, res, r.secrets);
        if (problem) throw new Error(`${problem}: ${describe(req, res)}`);
      });
      if (failed) failures.push(failed);
    }
  }
  return failures;
}

async function fuzzSlack(r: Rig): Promise<string[]> {
  const failures: string[] = [];
  for (const route of ['/slack/events', '/slack/interactivity', '/slack/commands'] as SlackRoute[]) {
    for (const { kind, arb } of forgedRequests(route, APP)) {
      const failed = await check(`POST ${route} ${kind}`, arb, async (req) => {
        const res = await rawRequest(r.s.url, req);
        const problem = problemOf({ path: route }, kind, res, r.secrets);
        const want = req.expect === 'forged' ? [401] : route === '/slack/commands' ? [200, 400] : [400];
        if (problem || !want.includes(res.status))
          throw new Error(`${problem ?? `answered ${res.status}, not ${want.join(' or ')}`}: ${describe(req, res)}`);
      });
      if (failed) failures.push(failed);
    }
  }
  return failures;
}

/**
 * One request per bug the fuzz found (kind → what the old code answered), with the status and code
 * it gets now. They run on every backend: several were 500s on PostgreSQL only.
 */
function regressions(r: Rig): Array<[RawRequest, number, string]> {
  const auth: [string, string] = ['authorization', `Bearer ${r.ctx.adminToken}`];
  const json: [string, string] = ['content-type', 'application/json'];
  const get = (target: string, headers: Array<[string, string]> = [auth]): RawRequest => ({
    method: 'GET',
    target,
    headers,
  });
  const post = (target: string, body: unknown): RawRequest => ({
    method: 'POST',
    target,
    headers: [auth, json],
    body: JSON.stringify(body),
  });
  return [
    // duplicate-headers: Node's parser refused it, Fastify answered {"error":"Bad Request","message":"Client Error"}.
    [
      {
        method: 'POST',
        target: '/api/runs',
        headers: [auth, json, ['content-length', '2'], ['content-length', '3']],
        body: '{}',
      },
      400,
      'runwire.http.malformed_request',
    ],
    // bad-path-param: a raw tab in the path (the same "Client Error"), a 20 000-character one (431 without a code).
    [get('/api/runs/a\tb'), 400, 'runwire.http.malformed_request'],
    [get(`/api/runs/${'a'.repeat(20_000)}`), 431, 'runwire.http.headers_too_large'],
    // bad-path-param: over 100 characters, the router's 414 {"code":"FST_ERR_MAX_PARAM_LENGTH"}.
    [
      { method: 'POST', target: `/api/runs/${'a'.repeat(300)}/cancel`, headers: [auth] },
      414,
      'runwire.http.path_too_long',
    ],
    // bad-path-param: percent-encoding that is not UTF-8, the router's 400 {"code":"FST_ERR_BAD_URL"}.
    [get('/api/runbooks/%c3%28'), 400, 'runwire.http.bad_path'],
    // bad-auth: a session cookie that is not percent-encoding threw URIError: a 500 on every route.
    [get('/api/runs', [['cookie', 'runwire_session=%E0%A4%A']]), 401, 'runwire.auth.unauthorized'],
    // bad-query: "Infinity" passed as an integer (ajv skips the maximum of a coerced non-finite number): SQLite
    // "datatype mismatch", PostgreSQL "invalid input syntax for type bigint".
    [get('/api/runs?limit=Infinity'), 400, 'runwire.http.invalid_request'],
    [get(`/api/runs/${r.runId}/events?after=Infinity`), 400, 'runwire.http.invalid_request'],
    // bad-query / bad-path-param: past BIGINT / INTEGER, a 500 on PostgreSQL ("out of range").
    [get('/api/triggers/history?before=99999999999999999999'), 400, 'runwire.http.invalid_request'],
    [get('/api/runbooks/demo/versions/99999999999999999999'), 400, 'runwire.http.invalid_request'],
    [post('/api/runs', { runbook: 'demo', version: 99_999_999_999 }), 400, 'runwire.http.invalid_request'],
    // huge-string: a NUL in a body field, a 500 on PostgreSQL ("invalid byte sequence for encoding UTF8: 0x00").
    [post('/api/runs', { runbook: 'a\u0000b' }), 400, 'runwire.http.invalid_request'],
    [get('/api/runbooks/a%00b'), 400, 'runwire.http.invalid_request'],
    // bad-query: a repeated parameter on the OAuth callback was serialized through its HTML schema: "[object Object]".
    [get('/oauth/slack/callback?code=a&code=b'), 400, 'runwire.http.invalid_request'],
  ];
}

for (const backend of ['sqlite', 'postgres'] as const) {
  test(`${backend}: malformed input to every route of the OpenAPI document is a coded 4xx, never a 5xx, a stack or a secret; forged Slack requests record nothing`, async (t) => {
    const r = await rig(backend);
    t.after(() => r.s.close());
    const doc = (await (await fetch(`${r.s.url}/api/openapi.json`)).json()) as Parameters<typeof operationsOf>[0];
    const ops = operationsOf(doc);
    // The document lists every route, the Slack ones among them.
    for (const must of [
      'POST /api/runs',
      'GET /api/runs',
      'POST /slack/events',
      'POST /slack/interactivity',
      'POST /slack/commands',
    ])
      assert.ok(
        ops.some((o) => o.label.replace(/\{(\w+)\}/g, ':$1') === must),
        `${must} is in /api/openapi.json`,
      );
    assert.ok(ops.length >= 40, `${ops.length} operations`);

    await t.test(
      'Slack routes: unsigned, badly signed, stale or malformed requests are 401/400 and record nothing',
      async () => {
        const runsBefore = await r.s.runtime.runtime.store.listRuns({ limit: 500 });
        const failures = await fuzzSlack(r);
        assert.deepEqual(failures, []);
        assert.deepEqual(await r.s.runtime.triggers.history({ limit: 500 }), [], 'no trigger history');
        assert.deepEqual(await r.s.runtime.runtime.store.listRuns({ limit: 500 }), runsBefore, 'no run started');
        // The probe can see: the same route records an event Slack did sign.
        const { body } = slackBody('/slack/events', APP, 1);
        const ok = await r.s.call('/slack/events', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...signedHeaders(APP.signingSecret, Date.now(), body) },
          body,
        });
        assert.equal(ok.status, 200, ok.text);
        assert.equal((await r.s.runtime.triggers.history({ limit: 500 })).length, 1);
      },
    );

    await t.test('the requests the fuzz found answered 5xx or off the error shape are coded 4xx now', async () => {
      const failures: string[] = [];
      for (const [req, status, code] of regressions(r)) {
        const res = await rawRequest(r.s.url, req);
        const problem = problemOf({ path: req.target }, 'regression', res, r.secrets);
        const got = res.status === status && res.body.includes(`"code":"${code}"`);
        if (problem || !got) failures.push(`${problem ?? `not ${status} ${code}`}: ${describe(req, res)}`);
      }
      assert.deepEqual(failures, []);
    });

    await t.test('every route and method: malformed input is a coded 4xx (bad credentials 401/403)', async () => {
      const failures = await fuzzApi(r, ops);
      assert.deepEqual(failures, []);
    });
  });
}
