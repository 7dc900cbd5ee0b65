/**
 * The http task's address and redirect rules. The connect-time check is shown with a real undici
 * Agent and a real server on 127.0.0.1; only name resolution is given as a table, since the test
 * cannot make a real DNS name resolve to the metadata address.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, fetch } from 'undici';
import {
  guardLookup,
  isLinkLocalOrMetadata,
  redirectDecision,
  type ResolveAll,
} from '../../../src/tasks/http-guard.js';

test('isLinkLocalOrMetadata: 169.254/16, fe80::/10, mapped forms, fd00:ec2::254; private and loopback allowed', () => {
  for (const ip of [
    '169.254.169.254',
    '169.254.0.1',
    'fe80::1',
    'febf::1',
    '::ffff:169.254.169.254',
    '::ffff:a9fe:a9fe',
    'fd00:ec2::254',
    'fe80::1%eth0',
  ]) {
    assert.equal(isLinkLocalOrMetadata(ip), true, ip);
  }
  for (const ip of [
    '127.0.0.1',
    '10.0.0.1',
    '192.168.1.1',
    '172.16.0.1',
    '::1',
    'fd00::1',
    'fec0::1',
    '::ffff:10.0.0.1',
    '169.253.1.1',
    'example.com',
  ]) {
    assert.equal(isLinkLocalOrMetadata(ip), false, ip);
  }
});

test('redirectDecision: same-origin, any, none and non-http schemes', () => {
  const from = new URL('https://a.example/x');
  assert.equal(redirectDecision(from, new URL('https://a.example/y'), 'same-origin'), 'follow');
  assert.equal(redirectDecision(from, new URL('http://a.example/y'), 'same-origin'), 'origin');
  assert.equal(redirectDecision(from, new URL('https://b.example/y'), 'same-origin'), 'origin');
  assert.equal(redirectDecision(from, new URL('https://b.example/y'), 'any'), 'follow');
  assert.equal(redirectDecision(from, new URL('file:///etc/passwd'), 'any'), 'scheme');
  assert.equal(redirectDecision(from, new URL('https://a.example/y'), 'none'), 'none');
});

test('the address is checked at connect time, on what the name resolves to', async () => {
  const server = createServer((_req, res) => res.end('hi'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const table: Record<string, string> = { 'internal.test': '127.0.0.1', 'metadata.test': '169.254.169.254' };
  const resolve: ResolveAll = (host, _o, cb) => {
    const address = table[host];
    if (!address) return cb(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }), []);
    cb(null, [{ address, family: 4 }]);
  };
  const agent = new Agent({ connect: { lookup: guardLookup(resolve) } });
  try {
    const ok = await fetch(`http://internal.test:${port}/`, { dispatcher: agent });
    assert.equal(await ok.text(), 'hi');
    await assert.rejects(fetch(`http://metadata.test:${port}/`, { dispatcher: agent }), (err: Error) => {
      const cause = err.cause as { code?: string; message?: string };
      assert.equal(cause.code, 'runwire.http.blocked_address');
      assert.match(cause.message ?? '', /169\.254\.169\.254 \(metadata\.test resolves to it\)/);
      return true;
    });
  } finally {
    await agent.close();
    server.close();
  }
});
