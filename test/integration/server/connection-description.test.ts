/**
 * A connection's description (the UI's Main settings): set on `POST /api/connections`, shown by GET,
 * changed and cleared by PATCH — stored in the `description` column (migration 103) on SQLite and
 * PostgreSQL alike.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../../helpers/server.js';

const HOOK = 'http://127.0.0.1:9/services/T000/B000/descriptionhooksecret';

for (const backend of ['sqlite', 'postgres'] as const) {
  test(`${backend}: a connection's description is stored, changed and cleared`, async (t) => {
    const s = await startTestServer(backend);
    t.after(() => s.close());
    const { token } = await s.runtime.tokens.create('admin', 'desc-admin');
    const send = (path: string, method: string, body: unknown) =>
      s.call(path, { method, token, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const made = await send('/api/connections', 'POST', {
      name: 'hook',
      webhook_url: HOOK,
      description: 'Release announcements',
    });
    assert.equal(made.status, 201, made.text);
    assert.equal(made.body.description, 'Release announcements');
    assert.equal((await s.call('/api/connections/hook', { token })).body.description, 'Release announcements');
    const changed = await send('/api/connections/hook', 'PATCH', { description: '  Ops channel  ' });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.body.description, 'Ops channel');
    const cleared = await send('/api/connections/hook', 'PATCH', { description: '' });
    assert.equal(cleared.body.description, null);
    const plain = await send('/api/connections', 'POST', { name: 'plain', webhook_url: HOOK });
    assert.equal(plain.body.description, null);
    const tooLong = await send('/api/connections/hook', 'PATCH', { description: 'x'.repeat(501) });
    assert.equal(tooLong.status, 400);
  });
}
