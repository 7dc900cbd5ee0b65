/**
 * Named (server-side prepared) statements for the queries Runwire sends again and again. An unnamed
 * parameterised query is parsed and planned by PostgreSQL on every call (the claim query: ~0.7 ms of
 * the server's CPU each time); a named one is parsed once per connection and then only bound and
 * executed. Names are handed out per distinct text, once per process, so one name never means two
 * texts (node-postgres refuses that); past `MAX_NAMED` distinct texts (SQL built from variable
 * filters, say) further texts stay unnamed rather than growing every connection's statement cache.
 */
import type { QueryConfig } from 'pg';

const MAX_NAMED = 500;
const names = new Map<string, string>();

/** `{ name, text, values }` for `pool.query` / `client.query`: prepared once per connection. */
export function prepared(text: string, values: unknown[]): QueryConfig {
  // Several statements in one text can only go as a simple (unprepared) query.
  if (text.includes(';')) return { text, values };
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMED) {
    name = `runwire_q${names.size + 1}`;
    names.set(text, name);
  }
  return name === undefined ? { text, values } : { name, text, values };
}
