/**
 * Task types described for people and for generated forms and API docs, from their schemas alone:
 * each type's title, description, icon, rehearsal default and idempotency, and each input field's
 * title, description, type, default and whether it is required. Pure.
 */
import { TaskCommonSchema } from './runbook-schema.js';
import type { TaskTypeRegistry } from './task-type.js';

export interface FieldDoc {
  name: string;
  title: string | undefined;
  description: string | undefined;
  /** A short type label: `string`, `duration`, `integer`, `string | string[]`, `"skip" | "send" | object`. */
  type: string;
  default?: unknown;
  required: boolean;
}

export interface TaskTypeDoc {
  type: string;
  title: string;
  description: string;
  icon: string;
  rehearsal: 'run' | 'skip';
  idempotent: boolean;
  fields: FieldDoc[];
}

type SchemaNode = Record<string, unknown>;

/** A short label for a JSON Schema node's type. */
export function typeLabel(node: SchemaNode): string {
  if ('const' in node) return JSON.stringify(node.const);
  if (Array.isArray(node.anyOf)) return (node.anyOf as SchemaNode[]).map(typeLabel).join(' | ');
  if (node.type === 'string' && String(node.format).startsWith('duration')) return 'duration';
  if (node.type === 'array') return `${node.items ? typeLabel(node.items as SchemaNode) : 'any'}[]`;
  if (node.type === 'object' && node.patternProperties) return 'map';
  return typeof node.type === 'string' ? node.type : 'any';
}

/** The fields of an object schema, in declaration order. */
export function fieldDocs(schema: SchemaNode): FieldDoc[] {
  const props = (schema.properties ?? {}) as Record<string, SchemaNode>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(props).map(([name, node]) => ({
    name,
    title: node.title as string | undefined,
    description: node.description as string | undefined,
    type: typeLabel(node),
    ...(node.default !== undefined ? { default: node.default } : {}),
    required: required.has(name),
  }));
}

/** Every type of the registry, sorted by type name. */
export function describeTaskTypes(types: TaskTypeRegistry): TaskTypeDoc[] {
  return [...types.values()]
    .map((t) => ({
      type: t.type,
      title: t.title,
      description: t.description,
      icon: t.icon,
      rehearsal: t.rehearsal,
      idempotent: t.idempotent,
      fields: fieldDocs(t.input as unknown as SchemaNode),
    }))
    .sort((a, b) => a.type.localeCompare(b.type));
}

/** The fields every task has, whatever its type. */
export function commonFieldDocs(): FieldDoc[] {
  return fieldDocs(TaskCommonSchema as unknown as SchemaNode);
}
