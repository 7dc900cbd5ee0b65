/**
 * Option parsers used while commands are registered. Kept apart from `load-runbook.ts` (which
 * loads the runbook parser: yaml, ajv, TypeBox) so registering a command loads nothing heavy.
 */

/** Commander option parser for a repeatable `--var k=v`: collects the raw values. */
export function collectVar(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
