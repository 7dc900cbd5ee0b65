/**
 * Every command group of the CLI, one module each; add yours to this list with the command names it
 * registers. A call names its command first (after the global options), so `main` loads and
 * registers only that group; `--help`, `help`, an unknown or missing command load them all (help
 * lists every command and a typo gets "did you mean"). The list's order is the order in `--help`.
 */
import type { CommandModule } from '../context.js';

export interface CommandEntry {
  /** The top-level command names the module registers. */
  names: readonly string[];
  load(): Promise<CommandModule>;
}

export const commandEntries: readonly CommandEntry[] = [
  { names: ['check'], load: async () => (await import('./check.js')).checkCommand },
  { names: ['connection'], load: async () => (await import('./connection.js')).connectionCommands },
  { names: ['validate'], load: async () => (await import('./validate.js')).validateCommand },
  { names: ['run'], load: async () => (await import('./run.js')).runCommand },
  { names: ['runs'], load: async () => (await import('./runs.js')).runsCommand },
  { names: ['task'], load: async () => (await import('./task.js')).taskCommand },
  { names: ['resume'], load: async () => (await import('./resume.js')).resumeCommand },
  { names: ['start'], load: async () => (await import('./start.js')).startCommand },
  { names: ['sandbox'], load: async () => (await import('./sandbox.js')).sandboxCommand },
  { names: ['server'], load: async () => (await import('./server.js')).serverCommand },
  { names: ['token'], load: async () => (await import('./token.js')).tokenCommands },
  { names: ['runbooks'], load: async () => (await import('./runbooks.js')).runbooksCommands },
  { names: ['triggers'], load: async () => (await import('./triggers.js')).triggersCommands },
  { names: ['types'], load: async () => (await import('./types.js')).typesCommand },
  { names: ['worker', 'workers'], load: async () => (await import('./worker.js')).workerCommands },
  { names: ['slack-users'], load: async () => (await import('./slack-users.js')).slackUsersCommands },
];

/** Global options that take a value (`--data-dir DIR`), to find the command word after them. */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(['--data-dir', '--database-url']);

/** The command word of a call (`process.argv.slice(2)`), or undefined before any (e.g. `--help`). */
export function commandWord(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (GLOBAL_OPTIONS_WITH_VALUE.has(a)) i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

/** The command modules a call needs: the one naming its command word, else all of them. */
export async function commandModulesFor(args: readonly string[]): Promise<CommandModule[]> {
  const word = commandWord(args);
  const one = commandEntries.find((e) => word !== undefined && e.names.includes(word));
  return Promise.all((one ? [one] : commandEntries).map((e) => e.load()));
}
