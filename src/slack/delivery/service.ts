/**
 * The delivery service: one per process, shared by every slack.message task. It owns the
 * per-workspace-and-channel queues, the per-method limiters and caches, and the exactly-once
 * protocol:
 *
 * 1. resolve the conversation, reserve the task's place in that channel's queue (task-start order);
 * 2. save the intent (`sending`, delivery id, channel, text) durably before anything is posted;
 * 3. post with metadata naming run, task and delivery; the SDK never retries on its own;
 * 4. on a 429 wait `Retry-After` (this channel only); on an unknown outcome (timeout, reset, 5xx,
 *    or `sending` found on entry after a crash) look the message up in the channel's history
 *    before posting again;
 * 5. save `sent` (ts, permalink) or `failed` (error with code, message and fix).
 */
import { randomUUID } from 'node:crypto';
import { RunwireError, toRunwireError } from '../../core/errors.js';
import type { TaskLogger } from '../../core/task-type.js';
import type { ResolvedConnection } from '../connections/types.js';
import type { SlackTarget } from '../targets.js';
import { QueueRegistry, realClock, type Clock, type Pacer } from './channel-queue.js';
import { sandboxNotRunning } from '../sandbox-unreachable.js';
import { slackError, transportError } from './error-catalog.js';
import { lookupDelivery, METADATA_EVENT_TYPE } from './lookup.js';
import { DELIVERY_BACKOFF, POST_MESSAGE_POLICY } from './pacing.js';
import { resolveConversation } from './resolve-conversation.js';
import { MAYBE_APPLIED_ERRORS, mayStillCommit, TRANSIENT_SLACK_ERRORS, type CallOutcome } from './slack-call.js';
import { decideStart, lateCommitLookAt, permalinkFor, repostNote, type DeliveryState } from './state.js';
import { SharedPacer, type PacingStore } from './shared-pacing.js';
import { WorkspaceClients, type Conversation, type WorkspaceClient } from './workspace-client.js';
import { deliverViaWebhook } from './webhook.js';
import { type BackoffPolicy, backoffDelay } from '../../core/backoff.js';
import type { BucketRule } from '../../core/token-bucket.js';

/** The default late-commit window: see `DeliveryServiceOptions.commitGraceMs`. */
export const DEFAULT_COMMIT_GRACE_MS = 5_000;

export interface DeliveryServiceOptions {
  clock?: Clock;
  /** Per-request timeout (ms) after which the outcome counts as unknown. Default 15 000. */
  timeoutMs?: number;
  /**
   * The late-commit window (ms): how long after Runwire stopped waiting for a post (timeout, dropped
   * connection, 502/504, crash) Slack may still store it. Before posting again Runwire looks for
   * the message right away and, if absent, once more when this has passed. Default 5 000.
   */
  commitGraceMs?: number;
  /** Transient failures (5xx, network, timeout) tolerated per message before failing. Default 6. */
  maxTransient?: number;
  /** 429 answers tolerated per message before failing (each waits Retry-After). Default 30. */
  maxRateLimited?: number;
  /** chat.postMessage pacing per channel. Default 1/s, burst 1. */
  postPolicy?: BucketRule;
  /** The backoff between transient retries. Default `DELIVERY_BACKOFF` (from 500 ms, at most 20 s). */
  backoff?: BackoffPolicy;
  /**
   * Buckets shared by every process on the runtime's database (one row per workspace and channel),
   * so N workers together keep Slack's per-channel pace. Absent: each process paces on its own.
   */
  pacing?: PacingStore;
  random?: () => number;
}

