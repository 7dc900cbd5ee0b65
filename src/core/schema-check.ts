/**
 * JSON Schema validation with ajv, and its errors turned into field-level problems a person can
 * act on. Schemas are written with TypeBox; `x-hint` on a schema replaces ajv's wording for
 * errors at that schema (e.g. "task ids use letters, digits, - and _").
 */
import { createRequire } from 'node:module';
import type { TSchema } from '@sinclair/typebox';
import type { Ajv, ErrorObject, Options, ValidateFunction } from 'ajv';
import { tryParseDuration } from './duration.js';
import { hasTemplate } from './template.js';
import { pointerToPath } from './source-map.js';
import { didYouMean } from './suggest.js';
import { formats } from './validator-formats.js';
import { validators as prebuilt } from './validators.generated.js';
import { packagePath } from './package-root.js';

/** A problem at a path relative to the validated value. */
export interface SchemaProblem {
  path: Array<string | number>;
  message: string;
}

let ajv: Ajv | undefined;
const compiled = new WeakMap<object, ValidateFunction>();

/** ajv's options, shared with the build-time compiler so both give the same errors. */
export const AJV_OPTIONS: Options = { allErrors: true, verbose: true, strict: true, allowUnionTypes: true };

/** An ajv with Runwire's keyword and formats; `extra` options are the build's (standalone code). */
export function makeAjv(AjvClass: new (o: Options) => Ajv, extra: Options = {}): Ajv {
  // verbose: errors carry the failing data and parentSchema, used for the wording below.
  const a = new AjvClass({ ...AJV_OPTIONS, ...extra });
  a.addKeyword({ keyword: 'x-hint', schemaType: 'string' });
  for (const [name, format] of Object.entries(formats)) a.addFormat(name, format);
  return a;
}

/**
 * The validator the build compiled for this schema (`tools/build-validators.ts`), if any: one
 * CommonJS file per schema, required on first use so a command loads only the ones it checks.
 */
function prebuiltValidator(key: string): ValidateFunction | undefined {
  const name = prebuilt.get(key);
  if (name === undefined) return undefined;
  const file = packagePath(`dist/src/core/validators/${name}.cjs`);
  return (createRequire(import.meta.url)(file) as (f: typeof formats) => ValidateFunction)(formats);
}

function getAjv(): Ajv {
  // Loaded only when a schema was not compiled at build time (e.g. a type added by a test).
  ajv ??= makeAjv((createRequire(import.meta.url)('ajv') as { Ajv: new (o: Options) => Ajv }).Ajv);
  return ajv;
}

/** The schema as validated: `closeObjects` closes a top-level object schema that does not say otherwise. */
export function effectiveSchema(schema: TSchema, closeObjects = false): TSchema {
  return closeObjects && schema.type === 'object' && schema.additionalProperties === undefined
    ? { ...schema, additionalProperties: false }
    : schema;
}

/** The key of a schema among the build-time validators: its JSON text. */
export function schemaKey(schema: TSchema): string {
  return JSON.stringify(schema);
}

/**
 * Compile (once per schema object) and validate. `closeObjects` makes a top-level object schema
 * that does not say otherwise reject unknown fields, so a typo is reported, not ignored.
 */
export function checkSchema(
  schema: TSchema,
  value: unknown,
  opts: { closeObjects?: boolean; suggestFrom?: readonly string[] } = {},
): SchemaProblem[] {
  let validate = compiled.get(schema);
  if (!validate) {
    const s = effectiveSchema(schema, opts.closeObjects);
    validate = prebuiltValidator(schemaKey(s)) ?? getAjv().compile(s);
    compiled.set(schema, validate);
  }
  if (validate(value)) return [];
  return describeErrors(validate.errors ?? [], value, opts.suggestFrom ?? []);
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number') return Number.isInteger(v) ? `integer ${v}` : `number ${v}`;
  return `${typeof v} ${String(v)}`;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'null',
};

function typeWords(t: unknown): string {
  const list = Array.isArray(t) ? t : [t];
  return list.map((x) => TYPE_WORDS[String(x)] ?? String(x)).join(' or ');
}

