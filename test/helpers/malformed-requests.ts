/**
 * fast-check generators of malformed requests for one OpenAPI operation, one generator per kind of
 * wrongness: JSON bodies of the wrong types, without required fields, with extra fields or huge
 * strings; bodies that are not JSON (or not UTF-8) under a JSON content type; wrong content types;
 * bad path parameters (unicode, `..`, percent-encoding that decodes to nothing, very long); bad query
 * parameters (negative limits, garbage cursors, repeats); duplicate headers; bad Idempotency-Keys; and
 * bad credentials (no scheme, `Bearer` alone, a forged session cookie, a real one without Origin).
 * Every request but the credential ones authenticates as admin, so the input itself is what is judged.
 */
import fc from 'fast-check';
import { type JsonSchema, type Operation, plausible, typeOf } from './openapi-ops.js';
import type { RawRequest } from './raw-http.js';

export interface FuzzContext {
  /** A path parameter's value naming a real resource (or a harmless absent one). */
  fill(op: Operation, param: string): string;
  /** The body a valid call would send, when `plausible(schema)` is not enough. */
  base?(op: Operation): unknown;
  /** An admin API token. */
  adminToken: string;
  /** A live session cookie's value (of a viewer). */
  session: string;
}

export interface FuzzRequest extends RawRequest {
  kind: string;
}

const JSON_TYPE: [string, string] = ['content-type', 'application/json'];
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Path segments that are not names: traversal, bad percent-encoding, injection-looking text. */
const ODD_SEGMENTS = [
  '..',
  '.',
  '%2e%2e',
  '..%2f..%2fetc%2fpasswd',
  '%2F',
  '%00',
  '%',
  '%zz',
  '%ff',
  '%c3%28',
  '%ed%a0%80',
  '%E0%A4%A',
  '~',
  '*',
  "'%20OR%201=1--",
  '__proto__',
  'constructor',
  '%5C..%5C',
  '%0d%0aX-Injected:%201',
];
const ODD_QUERY_VALUES = [
  '-1',
  '0',
  '-999999999999',
  '1e309',
  'NaN',
  'Infinity',
  'abc',
  '',
  '1.5',
  '99999999999999999999',
  '%',
  '%zz',
  '%ff',
  '__proto__',
  'eyJub3QiOiJhIGN1cnNvciJ9',
  '!!!!',
  'null',
  '[]',
];

const wrongValue = (s: JsonSchema): fc.Arbitrary<unknown> => {
  const t = typeOf(s);
  const all: Array<[string, fc.Arbitrary<unknown>]> = [
    ['string', fc.string({ maxLength: 20 })],
    ['integer', fc.integer()],
    ['number', fc.double({ noNaN: true, noDefaultInfinity: true })],
    ['boolean', fc.boolean()],
    ['null', fc.constant(null)],
    ['array', fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 })],
    ['object', fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 })],
  ];
  const others = all.filter(([k]) => k !== t && !(t === 'number' && k === 'integer')).map(([, a]) => a);
  // A string that is not one of an enum's members, or breaks a pattern, is wrong too.
  if (t === 'string' && (s.enum || s.anyOf || s.pattern)) others.push(fc.constantFrom('', ' ', 'ADMIN', '../x', '🙂'));
  return fc.oneof(...others);
};

const hugeString = fc
  .tuple(fc.constantFrom(10_000, 200_000, 1_000_000), fc.constantFrom('x', 'é', '🙂', '\u0000', '"', '\\'))
  .map(([n, c]) => c.repeat(n));

/** An object body from the schema's base with one change. */
function objectBody(op: Operation, ctx: FuzzContext, change: (base: Record<string, unknown>) => fc.Arbitrary<unknown>) {
  const base = (ctx.base?.(op) ?? plausible(op.body ?? {})) as Record<string, unknown>;
  return change(typeof base === 'object' && base !== null ? { ...base } : {});
}