/** One message to deliver, fully rendered. */
export interface MessageSpec {
  connection: ResolvedConnection;
  /** Post with the connection's user token (as_user: true). */
  asUser: boolean;
  /** Where to post; ignored for `update` and replaced by the parent's channel for `thread`. */
  target?: SlackTarget;
  text: string;
  blocks?: unknown[];
  unfurlLinks?: boolean;
  /** Reply in this thread (the parent's channel and ts). */
  thread?: { channel: string; channelName?: string; ts: string; broadcast: boolean };
  /** Edit this message instead of posting. */
  update?: { channel: string; channelName?: string; ts: string };
  run: { id: string; taskId: string };
  /** From `nextTicket()` when the task started: orders messages to one channel by task start. */
  ticket?: number;
}

/** What the task gives the service to record progress durably. */
export interface DeliveryHooks {
  /** The state found when the task started (an earlier attempt's or process's). */
  state: DeliveryState | undefined;
  save(state: DeliveryState, event?: string): Promise<void>;
  log: TaskLogger;
  signal: AbortSignal;
  now(): Date;
}

/** Refusals whose fix says to invite the bot, by name. */
const INVITE_ERRORS = new Set(['not_in_channel', 'channel_not_found', 'no_permission']);

export class DeliveryService {
  readonly clients: WorkspaceClients;
  readonly queues: QueueRegistry;
  private readonly o: Required<Omit<DeliveryServiceOptions, 'pacing'>>;

  constructor(opts: DeliveryServiceOptions = {}) {
    this.o = {
      clock: opts.clock ?? realClock,
      timeoutMs: opts.timeoutMs ?? 15_000,
      commitGraceMs: opts.commitGraceMs ?? DEFAULT_COMMIT_GRACE_MS,
      maxTransient: opts.maxTransient ?? 6,
      maxRateLimited: opts.maxRateLimited ?? 30,
      postPolicy: opts.postPolicy ?? POST_MESSAGE_POLICY,
      backoff: opts.backoff ?? DELIVERY_BACKOFF,
      random: opts.random ?? Math.random,
    };
    this.clients = new WorkspaceClients(this.o.clock, this.o.timeoutMs);
    const pacing = opts.pacing;
    this.queues = new QueueRegistry(
      this.o.postPolicy,
      this.o.clock,
      pacing ? (key, policy, clock) => new SharedPacer(pacing, key, policy, clock) : undefined,
    );
  }

  private tickets = 0;

  /** Take a task-start ticket, synchronously at the start of a task, to order its channel's queue. */
  nextTicket(): number {
    return this.tickets++;
  }

  /** The client a message would use (bot token, or user token for as_user). Throws `no_token`. */
  workspaceFor(conn: ResolvedConnection, asUser: boolean): WorkspaceClient {
    // A connection holding only a user token posts as that user even without as_user.
    return this.clients.for(conn, asUser || !conn.botToken ? 'user' : 'bot');
  }

  /**
   * Deliver one message through the connection's incoming webhook (at-least-once: see `webhook.ts`),
   * paced in its own queue per webhook URL. Resolves with `sent` (no ts); throws after saving `failed`.
   */
  deliverWebhook(spec: MessageSpec, hooks: DeliveryHooks): Promise<DeliveryState> {
    return deliverViaWebhook({ ...this.o, queues: this.queues }, spec, hooks);
  }

