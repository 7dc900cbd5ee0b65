/**
 * Close approval requests decided outside Slack: when `runwire task complete`, the web UI or the API
 * decides a manual task that asked in Slack, the process applying the decision edits the request
 * message in place (decision, who, when; no buttons). Decisions made in Slack are closed by the
 * click (or `/runwire approve`) itself. Fed the events its executors commit, like the run board.
 */
import { toRunwireError } from '../../core/errors.js';
import type { RunEvent, Store } from '../../store/store.js';
import type { ConnectionResolver } from '../connections/types.js';
import type { DeliveryService } from '../delivery/service.js';
import { closeRequest } from './close.js';
import { readApprovalState } from './state.js';

export interface CloserOptions {
  store: Store;
  connections: () => Promise<ConnectionResolver>;
  delivery: () => Promise<DeliveryService>;
  log?: (line: string) => void;
}

export class ApprovalCloser {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly o: CloserOptions) {}

  onEvent(e: RunEvent): void {
    const by = e.data?.decided_by;
    if (!e.taskId || typeof by !== 'string' || by.startsWith('slack:')) return;
    const p = this.close(e, by)
      .catch((err: unknown) => this.o.log?.(`approval message of ${e.runId}: ${toRunwireError(err).message}`))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  private async close(e: RunEvent, by: string): Promise<void> {
    const task = (await this.o.store.getTasks(e.runId)).find((t) => t.taskId === e.taskId);
    const st = readApprovalState(task?.state);
    if (st?.message?.state !== 'sent') return;
    const conn = await (await this.o.connections()).resolve(st.connection);
    const ws = (await this.o.delivery()).workspaceFor(conn, false);
    const verb = e.kind === 'task.failed' ? 'Rejected' : e.kind === 'task.skipped' ? 'Skipped' : 'Completed';
    await closeRequest(ws, st.message, { verb, by, at: e.at });
  }

  /** Every edit in flight done. */
  async idle(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
