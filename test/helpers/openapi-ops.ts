/**
 * The operations of Runwire's OpenAPI document (`/api/openapi.json`) as a fuzz test needs them: the
 * method, the path template, its path / query / header parameters, the JSON body schema, and whether
 * it needs a token. Plus `plausible`: a value that fits a schema (the base a mutation starts from).
 */

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  minimum?: number;
  minLength?: number;
  pattern?: string;
  default?: unknown;
}

export interface Param {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
}

export interface Operation {
  method: string;
  /** As in the document: `/api/runs/{id}`. */
  path: string;
  params: Param[];
  /** The JSON request body's schema, when the document declares one. */
  body?: JsonSchema;
  /** Needs no Runwire token (public, or signed by Slack instead). */
  public: boolean;
  /** `GET /api/runs/{id}` */
  label: string;
}

interface OpenApiOperation {
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: JsonSchema }>;
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  security?: unknown[];
}

/** Every operation of the document but HEAD (Fastify's automatic twin of each GET). */
export function operationsOf(doc: { paths: Record<string, Record<string, OpenApiOperation>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (method === 'head') continue;
      const body = op.requestBody?.content?.['application/json']?.schema;
      ops.push({
        method: method.toUpperCase(),
        path,
        params: (op.parameters ?? [])
          .filter((p) => p.in === 'path' || p.in === 'query' || p.in === 'header')
          .map((p) => ({
            name: p.name,
            in: p.in as Param['in'],
            required: p.required === true,
            schema: p.schema ?? {},
          })),
        ...(body ? { body } : {}),
        public: !op.security || op.security.length === 0,
        label: `${method.toUpperCase()} ${path}`,
      });
    }
  }
  return ops;
}

/** A type name of a schema (the first of a list; an enum's or anyOf's first member's). */
export function typeOf(s: JsonSchema): string {
  if (s.anyOf?.[0]) return typeOf(s.anyOf[0]);
  if (Array.isArray(s.type)) return s.type[0] ?? 'string';
  if (s.type) return s.type;
  if (s.enum) return typeof s.enum[0];
  return 'object';
}

/** A value that fits the schema: required properties only, enums' first member, minimums. */
export function plausible(s: JsonSchema): unknown {
  if (s.anyOf?.[0]) return plausible(s.anyOf[0]);
  if (s.enum) return s.enum[0];
  switch (typeOf(s)) {
    case 'string':
      return s.pattern ? 'fuzz' : 'x'.repeat(Math.max(1, s.minLength ?? 1));
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'null':
      return null;
    default: {
      const out: Record<string, unknown> = {};
      for (const k of s.required ?? []) out[k] = plausible(s.properties?.[k] ?? {});
      return out;
    }
  }
}