function describeErrors(errors: ErrorObject[], value: unknown, suggestFrom: readonly string[]): SchemaProblem[] {
  // anyOf/oneOf: report the union once (with its hint), not every branch's complaint — unless one
  // branch matched the value's shape and only failed inside it (a list with one bad item).
  const unions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const dropped = new Set<ErrorObject>();
  for (const u of unions) {
    const prefix = `${u.schemaPath}/`;
    const byBranch = new Map<string, ErrorObject[]>();
    for (const e of errors) {
      if (!e.schemaPath.startsWith(prefix)) continue;
      dropped.add(e);
      const branch = e.schemaPath.slice(prefix.length).split('/')[0] as string;
      byBranch.set(branch, [...(byBranch.get(branch) ?? []), e]);
    }
    const inner = [...byBranch.values()].filter((list) =>
      list.every((e) => e.instancePath.length > u.instancePath.length),
    );
    if (inner.length === 1) {
      dropped.add(u);
      for (const e of inner[0] as ErrorObject[]) dropped.delete(e);
    }
  }
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (dropped.has(e)) continue;
    if (e.keyword === 'propertyNames' || e.keyword === 'if') continue;
    const p = describe(e, value, e.instancePath === '' ? suggestFrom : []);
    const key = `${p.path.join('\u0000')}\u0001${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}

function describe(e: ErrorObject, value: unknown, suggestFrom: readonly string[]): SchemaProblem {
  const path = pointerToPath(e.instancePath, value);
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  const hint = typeof parent['x-hint'] === 'string' ? parent['x-hint'] : undefined;
  const params = e.params as Record<string, unknown>;
  if (e.propertyName !== undefined) {
    return {
      path: [...path, e.propertyName],
      message: hint ? `invalid name "${e.propertyName}": ${hint}` : `invalid name "${e.propertyName}"`,
    };
  }
  switch (e.keyword) {
    case 'required':
      return { path, message: `missing required field "${String(params.missingProperty)}"` };
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const known = Object.keys((parent.properties as Record<string, unknown> | undefined) ?? {});
      return {
        path: [...path, name],
        message: `unknown field "${name}"${didYouMean(name, [...known, ...suggestFrom]) || (known.length > 0 ? ` (known fields: ${known.join(', ')})` : ' (this type takes no fields)')}`,
      };
    }
    case 'maxLength':
      return {
        path,
        message: `must be at most ${String(params.limit)} characters, got ${typeof e.data === 'string' ? e.data.length : '?'}`,
      };
    case 'format':
      if (typeof params.format === 'string' && params.format.startsWith('duration') && typeof e.data === 'string') {
        if (params.format === 'duration-literal' && hasTemplate(e.data)) {
          return { path, message: `templates are not allowed here, got "${e.data}" (write a duration such as 2s)` };
        }
        const r = tryParseDuration(e.data);
        if ('ms' in r && params.format === 'duration-positive')
          return { path, message: `must be longer than 0ms, got "${e.data}"` };
        return { path, message: 'error' in r ? r.error : `invalid duration "${e.data}"` };
      }
      return { path, message: hint ?? `must be a valid ${String(params.format)}` };
    default:
      break;
  }
  if (hint) return { path, message: `${hint}, got ${jsonType(e.data)}` };
  switch (e.keyword) {
    case 'type':
      return { path, message: `expected ${typeWords(params.type)}, got ${jsonType(e.data)}` };
    case 'enum':
      return {
        path,
        message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${jsonType(e.data)}`,
      };
    case 'const':
      return { path, message: `must be ${JSON.stringify(params.allowedValue)}, got ${jsonType(e.data)}` };
    case 'minItems':
      return {
        path,
        message: params.limit === 1 ? 'must not be empty' : `must have at least ${String(params.limit)} items`,
      };
    case 'minLength':
      return {
        path,
        message: params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters`,
      };
    case 'anyOf':
    case 'oneOf': {
      const branches = Array.isArray(e.schema) ? (e.schema as Array<Record<string, unknown>>) : [];
      if (branches.length > 0 && branches.every((b) => 'const' in b)) {
        return {
          path,
          message: `must be one of ${branches.map((b) => JSON.stringify(b.const)).join(', ')}, got ${jsonType(e.data)}`,
        };
      }
      return { path, message: `has the wrong shape, got ${jsonType(e.data)}` };
    }
    default:
      return {
        path,
        message: `${e.message ?? 'is invalid'}${e.data !== undefined ? `, got ${jsonType(e.data)}` : ''}`,
      };
  }
}
