/** The sandbox's pure decisions: rate-limit buckets, ts order, blocks, OAuth codes, tokens, channel rules, faults. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { postDenial } from '../../../src/sandbox/api/access.js';
import { paginate } from '../../../src/sandbox/api/args.js';
import { blocksProblem } from '../../../src/sandbox/api/blocks.js';
import { checkToken, missingScopes } from '../../../src/sandbox/api/dispatch.js';
import { possibleErrors, SlackApiError, type MethodDefinition } from '../../../src/sandbox/api/registry.js';
import { validateFault } from '../../../src/sandbox/faults.js';
import { nextTs } from '../../../src/sandbox/ids.js';
import { CODE_TTL_MS, redeemCode, type CodeGrant } from '../../../src/sandbox/oauth/grants.js';
import { takeToken } from '../../../src/core/token-bucket.js';
import { perSecondRule, retryAfterSeconds, tierRule } from '../../../src/sandbox/rate-limit.js';
import type { SandboxChannel, SandboxToken } from '../../../src/sandbox/workspace-types.js';

describe('rate-limit buckets', () => {
  const rule = perSecondRule({ perSecond: 1, burst: 3 }, {});

  it('a burst of 3 passes, the 4th waits about a second, refills at 1/s', () => {
    let b;
    for (let i = 0; i < 3; i++) {
      const r = takeToken(b, rule, 1000);
      assert.equal(r.waitMs, 0);
      b = r.bucket;
    }
    const over = takeToken(b, rule, 1000);
    assert.equal(over.waitMs, 1000);
    assert.equal(takeToken(over.bucket, rule, 1500).waitMs, 500);
    assert.equal(takeToken(over.bucket, rule, 2000).waitMs, 0);
  });

  it('never holds more than the burst, however long it idles', () => {
    let b = takeToken(undefined, rule, 0).bucket;
    b = takeToken(b, rule, 3_600_000).bucket;
    assert.ok(b.tokens <= 2);
  });

  it('tiers: 1, 20, 50, 100 per minute; scale multiplies; Retry-After is whole seconds ≥ 1', () => {
    assert.deepEqual(
      [1, 2, 3, 4].map((t) => tierRule(t as 1, {}).capacity),
      [1, 20, 50, 100],
    );
    assert.equal(tierRule(2, { scale: 0.1 }).capacity, 2);
    assert.equal(tierRule(3, { tiers: { 3: 5 } }).capacity, 5);
    assert.equal(retryAfterSeconds(1), 1);
    assert.equal(retryAfterSeconds(1000), 1);
    assert.equal(retryAfterSeconds(1001), 2);
    const t2 = tierRule(2, {});
    let b;
    for (let i = 0; i < 20; i++) b = takeToken(b, t2, 0).bucket;
    assert.equal(retryAfterSeconds(takeToken(b, t2, 0).waitMs), 3, '60 s / 20 calls = one call every 3 s');
  });
});

describe('message ts', () => {
  it('is Slack-shaped and strictly increasing per channel, even within one millisecond or when the clock steps back', () => {
    const a = nextTs(undefined, 1_700_000_000_123);
    assert.equal(a, '1700000000.123000');
    const b = nextTs(a, 1_700_000_000_123);
    assert.equal(b, '1700000000.123001');
    const c = nextTs(b, 1_699_999_999_000);
    assert.equal(c, '1700000000.123002');
    assert.equal(nextTs('1700000000.999999', 1_700_000_000_500), '1700000001.000000');
  });
});

describe('blocks', () => {
  it('accepts well-formed blocks and names the problem otherwise', () => {
    assert.equal(
      blocksProblem([{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }, { type: 'divider' }]),
      undefined,
    );
    assert.match(blocksProblem({}) ?? '', /array/);
    assert.match(blocksProblem([{ type: 'nope' }]) ?? '', /known block type/);
    assert.match(blocksProblem([{ type: 'section', text: { type: 'html', text: 'x' } }]) ?? '', /plain_text or mrkdwn/);
    assert.match(blocksProblem(Array.from({ length: 51 }, () => ({ type: 'divider' }))) ?? '', /50/);
    assert.match(
      blocksProblem([{ type: 'section', text: { type: 'plain_text', text: 'x'.repeat(3001) } }]) ?? '',
      /3000/,
    );
  });

  it("applies Block Kit's documented limits: unique block_id and action_id, header 150, button text 75 and value 2000, counts", () => {
    const button = (action_id: string, over: Record<string, unknown> = {}) => ({
      type: 'button',
      action_id,
      text: { type: 'plain_text', text: 'Go' },
      ...over,
    });
    const ok = [
      { type: 'section', block_id: 'a', text: { type: 'mrkdwn', text: 'q' }, accessory: button('x') },
      { type: 'actions', block_id: 'b', elements: [button('y', { value: 'v'.repeat(2000) }), button('z')] },
    ];
    assert.equal(blocksProblem(ok), undefined);
    assert.match(blocksProblem([ok[0], { ...ok[1], block_id: 'a' }]) ?? '', /block_id a is used twice/);
    assert.match(
      blocksProblem([{ type: 'actions', elements: [button('same'), button('same')] }]) ?? '',
      /action_id same is used twice/,
    );
    assert.match(
      blocksProblem([ok[0], { type: 'actions', elements: [button('x')] }]) ?? '',
      /action_id x is used twice/,
      'action ids are unique across the message, accessories included',
    );
    assert.match(blocksProblem([{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }]) ?? '', /150/);
    assert.match(
      blocksProblem([
        { type: 'actions', elements: [button('t', { text: { type: 'plain_text', text: 't'.repeat(76) } })] },
      ]) ?? '',
      /75/,
    );
    assert.match(
      blocksProblem([{ type: 'actions', elements: [button('m', { text: { type: 'mrkdwn', text: 'no' } })] }]) ?? '',
      /plain_text/,
    );
    assert.match(
      blocksProblem([{ type: 'actions', elements: [button('v', { value: 'v'.repeat(2001) })] }]) ?? '',
      /2000/,
    );
    assert.match(
      blocksProblem([{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => button(`b${i}`)) }]) ?? '',
      /25/,
    );
    const field = { type: 'mrkdwn', text: 'f' };
    assert.match(blocksProblem([{ type: 'section', fields: Array.from({ length: 11 }, () => field) }]) ?? '', /10/);
    assert.match(
      blocksProblem([{ type: 'context', elements: Array.from({ length: 11 }, () => field) }]) ?? '',
      /no more than 10/,
    );
  });
});

describe('OAuth codes', () => {
  const grant = (over: Partial<CodeGrant> = {}): CodeGrant => ({
    code: 'c',
    client_id: '1.2',
    scopes: ['chat:write'],
    user_scopes: [],
    redirect_uri: 'http://x/cb',
    user_id: 'U1',
    webhook_channel: undefined,
    expires_at: 1000 + CODE_TTL_MS,
    used: false,
    ...over,
  });
  it('redeems once, within ten minutes, for the same client and redirect_uri', () => {
    assert.ok('grant' in redeemCode(grant(), '1.2', 'http://x/cb', 1000));
    assert.deepEqual(redeemCode(grant({ used: true }), '1.2', 'http://x/cb', 1000), { error: 'invalid_code' });
    assert.deepEqual(redeemCode(grant(), '1.2', 'http://x/cb', 1000 + CODE_TTL_MS), { error: 'invalid_code' });
    assert.deepEqual(redeemCode(grant(), '9.9', 'http://x/cb', 1000), { error: 'invalid_code' });
    assert.deepEqual(redeemCode(undefined, '1.2', 'http://x/cb', 1000), { error: 'invalid_code' });
    assert.deepEqual(redeemCode(grant(), '1.2', 'http://y/cb', 1000), { error: 'bad_redirect_uri' });
    assert.deepEqual(redeemCode(grant(), '1.2', undefined, 1000), { error: 'bad_redirect_uri' });
    assert.ok('grant' in redeemCode(grant({ redirect_uri: undefined }), '1.2', undefined, 1000));
  });
});

describe('tokens, scopes and channel rules', () => {
  const tok = (over: Partial<SandboxToken> = {}): SandboxToken => ({
    token: 'xoxb-1',
    kind: 'bot',
    scopes: ['chat:write'],
    user_id: 'UBOT',
    app_id: 'A1',
    revoked: false,
    ...over,
  });
  const def = {
    name: 'm',
    tier: 3,
    errors: [],
    scopes: { bot: ['a', 'b'], user: ['c'] },
    handler: () => ({}),
  } as MethodDefinition;

  it('authentication outcome', () => {
    assert.equal(checkToken(undefined, undefined, 0), 'not_authed');
    assert.equal(checkToken(undefined, 'xoxb-x', 0), 'invalid_auth');
    assert.equal(checkToken(tok({ revoked: true }), 'xoxb-1', 0), 'token_revoked');
    assert.equal(checkToken(tok({ expires_at: 10 }), 'xoxb-1', 10), 'token_expired');
    assert.equal(checkToken(tok({ expires_at: 10 }), 'xoxb-1', 9), undefined);
  });

  it('any one of the listed scopes of the token kind suffices', () => {
    assert.deepEqual(missingScopes(def, tok()), ['a', 'b']);
    assert.equal(missingScopes(def, tok({ scopes: ['b'] })), undefined);
    assert.deepEqual(missingScopes(def, tok({ kind: 'user', scopes: ['a'] })), ['c']);
  });

  it('possible errors grow with auth, scopes and tiers', () => {
    assert.ok(possibleErrors(def).includes('missing_scope'));
    assert.ok(possibleErrors(def).includes('ratelimited'));
    const open = { ...def, auth: false, tier: 'special' as const, scopes: {} };
    assert.deepEqual(possibleErrors(open).sort(), ['fatal_error', 'invalid_form_data']);
    assert.equal(new SlackApiError('x', { needed: 'a' }).extra.needed, 'a');
  });

  it('posting: archived, membership, chat:write.public for bot tokens on public channels only', () => {
    const ch = (over: Partial<SandboxChannel> = {}): SandboxChannel => ({
      id: 'C1',
      name: 'c',
      type: 'channel',
      is_archived: false,
      is_general: false,
      created: 0,
      creator: 'U1',
      topic: '',
      purpose: '',
      members: new Set(),
      ...over,
    });
    assert.equal(postDenial(ch(), tok()), 'not_in_channel');
    assert.equal(postDenial(ch({ members: new Set(['UBOT']) }), tok()), undefined);
    assert.equal(postDenial(ch(), tok({ scopes: ['chat:write', 'chat:write.public'] })), undefined);
    assert.equal(
      postDenial(ch({ type: 'group' }), tok({ scopes: ['chat:write', 'chat:write.public'] })),
      'not_in_channel',
    );
    assert.equal(
      postDenial(ch(), tok({ kind: 'user', scopes: ['chat:write', 'chat:write.public'] })),
      'not_in_channel',
    );
    assert.equal(postDenial(ch({ is_archived: true, members: new Set(['UBOT']) }), tok()), 'is_archived');
  });
});

describe('cursor pagination and fault specs', () => {
  it('pages through a list and refuses foreign cursors', () => {
    const items = [1, 2, 3, 4, 5];
    const p1 = paginate(items, 2, undefined);
    assert.deepEqual(p1.page, [1, 2]);
    const p2 = paginate(items, 2, p1.next_cursor);
    assert.deepEqual(p2.page, [3, 4]);
    const p3 = paginate(items, 2, p2.next_cursor);
    assert.deepEqual([p3.page, p3.next_cursor], [[5], '']);
    assert.throws(
      () => paginate(items, 2, 'garbage'),
      (e: unknown) => e instanceof SlackApiError && e.error === 'invalid_cursor',
    );
  });

  it('validates fault specs with a message that says what is wrong', () => {
    assert.equal(validateFault({ method: 'chat.postMessage', kind: 'timeout', hold_ms: 100 }), undefined);
    assert.match(validateFault({ method: 'chat.postMessage', kind: 'boom' }) ?? '', /kind must be one of/);
    assert.match(validateFault({ kind: 'reset' }) ?? '', /method/);
    assert.match(validateFault({ method: 'm', kind: 'http_error', status: 404 }) ?? '', /500-599/);
    assert.match(validateFault({ method: 'm', kind: 'reset', times: 0 }) ?? '', /positive integer/);
  });
});
