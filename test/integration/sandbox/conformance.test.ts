/**
 * Conformance of the sandbox to Slack's reference (read at test time from `slackReferenceDir`):
 * 1. success responses of every implemented method validate against the OpenAPI success schema
 *    (`web-api/slack_web_openapi_v2.json`, where the method exists there), checked with ajv;
 * 2. every error code the sandbox can answer for a method (its handler's plus the dispatcher's) is listed
 *    for that method in `methods/<m>.errors.json`, `methods/<m>.json` or the OpenAPI error enum, or is one
 *    of the errors Slack documents for every method (those present in every `methods/*.errors.json` file,
 *    e.g. token_expired, ratelimited — needed for methods the 2020 OpenAPI enums describe incompletely);
 * 3. the tier and the scopes the sandbox uses match `methods/<m>.json` where that file exists.
 *
 * The 2020 schema's quirks, handled here and nowhere else:
 * - unions are written as a tuple-style `items: [A, B]` on non-array schemas (objs_conversation, objs_user,
 *   bot_id, conversations.open's channel, conversations.replies' messages): read as `anyOf: [A, B]`;
 * - chat.update's `message.blocks` is typed `object` although Slack answers an array: read as an array;
 * - fields newer than the 2020 description are allowed on messages: `metadata` (checked for shape:
 *   event_type + event_payload), `app_id` (checked against defs_app_id) and `edited`;
 * - message attachments may carry their usual fields (`text`, `pretext`, `color`, …): the 2020 schema
 *   lists only fallback/id/image_* and forbids the rest;
 * - a top-level `response_metadata` (pagination cursor) is allowed where the 2020 schema omits it
 *   (conversations.history, conversations.replies);
 * - `format` keywords (uri, email) are checked with small local checkers (ajv-formats is not a dependency).
 * Responses are read raw with fetch: WebClient decorates results with the x-oauth-scopes header
 * (as response_metadata.scopes), which is not part of Slack's JSON.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ajv, type ValidateFunction } from 'ajv';
import type { Sandbox } from '../../../src/sandbox/server.js';
import { possibleErrors, SlackApiError } from '../../../src/sandbox/api/registry.js';
import { slackReferenceDir } from '../../helpers/paths.js';
import { botToken, channelId, coreSandbox, userId } from './support.js';

type Json = Record<string, unknown>;

const openapi = JSON.parse(readFileSync(join(slackReferenceDir, 'web-api/slack_web_openapi_v2.json'), 'utf8')) as {
  paths: Record<string, Record<string, { responses: Record<string, { schema?: Json }> }>>;
  definitions: Record<string, Json>;
};

/** Rewrite the 2020 quirks (see the file comment) and point refs at the shared definitions. */
function normalise(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalise);
  if (typeof node !== 'object' || node === null) return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === '$ref' && typeof v === 'string') out[k] = v.replace('#/definitions/', 'slack#/definitions/');
    else out[k] = normalise(v);
  }
  if (Array.isArray(out.items) && out.type !== 'array') {
    out.anyOf = out.items;
    delete out.items;
  }
  return out;
}

function buildAjv(): Ajv {
  const definitions = normalise(openapi.definitions) as Record<string, Json>;
  const msg = definitions.objs_message!;
  const props = msg.properties as Json;
  props.metadata = {
    type: 'object',
    required: ['event_type', 'event_payload'],
    properties: { event_type: { type: 'string' }, event_payload: { type: 'object' } },
    additionalProperties: false,
  };
  props.app_id = { $ref: 'slack#/definitions/defs_app_id' };
  props.edited = { type: 'object', required: ['user', 'ts'] };
  ((props.attachments as Json).items as Json).additionalProperties = true;
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('uri', {
    validate: (s: string) => {
      try {
        new URL(s);
        return true;
      } catch {
        return false;
      }
    },
  });
  ajv.addFormat('email', /^[^@\s]+@[^@\s]+$/);
  ajv.addSchema({ $id: 'slack', definitions });
  return ajv;
}

const ajv = buildAjv();
const validators = new Map<string, ValidateFunction | null>();

/** The success validator of a method, or null when the 2020 description lacks it. */
function successValidator(method: string): ValidateFunction | null {
  if (!validators.has(method)) {
    const ops = openapi.paths[`/${method}`];
    const schema = ops ? Object.values(ops)[0]?.responses['200']?.schema : undefined;
    if (!schema) {
      validators.set(method, null);
    } else {
      const s = normalise(schema) as Json;
      if (method === 'chat.update')
        ((s.properties as Json).message as { properties: Json }).properties.blocks = { type: 'array' };
      if (method === 'conversations.history' || method === 'conversations.replies')
        (s.properties as Json).response_metadata = { $ref: 'slack#/definitions/objs_response_metadata' };
      validators.set(method, ajv.compile(s));
    }
  }
  return validators.get(method)!;
}

