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

/** A problem with a trigger's fields as written in the runbook (field relative to the trigger). */
export interface TriggerFieldProblem {
  field: string;
  message: string;
}

/** What `check` says about a trigger's fields: problems, and the `trigger.*` values its vars may use. */
export interface TriggerFieldCheck {
  problems: TriggerFieldProblem[];
  /** The template values a run started by it gets, without `trigger.` (e.g. `text`, `match.release`). */
  values: string[];
}

export interface TriggerTypeDefinition<C extends TSchema = TSchema, E = unknown, F extends TSchema = TSchema> {
  type: string;
  title: string;
  description: string;
  /**
   * The type's own fields as a runbook writes them (besides `id`, `type`, `mode`, `vars`), validated
   * with the runbook (a closed object: a typo is reported with its position).
   */
  fields: F;
  /** Checks the schema cannot make (a regex compiles, a cron parses), run on fields the schema accepted. */
  check(fields: Static<F>): TriggerFieldCheck;
  /** The matcher's config (names already resolved to ids, for a Slack trigger). */
  config: C;
  match(event: E, config: Static<C>): Match | NoMatch;
  dedupeKey(event: E): string;
  /** `trigger.*` template values for the run (strings, like runbook vars). */
  toVars(event: E, config: Static<C>, match: Match): Record<string, string>;
}

/** Makes a trigger type; the identity function, for inference and one place to grow checks. */
export function defineTriggerType<C extends TSchema, E, F extends TSchema>(
  def: TriggerTypeDefinition<C, E, F>,
): TriggerTypeDefinition<C, E, F> {
  return def;
}

/** Trigger types by name, as a runbook refers to them (`type: slack.message`). */
export type TriggerTypeRegistry = ReadonlyMap<string, TriggerTypeDefinition>;
