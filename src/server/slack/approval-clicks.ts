/**
 * A click on an approval button, after the ingress verified the request's signature: read the
 * signed reference, check the request is still the open one and the person may decide, decide the
 * task through the run service (exactly once: `RunService.act` → `Store.recordDecision`), close the
 * message in place (chat.update: decision, who, when, no buttons), and tell a person who may not
 * decide, or who came late, with an ephemeral message through the payload's `response_url`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { RunwireError, toRunwireError } from '../../core/errors.js';
import { actorLabel, decisionVerb, slackActor } from '../../engine/actors.js';
import { AlreadyDecided, type RunService } from '../../engine/run-service.js';
import type { ConnectionResolver } from '../../slack/connections/types.js';
import type { DeliveryService } from '../../slack/delivery/service.js';
import { resolveApprovers } from '../../slack/approvals/approvers.js';
import { closeRequest } from '../../slack/approvals/close.js';
import { APPROVE_ACTION, REJECT_ACTION } from '../../slack/approvals/message.js';
import { verifyReference } from '../../slack/approvals/reference.js';
import { readApprovalState } from '../../slack/approvals/state.js';

export interface ApprovalInteractionDeps {
  service: RunService;
  connections: () => Promise<ConnectionResolver>;
  delivery: () => Promise<DeliveryService>;
  approvalKey: () => Promise<Buffer>;
  now?: () => Date;
  /** Answer through a response URL (default: POST JSON with fetch). */
  respond?: (url: string, body: Record<string, unknown>) => Promise<void>;
  log?: (line: string) => void;
}

/** What one click came to, for the log and tests. */
export type ClickOutcome =
  | { kind: 'decided'; runId: string; taskId: string; decision: 'complete' | 'fail'; actor: string }
  | { kind: 'late'; runId: string; taskId: string; decidedBy: string }
  | { kind: 'refused'; code: string; message: string };

interface Action {
  action_id?: unknown;
  value?: unknown;
}

/** True when a block_actions payload holds an approval button (the dispatcher routes it here). */
export function isApprovalClick(payload: Record<string, unknown>): boolean {
  const actions = payload.actions;
  return (
    payload.type === 'block_actions' &&
    Array.isArray(actions) &&
    actions.some((a: Action) => a?.action_id === APPROVE_ACTION || a?.action_id === REJECT_ACTION)
  );
}

async function postJson(url: string, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  // Slack answers a response URL with 200; 404 / 410 (expired_url, used_url) mean nothing was shown.
  const text = await res.text().catch(() => '');
  if (!res.ok) throw new Error(`the response URL answered HTTP ${res.status} ${text.slice(0, 200)}`.trim());
}

export class ApprovalInteractions {
  private readonly now: () => Date;
  private readonly respond: (url: string, body: Record<string, unknown>) => Promise<void>;

  constructor(private readonly d: ApprovalInteractionDeps) {
    this.now = d.now ?? (() => new Date());
    this.respond = d.respond ?? postJson;
  }

  private readonly inflight = new Set<Promise<unknown>>();
  /** Called with each click's outcome (logs, tests, the bench). */
  onOutcome: ((o: ClickOutcome, payload: Record<string, unknown>) => void) | undefined;

  /**
   * Take a payload after the request was acknowledged (Slack wants its 200 within 3 s): the work runs
   * in the background, and `idle()` waits for it (shutdown, tests).
   */
  submit(payload: Record<string, unknown>): void {
    const p: Promise<unknown> = this.handle(payload)
      .then((outs) => {
        for (const o of outs) this.onOutcome?.(o, payload);
      })
      .catch((err: unknown) => this.d.log?.(`approval click failed: ${toRunwireError(err).message}`))
      .finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  /** Every submitted click handled. */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.all([...this.inflight]);
  }

  /** Handle every approval button of one block_actions payload (normally one). */
  async handle(payload: Record<string, unknown>): Promise<ClickOutcome[]> {
    const out: ClickOutcome[] = [];
    for (const a of (payload.actions as Action[]) ?? []) {
      if (a?.action_id !== APPROVE_ACTION && a?.action_id !== REJECT_ACTION) continue;
      out.push(await this.click(payload, a));
    }
    return out;
  }

