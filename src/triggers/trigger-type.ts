/**
 * The trigger-type contract: a plain typed object from a factory, like task types. A trigger type
 * declares its config as a TypeBox schema (validated with the runbook) and three pure decisions:
 * does an event match this trigger (`match`), what makes two deliveries the same event
 * (`dedupeKey`, unique in the database), and which template values the run gets (`toVars`).
 * Transports (the Events API endpoint, Socket Mode, the scheduler's clock) live apart from these.
 */
import type { Static, TSchema } from '@sinclair/typebox';

/** Why an event does not start a run (recorded in the trigger's history). */
export type NoMatch = { matched: false; reason: 'no_match' | 'not_allowed' | 'ignored'; detail: string };

/** A match, with what the matcher found (e.g. the regex's named groups). */
export type Match = { matched: true; groups: Record<string, string> };

export interface TriggerTypeDefinition<C extends TSchema = TSchema, E = unknown> {
  type: string;
  title: string;
  description: string;
  config: C;
  match(event: E, config: Static<C>): Match | NoMatch;
  dedupeKey(event: E): string;
  /** `trigger.*` template values for the run (strings, like runbook vars). */
  toVars(event: E, config: Static<C>, match: Match): Record<string, string>;
}

/** Makes a trigger type; the identity function, for inference and one place to grow checks. */
export function defineTriggerType<C extends TSchema, E>(def: TriggerTypeDefinition<C, E>): TriggerTypeDefinition<C, E> {
  return def;
}
