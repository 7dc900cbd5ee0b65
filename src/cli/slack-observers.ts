/** The Slack side of a process that drives runs: the live run boards and the approval closer. */
import type { Runtime } from '../runtime/open-runtime.js';
import type { RunEvent, RunRecord } from '../store/store.js';
import { BoardService } from '../slack/board/service.js';
import { ApprovalCloser } from '../slack/approvals/closer.js';
import { BoardStore } from '../slack/board/store.js';
import type { SlackTaskDeps } from '../slack/delivery/open-deps.js';

/** What a process that drives runs tells Slack about them: the live run boards, and approval requests decided outside Slack. */
export interface SlackObservers {
  /** `run`: the event's run as the executor holds it, when known (spares the board a store read). */
  onEvent(e: RunEvent, run?: RunRecord): void;
  /** Show what is pending now (after the workers stopped). */
  close(): Promise<void>;
}

/**
 * The Slack observers of a process that drives runs, over its runtime and Slack services; hand them
 * every committed event (`onEvent`) and close them after the workers.
 */
export function openBoards(
  runtime: Runtime,
  slack: () => Promise<SlackTaskDeps>,
  o: { owner: string; publicUrl?: () => string | undefined; log?: (line: string) => void },
): SlackObservers {
  const connections = async () => (await slack()).connections();
  const delivery = async () => (await slack()).delivery;
  const board = new BoardService({
    store: runtime.store,
    boards: new BoardStore(runtime.sql),
    connections,
    delivery,
    owner: o.owner,
    ...(o.publicUrl ? { publicUrl: o.publicUrl } : {}),
    ...(o.log ? { log: o.log } : {}),
  });
  const closer = new ApprovalCloser({ store: runtime.store, connections, delivery, ...(o.log ? { log: o.log } : {}) });
  // A cancel is written by whoever cancels (the API, the CLI), not by an executor: hear of it from the
  // store (NOTIFY on PostgreSQL; this process's writes on SQLite) so the board shows it.
  const unsubscribe = runtime.store
    .subscribe((n) => {
      if (n.kind === 'cancelled')
        board.onEvent({
          runId: n.runId,
          at: new Date().toISOString(),
          actor: 'engine',
          kind: 'run.cancelled',
          taskId: null,
          message: 'Run cancelled',
        });
    })
    .catch(() => undefined);
  return {
    onEvent: (e, run) => {
      board.onEvent(e, run?.spec);
      closer.onEvent(e);
    },
    close: async () => {
      await (await unsubscribe)?.();
      await closer.idle();
      await board.close();
    },
  };
}
