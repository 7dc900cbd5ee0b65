/**
 * `runwire validate FILE [--var k=v]... [--json]`: exit 0 with a one-line summary when the runbook
 * is valid; otherwise every issue on stderr (`file:line:col field: message`) and exit 2.
 * With `--json`, stdout holds `{ file, valid, runbook?, issues }` and nothing else.
 */
import type { Command } from 'commander';
import type { CliContext, CommandModule } from '../context.js';
import { collectVar } from '../options.js';

export const validateCommand: CommandModule = {
  register(program: Command, ctx: CliContext): void {
    program
      .command('validate')
      .description('check a runbook file and print every problem (exit 0 valid, 2 invalid)')
      .argument('<file>', 'runbook .yaml or .json file')
      .option('--var <name=value>', 'a variable for templates (repeatable); counts as declared', collectVar, [])
      .option('--json', 'print the result as JSON on stdout')
      .action(async (file: string, opts: { var: string[]; json?: boolean }) => {
        const { validate } = await import('../actions/validate.js');
        await validate(file, opts, ctx);
      });
  },
};
