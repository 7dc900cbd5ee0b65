/**
 * The built-in task types run against real things: `http` against a real HTTP server on
 * 127.0.0.1 (port 0), `wait` with a real timer and AbortSignal. The TaskContext is a plain
 * object, as the engine would pass (state kept in memory here).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RunwireError } from '../../../src/core/errors.js';
import type { TaskContext, TaskTypeDefinition } from '../../../src/core/task-type.js';
import { builtinTaskTypes } from '../../../src/tasks/index.js';
import { MAX_BODY_BYTES } from '../../../src/tasks/http.js';

const types = builtinTaskTypes();
const type = (name: string): TaskTypeDefinition => types.get(name) as TaskTypeDefinition;

function context(
  over: Partial<TaskContext> = {},
): TaskContext & { saved: Array<Record<string, unknown>>; logs: string[] } {
  const saved: Array<Record<string, unknown>> = [];
  const logs: string[] = [];
  let state: Record<string, unknown> | undefined;
  const ctx = {
    run: { id: 'run_t', mode: 'live' as const, runbook: 'test' },
    task: { id: 't', name: 't', type: 'x' },
    attempt: 1,
    start: 'fresh' as const,
    idempotencyKey: 'run_t:t',
    signal: new AbortController().signal,
    log: { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) },
    now: () => new Date(),
    get state() {
      return state;
    },
    async saveState(s: Record<string, unknown>) {
      state = s;
      saved.push(s);
    },
    lookupTask: () => undefined,
    saved,
    logs,
    ...over,
  };
  return ctx;
}

async function withServer(
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void,
  fn: (base: string) => Promise<void>,
): Promise<void> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => handler(req, res, body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  try {
    await fn(`http://127.0.0.1:${port}`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

test('the built-in types declare what the engine needs', () => {
  const core = ['milestone', 'manual', 'wait', 'http'];
  assert.deepEqual([...types.keys()].slice(0, 4), core);
  assert.deepEqual(
    core.map((name) => [type(name).type, type(name).rehearsal, type(name).idempotent]),
    [
      ['milestone', 'run', true],
      ['manual', 'run', true],
      ['wait', 'run', true],
      ['http', 'skip', false],
    ],
  );
  for (const t of types.values()) {
    assert.ok(t.title && t.icon, t.type);
    assert.ok(t.retry.attempts >= 1, t.type);
  }
});

test('milestone succeeds; manual waits with its instructions', async () => {
  assert.deepEqual(await type('milestone').run({}, context()), { status: 'succeeded' });
  assert.deepEqual(await type('manual').run({ instructions: 'Call the vendor' }, context()), {
    status: 'waiting',
    output: { instructions: 'Call the vendor' },
  });
  assert.deepEqual(await type('manual').run({}, context()), { status: 'waiting' });
});

test('wait saves its deadline, sleeps as an engine timer, and resumes with what is left', async () => {
  let now = new Date('2030-01-01T00:00:00Z');
  const ctx = context({ now: () => now });
  const r = await type('wait').run({ duration: '20ms' }, ctx);
  assert.deepEqual(r, { status: 'sleeping', until: new Date('2030-01-01T00:00:00.020Z') });
  assert.equal(ctx.saved.length, 1);
  assert.equal(ctx.saved[0]?.until, '2030-01-01T00:00:00.020Z');
  // Called again at its deadline (the engine's timer), it succeeds without saving a new deadline.
  now = new Date('2030-01-01T00:00:00.020Z');
  assert.deepEqual(await type('wait').run({ duration: '20ms' }, ctx), {
    status: 'succeeded',
    output: { waited_ms: 20 },
  });
  assert.equal(ctx.saved.length, 1);

  // A resumed task whose deadline has passed does not wait the whole hour again.
  const resumed = context({ now: () => new Date('2030-01-01T00:00:10Z') });
  await resumed.saveState({ until: '2030-01-01T00:00:00Z' });
  assert.deepEqual(await type('wait').run({ duration: '1h' }, resumed), {
    status: 'succeeded',
    output: { waited_ms: 3_600_000 },
  });
  assert.equal(resumed.saved.length, 1, 'no new deadline saved');
});

test('http: sends method, headers and a JSON body; parses a JSON response', async () => {
  await withServer(
    (req, res, body) => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          method: req.method,
          auth: req.headers.authorization,
          type: req.headers['content-type'],
          got: JSON.parse(body),
        }),
      );
    },
    async (base) => {
      const r = await type('http').run(
        {
          url: `${base}/deploy?token=secret`,
          method: 'POST',
          headers: { Authorization: 'Bearer x' },
          body: { release: '42' },
        },
        context(),
      );
      assert.deepEqual(r, {
        status: 'succeeded',
        output: {
          status: 200,
          body: { method: 'POST', auth: 'Bearer x', type: 'application/json', got: { release: '42' } },
        },
      });
    },
  );
});

test('http: expect_status decides success; 4xx is not retryable, 5xx is', async () => {
  await withServer(
    (req, res) => {
      res.statusCode = Number(req.url?.slice(1));
      res.end(`status ${req.url?.slice(1)}`);
    },
    async (base) => {
      assert.deepEqual(await type('http').run({ url: `${base}/404`, expect_status: [200, 404] }, context()), {
        status: 'succeeded',
        output: { status: 404, body: 'status 404' },
      });
      await assert.rejects(
        type('http').run({ url: `${base}/404` }, context()),
        (e: unknown) =>
          e instanceof RunwireError &&
          e.code === 'runwire.http.unexpected_status' &&
          !e.retryable &&
          /returned 404, expected 2xx/.test(e.message),
      );
      await assert.rejects(
        type('http').run({ url: `${base}/503` }, context()),
        (e: unknown) => e instanceof RunwireError && e.code === 'runwire.http.server_error' && e.retryable,
      );
      await assert.rejects(
        type('http').run({ url: `${base}/429` }, context()),
        (e: unknown) => e instanceof RunwireError && e.code === 'runwire.http.rate_limited' && e.retryable,
      );
    },
  );
});

test('http: a large body is cut and marked truncated', async () => {
  await withServer(
    (_req, res) => {
      res.setHeader('content-type', 'text/plain');
      res.end('x'.repeat(MAX_BODY_BYTES * 3));
    },
    async (base) => {
      const r = await type('http').run({ url: `${base}/big` }, context());
      const out = (r as unknown as { output: { body: string; truncated?: boolean } }).output;
      assert.equal(out.body.length, MAX_BODY_BYTES);
      assert.equal(out.truncated, true);
    },
  );
});

test('http: timeouts and refused connections are retryable; bad URLs are not; the query is never logged', async () => {
  await withServer(
    () => {
      /* never answers */
    },
    async (base) => {
      await assert.rejects(
        type('http').run({ url: `${base}/slow?token=secret`, timeout: '200ms' }, context()),
        (e: unknown) =>
          e instanceof RunwireError &&
          e.code === 'runwire.http.timeout' &&
          e.retryable &&
          !e.message.includes('secret'),
      );
    },
  );
  // A port that was just freed: nothing listens there.
  let freed = '';
  await withServer(
    () => undefined,
    async (base) => {
      freed = base;
    },
  );
  await assert.rejects(
    type('http').run({ url: `${freed}/` }, context()),
    (e: unknown) =>
      e instanceof RunwireError && e.code === 'runwire.http.network' && e.retryable && /listening/.test(e.fix ?? ''),
  );
  // Port 9 (discard) is one fetch refuses: a code and a fix, not undici's bare "bad port".
  await assert.rejects(
    type('http').run({ url: 'http://127.0.0.1:9/' }, context()),
    (e: unknown) =>
      e instanceof RunwireError &&
      e.code === 'runwire.http.bad_port' &&
      !e.retryable &&
      /port 9\b/.test(e.message) &&
      /another port/.test(e.fix ?? ''),
  );
  await assert.rejects(
    type('http').run({ url: 'ftp://example.com/x' }, context()),
    (e: unknown) => e instanceof RunwireError && e.code === 'runwire.http.bad_url' && !e.retryable,
  );
  await assert.rejects(
    type('http').run({ url: 'not a url' }, context()),
    (e: unknown) => e instanceof RunwireError && e.code === 'runwire.http.bad_url',
  );
  const ctx = context();
  await type('http').preview?.({ url: 'https://example.com/a?token=secret', method: 'DELETE' }, ctx);
  assert.deepEqual(ctx.logs, ['would call DELETE https://example.com/a']);
});
