/** Every command group of the CLI, one module each; add yours to this list. */
import type { CommandModule } from '../context.js';
import { connectionCommands } from './connection.js';
import { validateCommand } from './validate.js';
import { runCommand } from './run.js';
import { runsCommand } from './runs.js';
import { taskCommand } from './task.js';
import { resumeCommand } from './resume.js';
import { startCommand } from './start.js';
import { sandboxCommand } from './sandbox.js';
import { checkCommand } from './check.js';
import { serverCommand } from './server.js';
import { tokenCommands } from './token.js';
import { runbooksCommands } from './runbooks.js';
import { triggersCommands } from './triggers.js';
import { typesCommand } from './types.js';
import { workerCommands } from './worker.js';
import { slackUsersCommands } from './slack-users.js';

export const commandModules: CommandModule[] = [
  checkCommand,
  connectionCommands,
  validateCommand,
  runCommand,
  runsCommand,
  taskCommand,
  resumeCommand,
  startCommand,
  sandboxCommand,
  serverCommand,
  tokenCommands,
  runbooksCommands,
  triggersCommands,
  typesCommand,
  workerCommands,
  slackUsersCommands,
];
