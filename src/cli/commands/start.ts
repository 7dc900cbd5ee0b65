/**
 * `runwire start` (what `npm start` runs): Runwire on its embedded defaults — SQLite in the data
 * dir, the embedded Slack sandbox, the example runbooks.
 *
 * Unless a real Slack connection named `default` is configured, it starts the sandbox (its page
 * shows channels and messages live), points the `default` connection at it, runs the Slack release
 * example with live progress, and keeps the sandbox up until Ctrl-C so a person can look, post,
 * and run more runbooks from another terminal. With a real `default` connection it posts nothing:
 * it runs the example as a rehearsal, where Slack tasks are not sent unless they opt in.
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { packagePath } from '../../core/package-root.js';
import type { StartOpts } from '../actions/start.js';
import { runtimeOf, type CliContext, type CommandModule } from '../context.js';

/** examples/ in the package. */
const EXAMPLES = packagePath('examples');
const DEFAULT_EXAMPLE = resolve(EXAMPLES, 'slack-release.yaml');
const DEFAULT_PORT = 3100;

export const startCommand: CommandModule = {
  register(program: Command, ctx: CliContext): void {
    program
      .command('start')
      .description(
        'run Runwire on its embedded defaults: the Slack sandbox and the Slack release example, with live progress',
      )
      .option('--port <n>', 'port of the embedded Slack sandbox and its web page', String(DEFAULT_PORT))
      .option('--runbook <file>', 'the runbook to run', DEFAULT_EXAMPLE)
      .option('--rehearsal', 'run it as a rehearsal')
      .option('--exit', 'stop when the run ends instead of keeping the sandbox up (and start no server)')
      .option('--server-port <n>', 'port of the Runwire server (API, docs, UI)', '8080')
      .action(async (opts: StartOpts, cmd: Command) => {
        const { start } = await import('../actions/start.js');
        await start({ ...opts, examples: EXAMPLES }, runtimeOf(cmd, ctx), ctx);
      });
  },
};