  private async tell(payload: Record<string, unknown>, text: string): Promise<void> {
    const url = payload.response_url;
    if (typeof url !== 'string') return;
    try {
      await this.respond(url, { response_type: 'ephemeral', replace_original: false, text });
    } catch (err) {
      this.d.log?.(`approval: could not answer through the response URL: ${toRunwireError(err).message}`);
    }
  }

  private async refuse(payload: Record<string, unknown>, code: string, text: string): Promise<ClickOutcome> {
    await this.tell(payload, text);
    return { kind: 'refused', code, message: text };
  }

  private async click(payload: Record<string, unknown>, a: Action): Promise<ClickOutcome> {
    const ref = verifyReference(await this.d.approvalKey(), a.value);
    const wanted = a.action_id === APPROVE_ACTION ? 'approve' : 'reject';
    if (!ref || ref.decision !== wanted) {
      return this.refuse(
        payload,
        'runwire.approval.bad_reference',
        'This button is not an approval request of this Runwire, so it decides nothing.',
      );
    }
    const user = (payload.user ?? {}) as { id?: string; username?: string; name?: string };
    const userId = typeof user.id === 'string' ? user.id : '';
    const handle = user.username ?? user.name ?? userId;
    let run: Awaited<ReturnType<RunService['get']>>;
    try {
      run = await this.d.service.get(ref.runId);
    } catch {
      return this.refuse(payload, 'runwire.run.not_found', `Run ${ref.runId} no longer exists in Runwire.`);
    }
    let task = run.tasks.find((t) => t.taskId === ref.taskId);
    // The message goes out before the task is stored `waiting`: a click that quick waits for it (≤ 2 s).
    for (let i = 0; i < 20 && task?.status === 'running'; i++) {
      await sleep(100);
      task = (await this.d.service.get(ref.runId)).tasks.find((t) => t.taskId === ref.taskId);
    }
    const st = readApprovalState(task?.state);
    if (!task || !st || st.nonce !== ref.nonce) {
      return this.refuse(
        payload,
        'runwire.approval.bad_reference',
        'This approval request is no longer open: the task asked again in a newer message.',
      );
    }
    const conn = await (await this.d.connections()).resolve(st.connection);
    const ws = (await this.d.delivery()).workspaceFor(conn, false);
    if (st.approvers.length > 0) {
      let allowed: Set<string>;
      try {
        allowed = await resolveApprovers(ws, st.approvers);
      } catch (err) {
        const e = toRunwireError(err);
        return this.refuse(payload, e.code, `Runwire could not check the approvers: ${e.message}`);
      }
      if (!allowed.has(userId)) {
        return this.refuse(
          payload,
          'runwire.approval.not_approver',
          `You are not an approver of this task (approvers: ${st.approvers.join(', ')}).`,
        );
      }
    }
    const actor = slackActor(handle);
    const decision = wanted === 'approve' ? 'complete' : 'fail';
    try {
      await this.d.service.act(ref.runId, ref.taskId, decision, actor);
    } catch (err) {
      if (err instanceof AlreadyDecided) {
        const by = err.decider;
        const verb = decisionVerb(by.kind, by.actor);
        if (st.message)
          await closeRequest(ws, st.message, {
            verb: capitalise(verb),
            by: actorLabel(by.actor),
            at: by.at ?? this.now().toISOString(),
          });
        await this.tell(
          payload,
          `Already ${verb} by ${actorLabel(by.actor)}${by.at ? ` at ${by.at}` : ''}: your click changed nothing.`,
        );
        return { kind: 'late', runId: ref.runId, taskId: ref.taskId, decidedBy: by.actor };
      }
      const e = err instanceof RunwireError ? err : toRunwireError(err);
      return this.refuse(payload, e.code, `Nothing to decide: ${e.message}`);
    }
    if (st.message) {
      const closed = await closeRequest(ws, st.message, {
        verb: wanted === 'approve' ? 'Approved' : 'Rejected',
        by: actorLabel(actor),
        at: this.now().toISOString(),
      });
      if (!closed) this.d.log?.(`approval: could not update the message of ${ref.runId} ${ref.taskId} (chat.update)`);
    }
    return { kind: 'decided', runId: ref.runId, taskId: ref.taskId, decision, actor };
  }
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