export function malformedRequests(
  op: Operation,
  ctx: FuzzContext,
): Array<{ kind: string; arb: fc.Arbitrary<FuzzRequest> }> {
  const admin: [string, string] = ['authorization', `Bearer ${ctx.adminToken}`];
  const pathParams = op.params.filter((p) => p.in === 'path');
  const queryParams = op.params.filter((p) => p.in === 'query');
  const target = (values: Record<string, string> = {}, query = '') =>
    op.path.replace(/\{(\w+)\}/g, (_m, name: string) => values[name] ?? encodeURIComponent(ctx.fill(op, name))) + query;
  const baseBody = () => ctx.base?.(op) ?? (op.body ? plausible(op.body) : undefined);
  const withBody = (body: unknown): Pick<RawRequest, 'headers' | 'body'> =>
    body === undefined || !BODY_METHODS.has(op.method)
      ? { headers: [admin] }
      : { headers: [admin, JSON_TYPE], body: JSON.stringify(body) };
  const req = (kind: string, r: Omit<RawRequest, 'method'>): FuzzRequest => ({ kind, method: op.method, ...r });
  const out: Array<{ kind: string; arb: fc.Arbitrary<FuzzRequest> }> = [];
  const add = (kind: string, arb: fc.Arbitrary<Omit<RawRequest, 'method'>>) =>
    out.push({ kind, arb: arb.map((r) => req(kind, r)) });
  const json = (value: fc.Arbitrary<unknown>) =>
    value.map((v) => ({ target: target(), headers: [admin, JSON_TYPE], body: JSON.stringify(v) ?? 'null' }));

  if (op.body && BODY_METHODS.has(op.method)) {
    const props = Object.entries(op.body.properties ?? {});
    const isObject = typeOf(op.body) === 'object';
    add(
      'wrong-type',
      json(
        isObject && props.length
          ? fc
              .constantFrom(...props)
              .chain(([k, s]) => objectBody(op, ctx, (b) => wrongValue(s).map((v) => ({ ...b, [k]: v }))))
          : wrongValue(op.body),
      ),
    );
    add(
      'not-an-object',
      json(
        fc.oneof(
          fc.constant(null),
          fc.integer(),
          fc.string({ maxLength: 10 }),
          fc.array(fc.jsonValue(), { maxLength: 3 }),
        ),
      ),
    );
    const required = op.body.required ?? [];
    if (required.length) {
      add(
        'missing-required',
        json(
          fc.subarray(required, { minLength: 1 }).chain((drop) =>
            objectBody(op, ctx, (b) => {
              for (const k of drop) delete b[k];
              return fc.constant(b);
            }),
          ),
        ),
      );
    }
    if (isObject) {
      add(
        'extra-fields',
        json(
          objectBody(op, ctx, (b) =>
            fc
              .dictionary(
                fc.oneof(
                  fc.string({ minLength: 1, maxLength: 12 }),
                  fc.constantFrom('constructor', 'prototype', 'admin'),
                ),
                fc.jsonValue({ maxDepth: 2 }),
                { minKeys: 1, maxKeys: 4 },
              )
              .map((extra) => ({ ...extra, ...b })),
          ),
        ),
      );
    }
    add(
      'huge-string',
      json(
        isObject && props.length
          ? fc
              .tuple(fc.constantFrom(...props.map(([k]) => k)), hugeString)
              .chain(([k, v]) => objectBody(op, ctx, (b) => fc.constant({ ...b, [k]: v })))
          : hugeString,
      ),
    );
  }

  if (BODY_METHODS.has(op.method)) {
    add(
      'not-json',
      fc
        .oneof(
          fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => Buffer.from(b)),
          fc.constantFrom(
            Buffer.from([0xff, 0xfe, 0xfd]),
            Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]),
            Buffer.from('{"a":'),
            Buffer.from('{"__proto__":{"admin":true}}'),
            Buffer.from('{"constructor":{"prototype":{"admin":true}}}'),
            Buffer.from('\ufeff{}'),
            Buffer.from('NaN'),
            Buffer.from('{} {}'),
            Buffer.from(`${'['.repeat(5000)}${']'.repeat(5000)}`),
            Buffer.from(''),
          ),
          fc.string({ maxLength: 40 }).map((s) => Buffer.from(s)),
        )
        .map((body) => ({ target: target(), headers: [admin, JSON_TYPE], body })),
    );
    add(
      'wrong-content-type',
      fc
        .tuple(
          fc.constantFrom(
            'text/plain',
            'application/xml',
            'multipart/form-data; boundary=x',
            'application/x-www-form-urlencoded',
            'application/json; charset=utf-16',
            'application/jsonx',
            ';;',
            'application/json, text/plain',
            'application/octet-stream',
            '*/*',
            'application/',
          ),
          fc.constantFrom('x=1', '<a/>', JSON.stringify(baseBody() ?? {}), '--x\r\n\r\n--x--'),
        )
        .map(([type, body]) => ({ target: target(), headers: [admin, ['content-type', type]], body })),
    );
  }

  if (pathParams.length) {
    add(
      'bad-path-param',
      fc
        .tuple(
          fc.constantFrom(...pathParams.map((p) => p.name)),
          fc.oneof(
            fc.constantFrom(...ODD_SEGMENTS),
            fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map(encodeURIComponent),
            fc.constantFrom('🙂', 'é', 'Ω', '日本', 'a b', 'a\tb', 'a\u0001b', 'a?b', 'a#b'),
            fc.constantFrom(300, 5_000, 20_000).map((n) => 'a'.repeat(n)),
          ),
        )
        .map(([name, value]) => ({ target: target({ [name]: value }), ...withBody(baseBody()) })),
    );
  }

  add(
    'bad-query',
    fc
      .array(
        fc.tuple(
          queryParams.length
            ? fc.oneof(fc.constantFrom(...queryParams.map((p) => p.name)), fc.constantFrom('__proto__', 'limit[]', 'x'))
            : fc.constantFrom('limit', 'cursor', '__proto__', 'after', 'x[]'),
          fc.oneof(fc.constantFrom(...ODD_QUERY_VALUES), fc.string({ maxLength: 12 }).map(encodeURIComponent)),
        ),
        { minLength: 1, maxLength: 4 },
      )
      .map((pairs) => ({
        target: target({}, `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`),
        ...withBody(baseBody()),
      })),
  );

  const body = withBody(baseBody());
  const rest = body.headers.filter(([k]) => k !== 'authorization');
  add(
    'duplicate-headers',
    fc
      .constantFrom<Array<[string, string]>>(
        [admin, ['authorization', 'Bearer rwt_bogus']],
        [['authorization', 'Bearer rwt_bogus'], admin],
        [admin, ['content-type', 'application/json'], ['content-type', 'text/plain']],
        [admin, ['content-length', '2'], ['content-length', '3']],
        [admin, ['transfer-encoding', 'chunked'], ['content-length', '2']],
        [admin, ['idempotency-key', 'a'], ['idempotency-key', 'b']],
        [admin, ['cookie', 'runwire_session=x'], ['cookie', 'runwire_session=y']],
        [admin, ['x-request-id', 'a'], ['x-request-id', 'b']],
        [admin, ['accept', 'text/event-stream'], ['accept', 'application/json']],
        [admin, ['host', 'evil.example']],
      )
      .map((headers) => {
        const names = new Set(headers.map(([k]) => k));
        return {
          target: target(),
          headers: [...headers, ...rest.filter(([k]) => !names.has(k))],
          ...(body.body === undefined ? { body: '{}' } : { body: body.body }),
        };
      }),
  );

  if (op.params.some((p) => p.in === 'header' && p.name === 'idempotency-key')) {
    add(
      'bad-idempotency-key',
      fc
        .oneof(
          fc.constantFrom('', ' ', 'a'.repeat(201), 'a'.repeat(8_000), '🙂', 'é', '\u007f', '\u0001', 'a\u0000b'),
          fc.string({ unit: 'grapheme', maxLength: 40 }),
        )
        .map((key) => ({ target: target(), ...body, headers: [...body.headers, ['idempotency-key', key]] })),
    );
  }

  if (!op.public) {
    const safe = op.method === 'GET';
    const credentials: Array<Array<[string, string]>> = [
      [['authorization', ctx.adminToken]],
      [['authorization', 'Bearer']],
      [['authorization', 'Bearer ']],
      [['authorization', 'Basic YWRtaW46YWRtaW4=']],
      [['authorization', `Bearer ${ctx.adminToken} extra`]],
      [['authorization', `Token ${ctx.adminToken}`]],
      [['authorization', '']],
      [['cookie', 'runwire_session=garbage']],
      [['cookie', 'runwire_session=']],
      [['cookie', 'runwire_session=%E0%A4%A']],
      [['cookie', `runwire_session=${ctx.adminToken}`]],
      [['cookie', 'runwire_session']],
      ...(safe
        ? []
        : ([
            [['cookie', `runwire_session=${ctx.session}`]],
            [
              ['cookie', `runwire_session=${ctx.session}`],
              ['origin', 'http://evil.example'],
            ],
            [
              ['cookie', `runwire_session=${ctx.session}`],
              ['origin', 'null'],
            ],
          ] as Array<Array<[string, string]>>)),
    ];
    add(
      'bad-auth',
      fc.tuple(fc.constantFrom(...credentials), fc.string({ maxLength: 30 })).map(([creds, junk]) => ({
        target: target(),
        headers: [
          ...creds.map(([k, v]) => [k, v.replace('garbage', `garbage${encodeURIComponent(junk)}`)] as [string, string]),
          ...rest,
        ],
        ...(body.body === undefined ? {} : { body: body.body }),
      })),
    );
  }
  return out;
}
