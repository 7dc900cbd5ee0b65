/** Load a workspace seed from a JSON or YAML file, with errors a person can act on. */
import { readFile } from 'node:fs/promises';
import { Value } from '@sinclair/typebox/value';
import { parse as parseYaml } from 'yaml';
import { RunwireError } from '../core/errors.js';
import { WorkspaceSeedSchema, type WorkspaceSeed } from './seed.js';

/** Check a parsed seed (pure); throws RunwireError listing the first problems. */
export function checkSeed(value: unknown, source: string): WorkspaceSeed {
  if (Value.Check(WorkspaceSeedSchema, value)) return value;
  const problems = [...Value.Errors(WorkspaceSeedSchema, value)]
    .slice(0, 5)
    .map((e) => `${e.path || '/'}: ${e.message}`);
  throw new RunwireError(
    'runwire.sandbox.bad_workspace',
    `${source} is not a valid sandbox workspace:\n  ${problems.join('\n  ')}`,
    {
      fix: 'See "Slack sandbox" in README.md for the workspace file format (team, app, users, channels).',
    },
  );
}

export async function loadSeedFile(path: string): Promise<WorkspaceSeed> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new RunwireError(
      'runwire.sandbox.workspace_unreadable',
      `cannot read the workspace file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      {
        fix: 'Check the path given to --workspace.',
      },
    );
  }
  let value: unknown;
  try {
    // YAML is a superset of JSON, so one parser reads both.
    value = parseYaml(text);
  } catch (err) {
    throw new RunwireError(
      'runwire.sandbox.bad_workspace',
      `${path} is neither valid JSON nor YAML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
      {
        fix: 'Fix the syntax of the workspace file.',
      },
    );
  }
  return checkSeed(value, path);
}
