/**
 * `manual`: a step a person does (freeze deployments, call the vendor, a go/no-go). The task waits
 * until an operator completes it (`runwire task complete RUN TASK`); `instructions` says what to do.
 *
 * With `slack:`, the decision is asked for in Slack: when the task starts, a message with Approve and
 * Reject buttons is posted exactly once (slack delivery: intent saved, metadata look-up before any
 * re-post); the buttons hold signed references (`src/slack/approvals/reference.ts`); a click by an
 * approver decides the task through the run service (`src/slack/approvals/interactions.ts`). With
 * `timeout`, the task wakes at its deadline (a durable engine timer) and applies `on_timeout`. In a
 * rehearsal the message is prefixed `[REHEARSAL]` (to `rehearsal: { channel }` when given).
 */
import type { Static } from '@sinclair/typebox';
import { Type } from '../core/typebox.js';
import { Duration } from '../core/runbook-schema.js';
import { parseDuration } from '../core/duration.js';
import { RunwireError } from '../core/errors.js';
import { defineTaskType, type InputRenderer, type TaskContext, type TaskResult } from '../core/task-type.js';
import type { ConnectionResolver } from '../slack/connections/types.js';
import type { DeliveryService } from '../slack/delivery/service.js';
import type { WorkspaceClient } from '../slack/delivery/workspace-client.js';
import { readRehearsal, rehearsalPlan, type DeliveryState } from '../slack/delivery/state.js';
import { escapeMrkdwn } from '../slack/mrkdwn.js';
import { isTemplated, parseTarget } from '../slack/targets.js';
import { approverProblem } from '../slack/approvals/approvers.js';
import { describeApproval, readApprovalState, type ApprovalState } from '../slack/approvals/state.js';

export const MANUAL_TYPE = 'manual';
const DEFAULT_CONNECTION = 'default';

