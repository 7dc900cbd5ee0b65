/**
 * What a process (the CLI's run commands, `runwire check`, the server) gives the slack.message
 * type: the data dir's connection resolver, opened on first use so runbooks without Slack tasks
 * never touch the connection store or its key, and one delivery service for the whole process.
 */
import { openConnections, type OpenedConnections } from '../connections/open.js';
import type { ConnectionResolver } from '../connections/types.js';
import { DeliveryService, type DeliveryServiceOptions } from './service.js';

export interface SlackTaskDeps {
  connections: () => ConnectionResolver;
  delivery: DeliveryService;
  /** Close the connection store if it was opened. */
  close(): Promise<void>;
}

/** `RUNWIRE_SLACK_TIMEOUT_MS`: how long one Slack call may take before its outcome counts as unknown. */
export const SLACK_TIMEOUT_ENV = 'RUNWIRE_SLACK_TIMEOUT_MS';

export function openSlackTaskDeps(
  dataDir: string,
  env: NodeJS.ProcessEnv,
  opts: DeliveryServiceOptions = {},
): SlackTaskDeps {
  let opened: OpenedConnections | undefined;
  const timeout = Number(env[SLACK_TIMEOUT_ENV]);
  return {
    connections: () => {
      opened ??= openConnections(dataDir, env);
      return opened.resolver;
    },
    delivery: new DeliveryService({
      ...(Number.isFinite(timeout) && timeout > 0 ? { timeoutMs: timeout } : {}),
      ...opts,
    }),
    close: async () => {
      if (opened) await opened.close();
      opened = undefined;
    },
  };
}
