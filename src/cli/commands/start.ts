/**
 * `runwire start` (what `npm start` runs): for now, run the release cutover example with live
 * progress in the default data dir. The server and the Slack sandbox will start here later.
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataDirOf, type CliContext, type CommandModule } from '../context.js';
import { runFile } from './run.js';

/** examples/ in the checkout, from dist/src/cli/commands/. */
const EXAMPLE = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../examples/release-cutover.yaml');

export const startCommand: CommandModule = {
  register(program: Command, ctx: CliContext): void {
    program
      .command('start')
      .description('start Runwire on its embedded defaults (for now: run the release cutover example with live progress)')
      .option('--rehearsal', 'run the example as a rehearsal')
      .action(async (opts: { rehearsal?: boolean }, cmd: Command) => {
        await runFile(EXAMPLE, { var: [], ...(opts.rehearsal ? { rehearsal: true } : {}) }, dataDirOf(cmd), ctx);
      });
  },
};
