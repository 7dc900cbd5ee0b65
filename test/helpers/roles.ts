/**
 * The route × role table: for each route, which role it needs and how to make a call that succeeds
 * for a role allowed to make it. `checkRoleTable` calls every route as nobody, with a bad token, and
 * as each role: 401, 401, then 403 below the needed role and the success status from it up.
 */
import assert from 'node:assert/strict';
import type { TestServer } from './server.js';

export type RoleName = 'viewer' | 'operator' | 'admin';

export interface RouteCase {
  method: string;
  /** The route as registered, e.g. `/api/runs/:id`, to check the table covers every route. */
  route: string;
  need: RoleName;
  /** Build a fresh successful request (path and body) for one call. */
  request(s: TestServer): Promise<{ path: string; body?: unknown; headers?: Record<string, string> }>;
  ok: number;
}

const ORDER: RoleName[] = ['viewer', 'operator', 'admin'];

export async function checkRoleTable(
  s: TestServer,
  tokens: Record<RoleName, string>,
  cases: readonly RouteCase[],
): Promise<void> {
  for (const c of cases) {
    const send = async (token: string | undefined) => {
      const { path, body, headers } = await c.request(s);
      return s.call(path, {
        method: c.method,
        ...(token ? { token } : {}),
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    };
    const label = `${c.method} ${c.route}`;
    const none = await send(undefined);
    assert.equal(none.status, 401, `${label} without a token: ${none.text}`);
    assert.equal(none.body.error.code, 'runwire.auth.unauthorized');
    const bad = await send('rwt_not-a-real-token');
    assert.equal(bad.status, 401, `${label} with a bad token`);
    for (const role of ORDER) {
      const res = await send(tokens[role]);
      const allowed = ORDER.indexOf(role) >= ORDER.indexOf(c.need);
      if (allowed) assert.equal(res.status, c.ok, `${label} as ${role}: ${res.text}`);
      else {
        assert.equal(res.status, 403, `${label} as ${role}: ${res.text}`);
        assert.equal(res.body.error.code, 'runwire.auth.forbidden');
      }
    }
  }
}
