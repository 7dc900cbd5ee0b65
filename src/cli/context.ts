/** What every CLI command receives: where to write, the environment, and the exit code to set. */
import type { Command } from 'commander';

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