export const ApprovalInput = Type.Object(
  {
    connection: Type.Optional(
      Type.String({
        minLength: 1,
        title: 'Connection',
        description: 'The Slack connection that posts the request (runwire connection add).',
        default: DEFAULT_CONNECTION,
      }),
    ),
    channel: Type.String({
      minLength: 1,
      'x-hint': 'channel is a channel id or #name',
      title: 'Channel',
      description: 'Where to ask: a channel id or #name.',
    }),
    text: Type.Optional(
      Type.String({
        minLength: 1,
        title: 'Question',
        description:
          'The question, in Slack mrkdwn (templates allowed; inserted values are escaped). Default: the task name and its instructions.',
      }),
    ),
    approvers: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        title: 'Approvers',
        description:
          'Who may decide: people (@handle, U…) and user groups (@handle, S…). Empty or absent: anyone in the channel.',
        default: [],
      }),
    ),
    timeout: Type.Optional(
      Duration({
        title: 'Timeout',
        description: 'How long to wait for a decision (30m, 2h); then on_timeout applies. Absent: no limit.',
      }),
    ),
    on_timeout: Type.Optional(
      Type.Union([Type.Literal('fail'), Type.Literal('skip'), Type.Literal('complete')], {
        'x-hint': 'on_timeout is fail, skip or complete',
        title: 'On timeout',
        description: 'What happens when nobody decides before the timeout: fail, skip or complete the task.',
        default: 'fail',
      }),
    ),
    rehearsal: Type.Optional(
      Type.Union(
        [
          Type.Literal('skip'),
          Type.Literal('send'),
          Type.Object({ channel: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
        ],
        {
          'x-hint': 'rehearsal is send, skip, or { channel: <channel> }',
          title: 'In rehearsal',
          description:
            'What a rehearsal does: send (ask, prefixed [REHEARSAL]; the default), { channel: … } (ask there instead), or skip (no message: complete it with the CLI).',
          default: 'send',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

export const ManualInput = Type.Object(
  {
    instructions: Type.Optional(
      Type.String({
        title: 'Instructions',
        description: 'What the operator should do; shown while the task waits (templates allowed).',
      }),
    ),
    slack: Type.Optional({
      ...ApprovalInput,
      title: 'Approval in Slack',
      description:
        'Ask for the decision in Slack: a message with Approve and Reject buttons; a click by an approver completes or fails the task.',
    }),
  },
  { additionalProperties: false },
);
export type ManualInput = Static<typeof ManualInput>;

/** What the type needs to ask in Slack; absent (validate, tests), a task with `slack:` fails with a fix. */
export interface ManualDeps {
  connections?: ConnectionResolver | (() => ConnectionResolver | Promise<ConnectionResolver>);
  delivery?: DeliveryService | (() => DeliveryService | Promise<DeliveryService>);
  /** The approval-reference HMAC key (derived from the data dir's secret key). */
  approvalKey?: () => Promise<Buffer>;
}

/** Pure: the problems of a `slack:` block the schema cannot express. */
export function validateManual(input: ManualInput): Array<{ field: string; message: string }> {
  const out: Array<{ field: string; message: string }> = [];
  const s = input.slack;
  if (!s) return out;
  if (!isTemplated(s.channel)) {
    const p = parseTarget(s.channel);
    if (!p.ok) out.push({ field: 'slack.channel', message: p.message });
    else if (p.target.kind !== 'channel_id' && p.target.kind !== 'channel_name')
      out.push({ field: 'slack.channel', message: 'slack.channel must be a channel (#name or a channel id)' });
  }
  for (const [i, a] of (s.approvers ?? []).entries()) {
    if (isTemplated(a)) continue;
    const problem = approverProblem(a);
    if (problem) out.push({ field: `slack.approvers.${i}`, message: problem });
  }
  if (s.on_timeout !== undefined && s.timeout === undefined)
    out.push({ field: 'slack.on_timeout', message: 'on_timeout needs a timeout (add timeout: 2h)' });
  return out;
}

/** `slack.text` escaped for mrkdwn as it is rendered; every other string as is. */
export function renderManualInput(input: ManualInput, render: InputRenderer): ManualInput {
  const { slack, ...rest } = input;
  const out: ManualInput = render(rest);
  if (slack) {
    const { text, ...fields } = slack;
    out.slack = { ...render(fields), ...(text !== undefined ? { text: render(text, escapeMrkdwn) } : {}) };
  }
  return out;
}

function lazy<T>(v: T | (() => T | Promise<T>) | undefined, what: string): () => Promise<T> {
  let got: Promise<T> | undefined;
  return () =>
    (got ??= (async () => {
      if (v === undefined)
        throw new RunwireError('runwire.slack.no_connections', `Slack ${what} is not available in this process.`, {
          fix: 'Run the runbook with `runwire run`, a worker or the server (they open the data dir).',
        });
      return typeof v === 'function' ? await (v as () => T | Promise<T>)() : v;
    })());
}

export function createManualType(deps: ManualDeps = {}) {
  const connections = lazy(deps.connections, 'connections');
  const delivery = lazy(deps.delivery, 'delivery');
  const approvalKey = lazy(deps.approvalKey, 'approval signing');

  /** Post the request (exactly once) and wait; or close it at the deadline. */
  async function ask(input: ManualInput, ctx: TaskContext): Promise<TaskResult> {
    const s = input.slack!;
    const plan = rehearsalPlan(ctx.run.mode, readRehearsal(s.rehearsal ?? 'send'));
    if (!plan.send) return waiting(input);
    const service = await delivery();
    const ticket = service.nextTicket();
    let st = readApprovalState(ctx.state);
    // A new attempt (an operator's retry after a rejection or a timeout) asks again: a new nonce, so
    // the old message's buttons no longer decide it. A post that never went out is finished instead.
    if (!st || (ctx.start === 'fresh' && (st.message?.state === 'sent' || st.timed_out))) {
      const deadline = s.timeout ? new Date(ctx.now().getTime() + parseDuration(s.timeout)).toISOString() : undefined;
      st = {
        // Web Crypto (a global): no `node:crypto` import, so `validate` and a run without approvals skip it.
        nonce: Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url'),
        attempt: ctx.attempt,
        approvers: s.approvers ?? [],
        connection: s.connection ?? DEFAULT_CONNECTION,
        ...(deadline ? { deadline, on_timeout: s.on_timeout ?? 'fail' } : {}),
      };
    }
    const request = st;
    const save = (next: ApprovalState, event?: string) =>
      ctx.saveState(next as unknown as Record<string, unknown>, event);
    const deadline = request.deadline ? Date.parse(request.deadline) : undefined;
    if (request.message?.state === 'sent' && deadline !== undefined && deadline <= ctx.now().getTime()) {
      const conn = await (await connections()).resolve(request.connection);
      return timedOut(request, ctx, save, service.workspaceFor(conn, false));
    }

    if (request.message?.state !== 'sent') {
      const conn = await (await connections()).resolve(request.connection);
      const ws = service.workspaceFor(conn, false);
      if (request.approvers.length) {
        const { resolveApprovers } = await import('../slack/approvals/approvers.js');
        await resolveApprovers(ws, request.approvers, ctx.signal);
      }
      const key = await approvalKey();
      const { signReference } = await import('../slack/approvals/reference.js');
      const { requestBlocks } = await import('../slack/approvals/message.js');
      const ref = { runId: ctx.run.id, taskId: ctx.task.id, nonce: request.nonce };
      const text = `${plan.prefix}${questionOf(input, ctx)}`;
      const raw = plan.channelOverride ?? s.channel;
      const target = parseTarget(raw);
      if (!target.ok)
        throw new RunwireError('runwire.slack.bad_channel', `slack.channel: ${target.message}`, {
          fix: "Fix the task's slack.channel.",
        });
      const blocks = requestBlocks({
        text,
        runId: ctx.run.id,
        taskName: ctx.task.name,
        approvers: request.approvers,
        ...(request.deadline ? { deadline: request.deadline, onTimeout: request.on_timeout ?? 'fail' } : {}),
        approveValue: signReference(key, { ...ref, decision: 'approve' }),
        rejectValue: signReference(key, { ...ref, decision: 'reject' }),
      });
      const sent = await service.deliver(
        {
          connection: conn,
          asUser: false,
          target: target.target,
          text,
          blocks,
          run: { id: ctx.run.id, taskId: ctx.task.id },
          ticket,
        },
        {
          state: request.message,
          save: (m: DeliveryState, event?: string) => {
            request.message = m;
            return save({ ...request, message: m }, event === 'Message sent' ? 'Approval asked in Slack' : event);
          },
          log: ctx.log,
          signal: ctx.signal,
          now: () => ctx.now(),
        },
      );
      request.message = sent;
    }
    return waiting(input, request);
  }

  return defineTaskType({
    type: MANUAL_TYPE,
    title: 'Manual step',
    description:
      'A step a person does outside Runwire; the task waits until an operator completes it (runwire task complete), or until an approver decides in Slack (slack:).',
    icon: 'hand',
    input: ManualInput,
    rehearsal: 'run',
    // Starting it again only waits again; the Slack request is posted exactly once (looked up before any re-post).
    idempotent: true,
    retry: { attempts: 1, backoffMs: 1000 },
    stateKey: 'approval',
    describe: describeApproval,
    validate: validateManual,
    renderInput: renderManualInput,
    async run(input, ctx) {
      if (!input.slack) return waiting(input);
      return ask(input, ctx);
    },
  });
}

/** The request's question: `slack.text`, else the task name with its instructions. */
function questionOf(input: ManualInput, ctx: TaskContext): string {
  if (input.slack?.text) return input.slack.text;
  const head = `*${escapeMrkdwn(ctx.task.name)}*: approve?`;
  return input.instructions ? `${head}\n${escapeMrkdwn(input.instructions)}` : head;
}

function waiting(input: ManualInput, st?: ApprovalState): TaskResult {
  const m = st?.message;
  const output: Record<string, unknown> = {
    ...(input.instructions !== undefined ? { instructions: input.instructions } : {}),
    ...(m?.state === 'sent' ? { channel: m.channel, ts: m.ts, permalink: m.permalink } : {}),
  };
  return {
    status: 'waiting',
    ...(Object.keys(output).length ? { output } : {}),
    ...(st?.deadline ? { until: new Date(st.deadline) } : {}),
  };
}

/** The deadline passed with no decision: close the message (no buttons) and apply on_timeout. */
async function timedOut(
  st: ApprovalState,
  ctx: TaskContext,
  save: (s: ApprovalState, event?: string) => Promise<void>,
  ws: WorkspaceClient,
): Promise<TaskResult> {
  const outcome = st.on_timeout ?? 'fail';
  const at = st.timed_out?.at ?? ctx.now().toISOString();
  if (!st.timed_out) await save({ ...st, timed_out: { at, outcome } }, `No decision by ${st.deadline}: ${outcome}`);
  const m = st.message!;
  const verb =
    outcome === 'fail' ? 'Timed out: failed' : outcome === 'skip' ? 'Timed out: skipped' : 'Timed out: completed';
  const { closeRequest } = await import('../slack/approvals/close.js');
  // Best effort: the task's outcome does not hang on the edit (logged when Slack refuses it).
  if (!(await closeRequest(ws, m, { verb, at }, ctx.signal)))
    ctx.log.warn(
      'Could not update the approval message in Slack (chat.update); its buttons stay, but no longer decide',
    );
  const output = { channel: m.channel, ts: m.ts, permalink: m.permalink, timed_out: true };
  if (outcome === 'complete') return { status: 'succeeded', output };
  if (outcome === 'skip') return { status: 'skipped', reason: `no decision by ${st.deadline}`, output };
  throw new RunwireError(
    'runwire.task.approval_timeout',
    `Nobody approved or rejected "${ctx.task.name}" by ${st.deadline}.`,
    { fix: `Retry it to ask again (runwire task retry ${ctx.run.id} ${ctx.task.id}), or skip it.` },
  );
}
