/** Every command group of the CLI, one module each; add yours to this list. */
import type { CommandModule } from '../context.js';
import { validateCommand } from './validate.js';

export const commandModules: CommandModule[] = [
  validateCommand,
];