/** Errors listed in every `methods/*.errors.json`: Slack's docs attach these to every method. */
const EVERY_METHOD_ERRORS: Set<string> = (() => {
  const dir = join(slackReferenceDir, 'methods');
  const lists = readdirSync(dir)
    .filter((f) => f.endsWith('.errors.json'))
    .map((f) => new Set(Object.keys((JSON.parse(readFileSync(join(dir, f), 'utf8')) as { errors: Json }).errors)));
  assert.ok(lists.length >= 5, 'the reference has per-method error lists');
  return new Set([...lists[0]!].filter((e) => lists.every((l) => l.has(e))));
})();

/** Every error Slack's reference lists for a method. */
function referenceErrors(method: string): Set<string> {
  const out = new Set<string>();
  for (const file of [`${method}.errors.json`, `${method}.json`]) {
    const path = join(slackReferenceDir, 'methods', file);
    if (existsSync(path))
      for (const k of Object.keys((JSON.parse(readFileSync(path, 'utf8')) as { errors?: Json }).errors ?? {}))
        out.add(k);
  }
  const ops = openapi.paths[`/${method}`];
  const schema = ops ? Object.values(ops)[0]?.responses.default?.schema : undefined;
  const enumList = ((schema?.properties as Json | undefined)?.error as { enum?: string[] } | undefined)?.enum ?? [];
  for (const e of enumList) out.add(e);
  if (out.size > 0) for (const e of EVERY_METHOD_ERRORS) out.add(e);
  return out;
}

/** Slack errors our sandbox answers that the reference omits for that method: none may be added without a reason. */
const KNOWN_GAPS: Record<string, string[]> = {
  // Slack answers invalid_cursor for a cursor it did not issue; the 2020 description lists it for list methods only.
  'conversations.history': ['invalid_cursor'],
  'conversations.replies': ['invalid_cursor'],
};