  /** Deliver one message exactly once. Resolves with the `sent` state; throws RunwireError after saving `failed`. */
  async deliver(spec: MessageSpec, hooks: DeliveryHooks): Promise<DeliveryState> {
    const start = decideStart(hooks.state);
    if (start.kind === 'done') {
      hooks.log.info('Message already sent before the restart; not posting again', { ts: start.state.ts });
      return start.state;
    }
    const prev = hooks.state;
    const label =
      spec.update?.channelName ??
      spec.thread?.channelName ??
      spec.target?.label ??
      spec.update?.channel ??
      spec.thread?.channel ??
      '';
    const base: DeliveryState = {
      state: 'sending',
      attempts: prev?.attempts ?? 0,
      text: spec.text,
      channel_name: label,
    };
    const fail = async (err: RunwireError, extra: Partial<DeliveryState> = {}): Promise<never> => {
      const error = { code: err.code, message: err.message, ...(err.fix ? { fix: err.fix } : {}) };
      await hooks.save({ ...base, ...extra, state: 'failed', error }, `Connection failed: ${err.message}`);
      throw err;
    };

    let ws: WorkspaceClient;
    let conv: Conversation;
    try {
      ws = this.workspaceFor(spec.connection, spec.asUser);
      if (spec.update) conv = { id: spec.update.channel, name: label };
      else if (spec.thread) conv = { id: spec.thread.channel, name: label };
      else if (spec.target) conv = await resolveConversation(ws, spec.target, hooks.signal);
      else
        throw new RunwireError('runwire.slack.no_channel', 'The task names no channel.', {
          fix: 'Give the task a `channel:`.',
        });
    } catch (err) {
      return fail(toRunwireError(err, 'runwire.slack.internal'));
    }

    // Reserve the place now, before any await, so messages to one channel leave in start order.
    // Paced per workspace and conversation across processes (the token's hash is left out of the
    // shared key, so a rotated token keeps the channel's pace); ordered per token in this process.
    const team = spec.connection.teamId;
    const pacingKey = team ? `post|${spec.connection.apiUrl}|${team}|${conv.id}` : `post|${ws.key}|${conv.id}`;
    const slot = this.queues.get(`${ws.key}|${conv.id}`, pacingKey).reserve(spec.ticket);
    const resuming = start.kind === 'lookup_then_send';
    // The intent: `pending` while the message waits for its turn in the channel's queue (nothing
    // can have been posted yet); a resumed task whose post may have gone out stays `sending`.
    const intent: DeliveryState = {
      ...base,
      state: resuming ? 'sending' : 'pending',
      channel: conv.id,
      channel_name: conv.name,
      operation: spec.update ? 'update' : 'post',
      delivery_id: resuming && prev?.delivery_id ? prev.delivery_id : randomUUID(),
      intent_at: resuming && prev?.intent_at ? prev.intent_at : hooks.now().toISOString(),
      ...(spec.thread ? { thread_ts: spec.thread.ts } : {}),
      ...(resuming ? { maybe_sent: true } : {}),
    };
    Object.assign(base, {
      channel: conv.id,
      channel_name: conv.name,
      delivery_id: intent.delivery_id,
      intent_at: intent.intent_at,
    });
    try {
      await hooks.save(
        intent,
        resuming ? 'Message sending (checking whether it was already posted)' : 'Message pending',
      );
    } catch (err) {
      slot.cancel();
      throw err;
    }
    return slot.run((pacer) => this.attemptLoop(spec, hooks, ws, conv, intent, pacer, fail));
  }

