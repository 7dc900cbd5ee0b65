/**
 * The `runwire` command line. Each command group lives in its own file under `commands/` and
 * registers itself on the program; this file only wires them together and maps the result to
 * an exit code. Commands set `ctx.exitCode`; an uncaught RunwireError prints its message and fix.
 */
import { Command, CommanderError } from 'commander';
import { RunwireError } from '../core/errors.js';
import { redactUrlCredentials } from '../core/redact.js';
import { AGAIN, STORAGE_CODES } from '../store/storage-errors.js';
import { type CliContext, replayedGlobalFlags } from './context.js';
import { commandModulesFor } from './commands/index.js';

export async function main(argv: string[]): Promise<number> {
  ignoreClosedOutput(process.stdout);
  ignoreClosedOutput(process.stderr);
  const ctx: CliContext = {
    exitCode: 0,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    replay: replayedGlobalFlags(argv.slice(2)),
  };
  const program = new Command('runwire')
    .description('Runbook and job automation with first-class Slack integration')
    .option(
      '--data-dir <dir>',
      'where Runwire keeps its state (env RUNWIRE_DATA_DIR)',
      process.env.RUNWIRE_DATA_DIR ?? './.runwire',
    )
    .option(
      '--database-url <url>',
      'PostgreSQL to keep runs and connections in, e.g. postgres://127.0.0.1:5432/runwire (env RUNWIRE_DATABASE_URL; default: SQLite in the data dir)',
    )
    .showHelpAfterError()
    .exitOverride();
  for (const mod of await commandModulesFor(argv.slice(2))) mod.register(program, ctx);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; usage errors exit 2 (commander already printed them).
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof RunwireError) {
      const storage = STORAGE_CODES.has(err.code);
      const runId = storage ? ctx.runInFlight?.() : undefined;
      const resume = `runwire${ctx.replay ?? ''} resume ${runId}`;
      const fix =
        runId && err.fix?.endsWith(AGAIN)
          ? `${err.fix.slice(0, -AGAIN.length)}, then continue run ${runId} with: ${resume}`
          : (err.fix ?? '');
      ctx.stderr.write(redactUrlCredentials(`error: ${err.message}\n${fix ? `fix: ${fix}\n` : ''}`));
      // Storage that cannot be used (damaged, read-only, full, newer) is a usage problem: exit 2, as bad input.
      if (storage) return 2;
      return ctx.exitCode !== 0 ? ctx.exitCode : 1;
    }
    throw err;
  }
  return ctx.exitCode;
}

/**
 * A reader that goes away (`runwire run … | head`) or output that cannot be written (`> /dev/full`)
 * must not crash the command or strand its run: write errors on stdout/stderr are dropped (later
 * writes are no-ops once the stream is destroyed) and the run goes on to its end or its next wait.
 */
function ignoreClosedOutput(stream: NodeJS.WriteStream): void {
  if (stream.listenerCount('error') > 0) return;
  stream.on('error', () => undefined);
}
