/**
 * The http task's safety rules through the real CLI against local servers: credentials in a URL are
 * sent as a Basic header and never printed or stored (item 4), redirects leave the origin only when the
 * task opts in, and link-local / metadata addresses are refused (item 13).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, runOf, task, tempDir, writeRunbook } from '../engine/cli.js';

interface Seen {
  path: string;
  authorization: string | undefined;
  method: string | undefined;
}

/** A server on 127.0.0.1:0 answering by `handle`, recording every request it gets. */
async function server(
  handle: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ base: string; seen: Seen[]; close(): void }> {
  const seen: Seen[] = [];
  const s = createServer((req, res) => {
    seen.push({ path: req.url ?? '/', authorization: req.headers.authorization, method: req.method });
    req.resume();
    req.on('end', () => handle(req, res));
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    seen,
    close: () => s.close(),
  };
}

const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

test('credentials in an http URL are sent as Basic auth and appear nowhere in output, events or runs show', {
  timeout: 60_000,
}, async () => {
  const srv = await server((req, res) => json(res, req.url === '/fail' ? 404 : 200, { ok: true }));
  try {
    const dir = await tempDir();
    const withCreds = (path: string) => srv.base.replace('http://', 'http://deploy:s3cretpw@') + path;
    const file = await writeRunbook(dir, 'creds.json', {
      name: 'Creds',
      tasks: [
        { id: 'ok', type: 'http', url: withCreds('/ok') },
        { id: 'notfound', type: 'http', url: withCreds('/fail') },
        { id: 'bad', type: 'http', url: 'http://deploy:s3cretpw@[oops/x' },
      ],
    });
    const validate = await runCli(dir, ['validate', file]);
    assert.equal(validate.code, 0, validate.stderr);
    assert.match(validate.stderr, /warning: .*creds\.json:\d+:\d+ task ok: the url holds credentials/);
    assert.match(validate.stderr, /headers: \{ Authorization: "Basic \{\{vars\.token\}\}" \}/);
    const check = await runCli(dir, ['check', file]);
    // The same warning for several tasks is printed once, naming them all (issue 8 item 18).
    assert.match(
      check.stdout,
      /warning: ok, notfound, bad: the url holds credentials.*\[runwire\.http\.url_credentials\]/,
    );
    assert.equal(check.stdout.match(/url_credentials/g)?.length, 1, 'one line for the three tasks');

    const human = await runCli(dir, ['run', file]);
    assert.equal(human.code, 1, human.stderr);
    const asJson = await runCli(dir, ['run', file, '--json']);
    const run = runOf(asJson);
    assert.equal(task(run, 'ok').status, 'succeeded');
    assert.equal(task(run, 'notfound').status, 'failed');
    assert.equal(task(run, 'bad').error?.code, 'runwire.http.bad_url');
    const basic = `Basic ${Buffer.from('deploy:s3cretpw').toString('base64')}`;
    assert.ok(srv.seen.filter((s) => s.path === '/ok').every((s) => s.authorization === basic));
    assert.ok(srv.seen.length >= 2);

    const show = await runCli(dir, ['runs', 'show', run.id]);
    const showJson = await runCli(dir, ['runs', 'show', run.id, '--json']);
    assert.match(show.stdout, /notfound/);
    for (const [what, text] of [
      ['validate', validate.stdout + validate.stderr],
      ['check', check.stdout + check.stderr],
      ['run', human.stdout + human.stderr],
      ['run --json', asJson.stdout + asJson.stderr],
      ['runs show', show.stdout + show.stderr],
      ['runs show --json', showJson.stdout + showJson.stderr],
    ] as const) {
      assert.doesNotMatch(text, /s3cretpw/, `${what} leaks the password`);
    }
    // The event log and task errors as stored (the runbook itself is kept as given, like the file).
    const { SqliteStore } = await import('../../../src/store/sqlite/sqlite-store.js');
    const store = SqliteStore.open(dir);
    try {
      const events = JSON.stringify(await store.getEvents(run.id));
      const tasks = JSON.stringify((await store.getTasks(run.id)).map((t) => [t.error, t.output]));
      assert.doesNotMatch(events, /s3cretpw/);
      assert.doesNotMatch(tasks, /s3cretpw/);
      assert.match(events, /deploy:\*\*\*@\[oops/, 'the URL is shown with its credentials masked');
    } finally {
      await store.close();
    }
    const readme = await readFile(join(import.meta.dirname, '../../../../README.md'), 'utf8');
    assert.match(readme, /Authorization: "Basic \{\{vars\.token\}\}"/);
  } finally {
    srv.close();
  }
});

test('redirects: same origin followed by default, another origin refused unless follow_redirects: any', {
  timeout: 60_000,
}, async () => {
  const other = await server((_req, res) => json(res, 200, { from: 'other' }));
  const origin = await server((req, res) => {
    if (req.url === '/here') return res.writeHead(302, { location: '/there' }).end();
    if (req.url === '/away') return res.writeHead(302, { location: `${other.base}/landed` }).end();
    if (req.url === '/post-away') return res.writeHead(303, { location: `${other.base}/landed` }).end();
    json(res, 200, { from: 'origin', path: req.url });
  });
  try {
    const dir = await tempDir();
    const file = await writeRunbook(dir, 'redirects.json', {
      name: 'Redirects',
      tasks: [
        { id: 'same', type: 'http', url: `${origin.base}/here` },
        { id: 'cross', type: 'http', url: `${origin.base}/away`, retry: { attempts: 1 } },
        {
          id: 'cross_any',
          type: 'http',
          method: 'POST',
          body: { a: 1 },
          url: `${origin.base}/post-away`,
          headers: { Authorization: 'Bearer origin-only' },
          follow_redirects: 'any',
        },
        { id: 'none', type: 'http', url: `${origin.base}/away`, follow_redirects: 'none', expect_status: 302 },
      ],
    });
    const r = await runCli(dir, ['run', file, '--json']);
    const run = runOf(r);
    assert.equal(task(run, 'same').status, 'succeeded');
    assert.deepEqual(task(run, 'same').output?.body, { from: 'origin', path: '/there' });
    assert.equal(task(run, 'cross').status, 'failed');
    assert.equal(task(run, 'cross').error?.code, 'runwire.http.redirect_refused');
    assert.match(task(run, 'cross').error?.message ?? '', /another origin/);
    assert.equal(task(run, 'cross_any').status, 'succeeded');
    assert.deepEqual(task(run, 'cross_any').output?.body, { from: 'other' });
    assert.equal(task(run, 'none').status, 'succeeded');
    assert.equal(task(run, 'none').output?.status, 302);
    // Only the opted-in task reached the other origin: once, as a GET (303), without the origin's token.
    assert.equal(other.seen.length, 1, JSON.stringify(other.seen));
    assert.equal(other.seen[0]?.method, 'GET');
    assert.equal(other.seen[0]?.authorization, undefined);
  } finally {
    origin.close();
    other.close();
  }
});

test('link-local and metadata addresses are refused, also behind a redirect; RUNWIRE_HTTP_ALLOW_LINK_LOCAL=1 lifts it', {
  timeout: 60_000,
}, async () => {
  const origin = await server((_req, res) =>
    res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
  );
  try {
    const dir = await tempDir();
    const urls = {
      v4: 'http://169.254.169.254/latest/meta-data/',
      v6: 'http://[fe80::1]/',
      mapped: 'http://[::ffff:169.254.169.254]/',
    };
    const file = await writeRunbook(dir, 'metadata.json', {
      name: 'Metadata',
      tasks: [
        ...Object.entries(urls).map(([id, url]) => ({ id, type: 'http', url, timeout: '2s' })),
        { id: 'redirected', type: 'http', url: `${origin.base}/go`, follow_redirects: 'any', timeout: '2s' },
        { id: 'loopback', type: 'http', url: `${origin.base}/go`, follow_redirects: 'none', expect_status: 302 },
      ],
    });
    const started = Date.now();
    const r = await runCli(dir, ['run', file, '--json']);
    const run = runOf(r);
    for (const id of [...Object.keys(urls), 'redirected']) {
      assert.equal(task(run, id).status, 'failed', id);
      assert.equal(task(run, id).error?.code, 'runwire.http.blocked_address', id);
      assert.equal(task(run, id).attempts, 1, `${id} is not retried`);
    }
    assert.match(task(run, 'v4').error?.message ?? '', /refused to connect to 169\.254\.169\.254/);
    assert.equal(task(run, 'loopback').status, 'succeeded', 'loopback stays allowed');
    assert.ok(Date.now() - started < 20_000, 'refused at once, not by timing out');

    // Allowed by configuration: the task now tries to connect (and fails on the network here).
    const allowed = await writeRunbook(dir, 'allowed.json', {
      name: 'Allowed',
      tasks: [{ id: 'v6', type: 'http', url: urls.v6, timeout: '1s', retry: { attempts: 1 } }],
    });
    const a = await runCli(dir, ['run', allowed, '--json'], { RUNWIRE_HTTP_ALLOW_LINK_LOCAL: '1' });
    assert.notEqual(task(runOf(a), 'v6').error?.code, 'runwire.http.blocked_address');
  } finally {
    origin.close();
  }
});