  private async attemptLoop(
    spec: MessageSpec,
    hooks: DeliveryHooks,
    ws: WorkspaceClient,
    conv: Conversation,
    st: DeliveryState,
    pacer: Pacer,
    fail: (err: RunwireError, extra?: Partial<DeliveryState>) => Promise<never>,
  ): Promise<DeliveryState> {
    const ctx = {
      channel: conv.name,
      connection: spec.connection.name,
      kind: spec.connection.kind,
      method: spec.update ? 'chat.update' : 'chat.postMessage',
    };
    let maybeSent = st.maybe_sent === true;
    // When a post that got no answer may still be stored by Slack: the look-up that does not find
    // it then is repeated at this time (ms) before posting again. A resumed task counts from its last post.
    let lookAgainAt = maybeSent
      ? lateCommitLookAt(st.posted_at ?? st.intent_at, hooks.now(), this.o.timeoutMs, this.o.commitGraceMs)
      : undefined;
    // Posts made while an earlier post's outcome was still unknown (it was looked for, not found).
    let reposts = 0;
    let transient = 0;
    let limited = 0;
    let withMetadata = true;
    let lastError: RunwireError | undefined;
    const wait = async (ms: number) => this.o.clock.sleep(ms, hooks.signal);
    const lookup = (all = false) =>
      lookupDelivery(
        ws,
        {
          channel: conv.id,
          deliveryId: st.delivery_id ?? '',
          intentAt: st.intent_at,
          threadTs: spec.thread?.ts,
          now: hooks.now(),
          all,
        },
        hooks.signal,
      );
    const done = async (ts: string): Promise<DeliveryState> => {
      if (reposts > 0) {
        // Posted again after a lost answer: say how many copies Slack holds now.
        const check = await lookup(true);
        const note = repostNote(
          st.attempts,
          check.kind === 'found' ? { copies: check.copies } : check.kind === 'absent' ? { copies: [ts] } : check,
          this.o.commitGraceMs,
        );
        st.note = st.note ? `${st.note}; ${note}` : note;
        if (check.kind === 'found' && check.copies.length > 1) hooks.log.warn(`Message posted twice: ${note}`);
      }
      return this.sent(spec, hooks, st, ts);
    };

    for (;;) {
      if (hooks.signal.aborted) throw toRunwireError(hooks.signal.reason ?? new Error('aborted'), 'runwire.aborted');
      if (maybeSent && st.operation === 'post' && st.delivery_id) {
        const found = await lookup();
        if (found.kind === 'found') {
          hooks.log.info('Found the message already in Slack; not posting it again', { ts: found.ts });
          return done(found.ts);
        }
        if (found.kind === 'retry') {
          transient++;
          lastError = transportError('network_error', `history look-up: ${found.reason}`, ctx);
          if (transient > this.o.maxTransient) return fail(lastError, { maybe_sent: true, attempts: st.attempts });
          await wait(backoffDelay(transient, this.o.backoff, this.o.random()));
          continue;
        }
        if (found.kind === 'absent' && lookAgainAt !== undefined) {
          const left = lookAgainAt - hooks.now().getTime();
          lookAgainAt = undefined;
          if (left > 0) {
            // Slack may still be storing the post it did not answer: look once more before posting again.
            hooks.log.info(
              `The message is not in Slack yet; looking again in ${Math.round(left / 100) / 10}s before posting it again (Slack may still store the post that got no answer)`,
            );
            await wait(left);
            continue;
          }
        }
        if (found.kind === 'cannot') {
          st.note = `at-least-once: could not look in the channel history (${found.reason}); posted again`;
          hooks.log.warn(
            `Cannot check whether the message was already posted (${found.reason}); posting again, which may duplicate it. Add channels:history, groups:history, im:history, mpim:history for exactly-once delivery.`,
          );
        } else {
          reposts++;
        }
        maybeSent = false;
      }

      if (!spec.update) await pacer.acquire(hooks.signal);
      // Saved before every post: a crash from here on may leave a message in Slack, so a resumed
      // task looks first; and the attempt counts even if the answer never comes.
      st.attempts += 1;
      st.state = 'sending';
      st.posted_at = hooks.now().toISOString();
      await hooks.save({ ...st }, st.attempts === 1 ? 'Message sending' : `Message sending (attempt ${st.attempts})`);
      const out = await this.callOnce(ws, spec, conv, st, withMetadata, hooks.signal);
      if (out.kind === 'ok') {
        const ts = String(out.data.ts ?? spec.update?.ts ?? '');
        return done(ts);
      }
      if (
        out.kind === 'rate_limited' ||
        (out.kind === 'refused' && (out.error === 'ratelimited' || out.error === 'rate_limited'))
      ) {
        const sec = out.kind === 'rate_limited' ? out.retryAfterSec : 1;
        pacer.retryAfter(sec);
        limited++;
        hooks.log.info(`Slack rate limit on ${conv.name}: waiting ${sec}s before retrying`);
        lastError = slackError('ratelimited', ctx);
        if (limited > this.o.maxRateLimited) return fail(lastError, { attempts: st.attempts });
        continue;
      }
      if (
        out.kind === 'refused' &&
        withMetadata &&
        (out.error === 'metadata_must_be_sent_from_app' || out.error.startsWith('invalid_metadata'))
      ) {
        withMetadata = false;
        st.note = `at-least-once: Slack refused the message metadata (${out.error})`;
        hooks.log.warn(`Slack refused the exactly-once metadata (${out.error}); posting without it (at-least-once).`);
        continue;
      }
      if (out.kind === 'refused' && !TRANSIENT_SLACK_ERRORS.has(out.error)) {
        // "/invite @<the bot's name>" in the fix: the name from auth.test (memoised, usually already asked).
        const botName = INVITE_ERRORS.has(out.error) ? await ws.botName(hooks.signal) : undefined;
        const err = slackError(out.error, {
          ...ctx,
          ...(out.needed ? { needed: out.needed } : {}),
          ...(out.provided ? { provided: out.provided } : {}),
          ...(botName ? { botName } : {}),
        });
        return fail(err, { attempts: st.attempts });
      }
      // Nothing listens at a loopback URL (a stopped sandbox): nothing was sent; waiting cannot help.
      if (out.kind === 'unknown' && out.refusedAt)
        return fail(sandboxNotRunning(out.refusedAt, ctx.connection), {
          attempts: st.attempts,
          ...(maybeSent ? { maybe_sent: true } : {}),
        });
      // Transient: a 5xx, a network error, a timeout, or Slack's fatal/internal error.
      transient++;
      if (out.kind === 'unknown' || MAYBE_APPLIED_ERRORS.has(out.kind === 'refused' ? out.error : '')) maybeSent = true;
      // Slack may store a post it did not answer a while later: the look-up is repeated then.
      if (mayStillCommit(out)) lookAgainAt = hooks.now().getTime() + this.o.commitGraceMs;
      lastError =
        out.kind === 'unknown'
          ? transportError(out.transport, out.detail, ctx)
          : slackError((out as { error: string }).error, ctx);
      if (transient > this.o.maxTransient)
        return fail(lastError, { attempts: st.attempts, ...(maybeSent ? { maybe_sent: true } : {}) });
      const ms = backoffDelay(transient, this.o.backoff, this.o.random());
      hooks.log.info(`${lastError.message} Retrying in ${Math.round(ms / 100) / 10}s.`);
      await wait(ms);
    }
  }

