/** `runwire types [--json]`: the task types, with every field's title, description, type and default. */
import type { Command } from 'commander';
import type { CliContext, CommandModule } from '../context.js';

export const typesCommand: CommandModule = {
  register(program: Command, ctx: CliContext): void {
    program
      .command('types')
      .description('list the task types and their fields (title, description, type, default, required)')
      .option('--json', 'print { types, common_fields } as JSON on stdout')
      .action(async (opts: { json?: boolean }) => {
        const { printTypes } = await import('../actions/types.js');
        printTypes(opts, ctx);
      });
  },
};
