/**
 * What a process (the CLI's run commands, `runwire check`, the worker, the server) gives the
 * slack.message type: the connection resolver over the runtime's connection store, set up on first
 * use so runbooks without Slack tasks never load the key or the vault, and one delivery service for
 * the whole process.
 */
import { connectionsOver, type OpenedConnections } from '../connections/open.js';
import type { ConnectionStore } from '../connections/store.js';
import type { ConnectionResolver } from '../connections/types.js';
import { DeliveryService, type DeliveryServiceOptions } from './service.js';
import type { PacingStore } from './shared-pacing.js';
import { DataDirSecretKey } from '../connections/secret-key.js';
import { approvalKeyFrom } from '../approvals/reference.js';

export interface SlackTaskDeps {
  connections: () => Promise<ConnectionResolver>;
  delivery: DeliveryService;
  /** The approval-reference HMAC key, derived from the data dir's secret key (read on first use). */
  approvalKey: () => Promise<Buffer>;
  /** Let go of the connections (the runtime closes the store). */
  close(): Promise<void>;
}

/** `RUNWIRE_SLACK_TIMEOUT_MS`: how long one Slack call may take before its outcome counts as unknown. */
export const SLACK_TIMEOUT_ENV = 'RUNWIRE_SLACK_TIMEOUT_MS';
/** `RUNWIRE_SLACK_COMMIT_GRACE_MS`: the late-commit window (see `DeliveryServiceOptions.commitGraceMs`). */
export const SLACK_COMMIT_GRACE_ENV = 'RUNWIRE_SLACK_COMMIT_GRACE_MS';

/** A non-negative number of milliseconds from the environment, or undefined when unset or not one. */
function envMs(env: NodeJS.ProcessEnv, name: string, allowZero: boolean): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && (n > 0 || (allowZero && n === 0)) ? n : undefined;
}

/** What the runtime gives Slack: its connection store, the data dir holding their key, the shared pacing. */
export interface SlackSource {
  connectionStore: ConnectionStore;
  dataDir: string;
  /** Buckets shared by every process on the database (see `shared-pacing.ts`). */
  slackPacing?: PacingStore;
}

export async function openSlackTaskDeps(
  source: () => Promise<SlackSource>,
  env: NodeJS.ProcessEnv,
  opts: DeliveryServiceOptions = {},
): Promise<SlackTaskDeps> {
  let opened: OpenedConnections | undefined;
  let approvalKey: Buffer | undefined;
  const { slackPacing } = await source();
  const timeout = envMs(env, SLACK_TIMEOUT_ENV, false);
  const grace = envMs(env, SLACK_COMMIT_GRACE_ENV, true);
  return {
    connections: async () => {
      if (!opened) {
        const { connectionStore, dataDir } = await source();
        opened ??= connectionsOver(connectionStore, dataDir, env);
      }
      return opened.resolver;
    },
    approvalKey: async () => {
      if (!approvalKey) {
        const { dataDir } = await source();
        // Any connection that posts has sealed secrets, so the key exists; it is only read, never made here.
        approvalKey = approvalKeyFrom(new DataDirSecretKey(dataDir, env).existing().bytes);
      }
      return approvalKey;
    },
    delivery: new DeliveryService({
      ...(timeout !== undefined ? { timeoutMs: timeout } : {}),
      ...(grace !== undefined ? { commitGraceMs: grace } : {}),
      ...(slackPacing ? { pacing: slackPacing } : {}),
      ...opts,
    }),
    close: async () => {
      if (opened) await opened.close();
      opened = undefined;
    },
  };
}