async function call(
  sb: Sandbox,
  method: string,
  args: Record<string, string>,
  token = sb.credentials.bot_token,
): Promise<Json> {
  const res = await fetch(`${sb.apiUrl}${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: new URLSearchParams(args),
  });
  const body = (await res.json()) as Json;
  assert.equal(body.ok, true, `${method} failed: ${JSON.stringify(body)}`);
  return body;
}

describe('sandbox conformance to the Slack reference', () => {
  let sb: Sandbox;
  const responses: Array<[string, Json]> = [];
  before(async () => {
    sb = await coreSandbox({ rateLimits: false });
    const userToken = sb.credentials.user_token!;
    const general = channelId(sb, 'general');
    const rec = async (method: string, args: Record<string, string>, token?: string) => {
      responses.push([method, await call(sb, method, args, token)]);
    };
    await rec('auth.test', {});
    await rec('auth.test', {}, userToken);
    const posted = await call(sb, 'chat.postMessage', {
      channel: general,
      text: 'hello',
      blocks: JSON.stringify([{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }]),
      attachments: JSON.stringify([{ fallback: 'f', text: 't' }]),
      metadata: JSON.stringify({ event_type: 'e', event_payload: { a: 1 } }),
    });
    responses.push(['chat.postMessage', posted]);
    const ts = posted.ts as string;
    await rec('chat.postMessage', { channel: general, text: 'reply', thread_ts: ts, reply_broadcast: 'true' });
    const userPost = await call(sb, 'chat.postMessage', { channel: general, text: 'user thread' }, userToken);
    await call(
      sb,
      'chat.postMessage',
      { channel: general, text: 'user reply', thread_ts: userPost.ts as string },
      userToken,
    );
    await rec('chat.update', { channel: general, ts, text: 'hello again' });
    await rec('chat.getPermalink', { channel: general, message_ts: ts });
    await rec('chat.postEphemeral', { channel: general, user: userId(sb, 'alice'), text: 'psst' });
    await rec('conversations.list', { types: 'public_channel,private_channel', limit: '3' });
    await rec('conversations.info', { channel: general });
    await rec('conversations.info', { channel: channelId(sb, 'security') });
    await rec('conversations.history', { channel: general, include_all_metadata: 'true', limit: '2' });
    await rec('conversations.replies', { channel: general, ts: userPost.ts as string }, userToken);
    await rec('conversations.open', { users: userId(sb, 'bob') });
    await rec('conversations.open', { users: userId(sb, 'bob'), return_im: 'true' });
    await rec('conversations.open', { users: `${userId(sb, 'bob')},${userId(sb, 'carol')}` });
    const im = await call(sb, 'conversations.open', { users: userId(sb, 'bob') });
    await rec('conversations.info', { channel: (im.channel as Json).id as string }, await botToken(sb, ['im:read']));
    await rec('conversations.join', { channel: channelId(sb, 'deploys') }, await botToken(sb, ['channels:join']));
    await rec('users.list', { limit: '4' });
    await rec('users.info', { user: userId(sb, 'carol') });
    await rec('users.info', { user: sb.workspace.app.bot_user_id });
    await rec('users.lookupByEmail', { email: 'dave@runwire.example' });
    await rec('usergroups.list', {});
    await rec('usergroups.list', { include_users: 'true' });
    const group = [...sb.workspace.usergroups.values()][0]!.id;
    await rec('usergroups.users.list', { usergroup: group });
    const deleted = await call(sb, 'chat.postMessage', { channel: general, text: 'to delete' });
    await rec('chat.delete', { channel: general, ts: deleted.ts as string });
  });
  after(async () => {
    await sb.close();
  });

  it('every implemented method was exercised', () => {
    const seen = new Set(responses.map(([m]) => m));
    const missing = sb.methods
      .list()
      .map((d) => d.name)
      .filter((m) => m !== 'oauth.v2.access' && !seen.has(m));
    // oauth.v2.access is exercised in the OAuth round trip below.
    assert.deepEqual(missing, []);
  });

  it('success responses validate against the OpenAPI success schemas', () => {
    const failures: string[] = [];
    let checked = 0;
    for (const [method, body] of responses) {
      const validate = successValidator(method);
      if (!validate) continue;
      checked++;
      if (!validate(body))
        failures.push(`${method}: ${ajv.errorsText(validate.errors)}\n  ${JSON.stringify(body).slice(0, 400)}`);
    }
    assert.ok(checked >= 20, `only ${checked} responses had a schema`);
    assert.deepEqual(failures, []);
  });

  it('oauth.v2.access success validates, and answers the documented fields', async () => {
    const redirect = 'http://127.0.0.1:9/cb';
    const authorize = await fetch(
      `${sb.url}oauth/v2/authorize?client_id=${sb.credentials.client_id}&scope=chat:write,incoming-webhook&user_scope=users:read&redirect_uri=${encodeURIComponent(redirect)}`,
      { redirect: 'manual' },
    );
    const code = new URL(authorize.headers.get('location')!).searchParams.get('code')!;
    const body = await call(
      sb,
      'oauth.v2.access',
      {
        client_id: sb.credentials.client_id,
        client_secret: sb.credentials.client_secret,
        code,
        redirect_uri: redirect,
      },
      '',
    );
    assert.ok(successValidator('oauth.v2.access')!(body));
    for (const k of [
      'access_token',
      'token_type',
      'scope',
      'bot_user_id',
      'app_id',
      'team',
      'authed_user',
      'incoming_webhook',
    ])
      assert.ok(k in body, k);
  });

  it('a schema violation is caught (the check can fail)', () => {
    const validate = successValidator('chat.postMessage')!;
    const [, good] = responses.find(([m]) => m === 'chat.postMessage')!;
    assert.equal(validate({ ...good, ts: 'not-a-ts' }), false);
    assert.equal(validate({ ...good, surprise: true }), false);
  });

  it('every error code the sandbox can answer is listed for that method in the reference', () => {
    const failures: string[] = [];
    for (const def of sb.methods.list()) {
      const ref = referenceErrors(def.name);
      assert.ok(ref.size > 0, `the reference has no error list for ${def.name}`);
      for (const e of possibleErrors(def)) {
        if (!ref.has(e) && !(KNOWN_GAPS[def.name] ?? []).includes(e)) failures.push(`${def.name}: ${e}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  it('the dispatcher refuses to answer an error a method does not declare (so the lists above are complete)', async () => {
    const other = await coreSandbox();
    try {
      other.methods.register({
        name: 'test.undeclared',
        tier: 'special',
        errors: ['declared_one'],
        handler: ({ args }) => {
          throw new SlackApiError(String(args.which));
        },
      });
      const ask = async (which: string) => {
        const res = await fetch(`${other.apiUrl}test.undeclared`, {
          method: 'POST',
          headers: { authorization: `Bearer ${other.credentials.bot_token}` },
          body: new URLSearchParams({ which }),
        });
        return [res.status, ((await res.json()) as Json).error];
      };
      assert.deepEqual(await ask('declared_one'), [200, 'declared_one']);
      assert.deepEqual(await ask('made_up_error'), [500, 'fatal_error']);
    } finally {
      await other.close();
    }
  });

  it('tiers and scopes match methods/<m>.json where it exists', () => {
    const tierOf: Record<string, number | 'special'> = { t1: 1, t2: 2, t3: 3, t4: 4, t5: 'special' };
    let compared = 0;
    for (const def of sb.methods.list()) {
      const path = join(slackReferenceDir, 'methods', `${def.name}.json`);
      if (!existsSync(path)) continue;
      const ref = JSON.parse(readFileSync(path, 'utf8')) as {
        rate_limits?: string;
        scope?: { bot?: string[]; user?: string[] };
      };
      compared++;
      assert.equal(def.tier, tierOf[ref.rate_limits ?? ''], `${def.name} tier`);
      for (const kind of ['bot', 'user'] as const) {
        assert.deepEqual(
          [...(def.scopes?.[kind] ?? [])].sort(),
          [...(ref.scope?.[kind] ?? [])].sort(),
          `${def.name} ${kind} scopes`,
        );
      }
    }
    assert.ok(compared >= 8, `compared ${compared} methods`);
  });
});
