/**
 * The storage backends the CLI tests run on: SQLite in the data dir, and PostgreSQL (127.0.0.1:5432,
 * database `test`, user `postgres`, or RUNWIRE_TEST_PG_URL) in a fresh schema per test, selected with
 * the URL's `options=-c search_path=…` (Runwire creates it). Schemas are left behind to look at.
 */
import { randomBytes } from 'node:crypto';

export const PG_URL = process.env.RUNWIRE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A database URL naming a fresh schema (`runwire_<prefix>_<time>_<random>`). */
export function freshSchemaUrl(prefix: string, base = PG_URL): string {
  const schema = `runwire_${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  return `${base}${base.includes('?') ? '&' : '?'}options=-csearch_path%3D${schema}`;
}

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** The environment a CLI child needs for a fresh store of this backend (empty for SQLite). */
  freshEnv(prefix: string): Record<string, string>;
}

export const backends: Backend[] = [
  { name: 'sqlite', freshEnv: () => ({}) },
  { name: 'postgres', freshEnv: (prefix) => ({ RUNWIRE_DATABASE_URL: freshSchemaUrl(prefix) }) },
];
