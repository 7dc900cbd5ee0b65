/**
 * The services the CLI's task types get (light: no task type module is imported here). Given the
 * runtime (opened on first use), slack.message and manual's Slack approvals get their connections
 * from the runtime's connection store and one delivery service for the process. Both are loaded
 * when a Slack task first runs or is checked, so runbooks without one never load the Slack SDK or
 * the connections' key.
 */
import type { TaskTypeRegistry } from '../core/task-type.js';
import type { LazyRuntime } from '../runtime/open-runtime.js';
import type { SlackTaskDeps } from '../slack/delivery/open-deps.js';
import { ALLOW_LINK_LOCAL_ENV } from '../tasks/http-env.js';
import type { BuiltinDeps } from '../tasks/index.js';
import { LazyTaskTypes } from '../tasks/lazy-types.js';

/** The task types a process runs with, and (given a runtime) the Slack services they share. */
export interface ProcessTypes {
  types: TaskTypeRegistry;
  /** The connections, delivery service and approval key (opened on first use); absent without a runtime. */
  slack?: () => Promise<SlackTaskDeps>;
}

/** The built-in types' services for this process. */
export function processTypeDeps(
  runtime?: LazyRuntime,
  env: NodeJS.ProcessEnv = process.env,
): { deps: BuiltinDeps; slack?: () => Promise<SlackTaskDeps> } {
  const allowLinkLocal = env[ALLOW_LINK_LOCAL_ENV] === '1';
  if (runtime === undefined) return { deps: { allowLinkLocal } };
  let deps: Promise<SlackTaskDeps> | undefined;
  const source = async () => {
    const rt = await runtime.get();
    return { connectionStore: rt.connectionStore, dataDir: rt.config.dataDir, slackPacing: rt.slackPacing };
  };
  const slack = (): Promise<SlackTaskDeps> =>
    (deps ??= import('../slack/delivery/open-deps.js').then((m) => m.openSlackTaskDeps(source, env)));
  return {
    deps: {
      allowLinkLocal,
      slack: {
        connections: async () => (await slack()).connections(),
        delivery: async () => (await slack()).delivery,
        approvalKey: async () => (await slack()).approvalKey(),
      },
    },
    slack,
  };
}

/**
 * `runwire run`'s types: each built-in type's module loads when the runbook read uses it
 * (`readRunbookFile` loads them), so a milestone-only run loads no Slack or http code.
 */
export function lazyProcessTypes(runtime?: LazyRuntime, env: NodeJS.ProcessEnv = process.env): ProcessTypes {
  const { deps, slack } = processTypeDeps(runtime, env);
  return { types: new LazyTaskTypes(deps), ...(slack ? { slack } : {}) };
}
