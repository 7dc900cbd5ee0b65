/** What every CLI command receives: where to write, the environment, and the exit code to set. */
import type { Command } from 'commander';
import { DATABASE_URL_ENV, lazyRuntime, type LazyRuntime, type RuntimeConfig } from '../runtime/open-runtime.js';

export interface CliContext {
  exitCode: number;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
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
