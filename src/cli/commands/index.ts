/** Every command group of the CLI, one module each; add yours to this list. */
import type { CommandModule } from '../context.js';
import { connectionCommands } from './connection.js';
import { validateCommand } from './validate.js';

export const commandModules: CommandModule[] = [
  connectionCommands,
  validateCommand,
];
