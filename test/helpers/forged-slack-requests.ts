/**
 * fast-check generators of requests to Runwire's Slack routes that Slack did not send: unsigned, one
 * signing header missing, badly signed (random digests, another secret, another body or timestamp,
 * wrong version, repeated headers), stale or future timestamps, timestamps that are not unix seconds,
 * and, correctly signed, bodies that are not what Slack sends. `expect` says which: `forged` must be
 * a 401, `bad-body` a 400 (or, for slash commands, whose forms parse from anything, an answer < 500).
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { computeSlackSignature } from '../../src/sandbox/events/signature.js';
import type { RawRequest } from './raw-http.js';

export type SlackRoute = '/slack/events' | '/slack/interactivity' | '/slack/commands';

export interface ForgedRequest extends RawRequest {
  kind: string;
  expect: 'forged' | 'bad-body';
}

export interface SlackApp {
  appId: string;
  teamId: string;
  signingSecret: string;
}

/** A body Slack could send to the route (a message event, an approval click, `/runwire run demo`). */
export function slackBody(route: SlackRoute, app: SlackApp, n: number): { body: string; type: string } {
  if (route === '/slack/events') {
    return {
      type: 'application/json',
      body: JSON.stringify({
        type: 'event_callback',
        event_id: `Ev${n}`,
        api_app_id: app.appId,
        team_id: app.teamId,
        event: { type: 'message', text: 'deploy 1', channel: 'C0OPS', user: 'U0ALICE', ts: `${1000 + n}.000100` },
      }),
    };
  }
  if (route === '/slack/interactivity') {
    const payload = {
      type: 'block_actions',
      api_app_id: app.appId,
      team: { id: app.teamId },
      user: { id: 'U0ALICE' },
      actions: [{ action_id: 'runwire.approve', value: 'run_x:wait', type: 'button' }],
    };
    return {
      type: 'application/x-www-form-urlencoded',
      body: `payload=${encodeURIComponent(JSON.stringify(payload))}`,
    };
  }
  return {
    type: 'application/x-www-form-urlencoded',
    body: new URLSearchParams({
      command: '/runwire',
      text: 'run demo',
      team_id: app.teamId,
      api_app_id: app.appId,
      user_id: 'U0ALICE',
      channel_id: 'C0OPS',
      response_url: 'http://127.0.0.1:9/response',
    }).toString(),
  };
}

const hex64 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));

export function forgedRequests(
  route: SlackRoute,
  app: SlackApp,
): Array<{ kind: string; arb: fc.Arbitrary<ForgedRequest> }> {
  const now = () => Math.floor(Date.now() / 1000);
  const sign = (ts: string | number, body: string | Buffer, secret = app.signingSecret) =>
    computeSlackSignature(secret, ts, body);
  const n = fc.nat();
  const make = (
    kind: string,
    expect: ForgedRequest['expect'],
    build: (i: number) => fc.Arbitrary<{ body: string | Buffer; type: string; headers: Array<[string, string]> }>,
  ) => ({
    kind,
    arb: n.chain(build).map(
      (r): ForgedRequest => ({
        kind,
        expect,
        method: 'POST',
        target: route,
        headers: [['content-type', r.type], ...r.headers],
        body: r.body,
      }),
    ),
  });
  const sigTs = (sig: string, ts: string | number): Array<[string, string]> => [
    ['x-slack-signature', sig],
    ['x-slack-request-timestamp', String(ts)],
  ];
  return [
    make('unsigned', 'forged', (i) => fc.constant({ ...slackBody(route, app, i), headers: [] })),
    make('signature only', 'forged', (i) => {
      const b = slackBody(route, app, i);
      return fc.constant({ ...b, headers: [['x-slack-signature', sign(now(), b.body)]] as Array<[string, string]> });
    }),
    make('timestamp only', 'forged', (i) =>
      fc.constant({
        ...slackBody(route, app, i),
        headers: [['x-slack-request-timestamp', String(now())]] as Array<[string, string]>,
      }),
    ),
    make('bad signature', 'forged', (i) => {
      const b = slackBody(route, app, i);
      const ts = now();
      return fc
        .oneof(
          hex64.map((h) => `v0=${h}`),
          fc.constant(sign(ts, b.body, `other-${app.signingSecret}`)),
          fc.constant(sign(ts, `${b.body} `)),
          fc.constant(sign(ts - 1, b.body)),
          fc.constant(sign(ts, b.body).replace('v0=', 'v1=')),
          fc.constant(sign(ts, b.body).toUpperCase()),
          fc.constant(`${sign(ts, b.body)}0`),
          fc.constant(''),
          fc.constant('v0='),
          fc.string({ maxLength: 70 }),
        )
        .map((sig) => ({ ...b, headers: sigTs(sig, ts) }));
    }),
    make('stale', 'forged', (i) => {
      const b = slackBody(route, app, i);
      return fc
        .integer({ min: 301, max: 100_000_000 })
        .map((ago) => ({ ...b, headers: sigTs(sign(now() - ago, b.body), now() - ago) }));
    }),
    make('future', 'forged', (i) => {
      const b = slackBody(route, app, i);
      return fc
        .integer({ min: 301, max: 100_000_000 })
        .map((ahead) => ({ ...b, headers: sigTs(sign(now() + ahead, b.body), now() + ahead) }));
    }),
    make('timestamp not unix seconds', 'forged', (i) => {
      const b = slackBody(route, app, i);
      return fc
        .constantFrom('abc', '-1', '1e9', '', ` ${now()}`, `${now()}.5`, '9999999999999', '0x10', `${now()}\t`)
        .map((ts) => ({ ...b, headers: sigTs(sign(ts, b.body), ts) }));
    }),
    make('signing headers repeated', 'forged', (i) => {
      const b = slackBody(route, app, i);
      const ts = now();
      const good = sign(ts, b.body);
      return fc.constant({
        ...b,
        headers: [...sigTs(good, ts), ['x-slack-signature', `v0=${randomBytes(32).toString('hex')}`]] as Array<
          [string, string]
        >,
      });
    }),
    make('signed, not what Slack sends', 'bad-body', () =>
      fc
        .oneof(
          fc.uint8Array({ minLength: 1, maxLength: 64 }).map((u) => Buffer.from(u)),
          fc.constantFrom(
            Buffer.from([0xff, 0xfe, 0x7b]),
            Buffer.from('{"type":'),
            Buffer.from('[1,2]'),
            Buffer.from('null'),
            Buffer.from('"event_callback"'),
            Buffer.from('payload=%7B'),
            Buffer.from('payload=%E0%A4%A'),
            Buffer.from(`payload=${encodeURIComponent('[]')}`),
          ),
          fc.string({ maxLength: 40 }).map((s) => Buffer.from(`x${s}`)),
        )
        .chain((body) =>
          fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain').map((type) => {
            const ts = now();
            return { body, type, headers: sigTs(sign(ts, body), ts) };
          }),
        ),
    ),
  ];
}
