/** What every CLI command receives: where to write, the environment, and the exit code to set. */
import type { Command } from 'commander';
import { DATABASE_URL_ENV, lazyRuntime, type LazyRuntime, type RuntimeConfig } from '../runtime/open-runtime.js';

export interface CliContext {
  exitCode: number;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /**
   * The global flags given to this invocation that a printed command must repeat to reach the same
   * state (` --data-dir DIR`), with a leading space, or ''. See `replayedGlobalFlags`.
   */
  replay?: string;
  /** The run this command drives, while it does (a storage failure then says how to continue it). */
  runInFlight?: () => string | undefined;
}

/**
 * Global flags replayed in printed commands ("retry it with:", the Ctrl-C hint). `--database-url` is
 * not in the list: it may hold a password, which must never be printed (use RUNWIRE_DATABASE_URL).
 */
export const REPLAYED_GLOBAL_FLAGS = ['--data-dir'] as const;

/** ` --flag value` for every replayed global flag in `argv` (both `--flag v` and `--flag=v`). */
export function replayedGlobalFlags(argv: readonly string[]): string {
  let out = '';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    for (const flag of REPLAYED_GLOBAL_FLAGS) {
      let value: string | undefined;
      if (arg === flag) value = argv[i + 1];
      else if (arg.startsWith(`${flag}=`)) value = arg.slice(flag.length + 1);
      if (value !== undefined)
        out += ` ${flag} ${/^[\w./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`}`;
    }
  }
  return out;
}

export interface CommandModule {
  register(program: Command, ctx: CliContext): void;
}

/** The global `--data-dir` option as resolved for this invocation. */
export function dataDirOf(cmd: Command): string {
  return String(cmd.optsWithGlobals().dataDir ?? './.runwire');
}

/**
 * Where this invocation keeps its state: the global `--database-url` (else `RUNWIRE_DATABASE_URL`)
 * for PostgreSQL, otherwise SQLite in the `--data-dir`. The URL is read here and not given to
 * commander as a default, so `--help` never prints it (it may hold a password).
 */
export function runtimeConfigOf(cmd: Command, ctx: CliContext): RuntimeConfig {
  const flag = cmd.optsWithGlobals().databaseUrl as string | undefined;
  const url = flag ?? ctx.env[DATABASE_URL_ENV];
  return { dataDir: dataDirOf(cmd), ...(url ? { databaseUrl: url } : {}) };
}

/** The runtime of this invocation, opened when the command first needs it. */
export function runtimeOf(cmd: Command, ctx: CliContext): LazyRuntime {
  return lazyRuntime(runtimeConfigOf(cmd, ctx));
}