  private callOnce(
    ws: WorkspaceClient,
    spec: MessageSpec,
    conv: Conversation,
    st: DeliveryState,
    withMetadata: boolean,
    signal: AbortSignal,
  ): Promise<CallOutcome> {
    const content: Record<string, unknown> = { channel: conv.id, text: st.text ?? '' };
    if (spec.blocks) content.blocks = spec.blocks;
    // chat.update keeps the message's blocks when the call has none (Slack renders them instead of
    // the text): an update without blocks sends an empty list, so the message reads as the new text.
    if (spec.update) return ws.call('chat.update', { blocks: [], ...content, ts: spec.update.ts }, signal);
    if (spec.unfurlLinks !== undefined) content.unfurl_links = spec.unfurlLinks;
    if (spec.thread) {
      content.thread_ts = spec.thread.ts;
      if (spec.thread.broadcast) content.reply_broadcast = true;
    }
    if (withMetadata) {
      content.metadata = {
        event_type: METADATA_EVENT_TYPE,
        event_payload: { run_id: spec.run.id, task_id: spec.run.taskId, delivery_id: st.delivery_id },
      };
    }
    return ws.call('chat.postMessage', content, signal);
  }

  private async sent(spec: MessageSpec, hooks: DeliveryHooks, st: DeliveryState, ts: string): Promise<DeliveryState> {
    const { maybe_sent: _drop, error: _e, ...rest } = st;
    const done: DeliveryState = {
      ...rest,
      state: 'sent',
      ts,
      permalink: permalinkFor(spec.connection.slackUrl, st.channel ?? '', ts, spec.thread?.ts),
    };
    await hooks.save(done, 'Message sent');
    return done;
  }
}
