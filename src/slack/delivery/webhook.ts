/**
 * Delivery through an incoming webhook, the I/O half. One POST of `{text, blocks}` to the
 * connection's webhook URL, classified like a Web API call (`CallOutcome`), and the delivery loop:
 * the same per-queue pacing (one queue per webhook URL, 1 message/s, `Retry-After` honoured), the
 * same states (pending → sending → sent | failed), but no ts or permalink (Slack answers a webhook
 * with plain `ok`), and at-least-once: with no metadata and no look-up, an unknown outcome
 * (timeout, reset, 5xx, a `sending` state found after a crash) fails the task with
 * `webhook_outcome_unknown` instead of posting blindly — a duplicate in an incident channel is
 * worse than a task that asks the operator to look (skip or retry it).
 */
import { createHash, randomUUID } from 'node:crypto';
import { RunwireError, toRunwireError } from '../../core/errors.js';
import type { QueueRegistry, Clock, Pacer } from './channel-queue.js';
import { type BackoffPolicy, backoffDelay } from '../../core/backoff.js';
import type { CallOutcome } from './slack-call.js';
import type { DeliveryState } from './state.js';
import type { DeliveryHooks, MessageSpec } from './service.js';
import { outcomeUnknown, WEBHOOK_NOTE, webhookError } from './webhook-errors.js';

/** A webhook outcome: a CallOutcome, plus `not_sent` when the request surely never arrived (connection refused). */
export type WebhookOutcome = CallOutcome | { kind: 'not_sent'; detail: string };

/** Errors after which the request surely never reached Slack, so a retry cannot duplicate. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function causeCode(err: unknown): string | undefined {
  for (let e: unknown = err, i = 0; e && i < 4; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** POST one message to a webhook URL; never throws (except on abort by the caller's signal). */
export async function postWebhook(
  url: string,
  body: Record<string, unknown>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<WebhookOutcome> {
  const timeout = AbortSignal.timeout(timeoutMs);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
      signal: AbortSignal.any([signal, timeout]),
      redirect: 'error',
    });
  } catch (err) {
    if (signal.aborted) throw toRunwireError(signal.reason ?? err, 'runwire.aborted');
    if (timeout.aborted) return { kind: 'unknown', detail: `no answer within ${timeoutMs} ms`, transport: 'timeout' };
    const code = causeCode(err);
    if (code && NOT_SENT_CODES.has(code)) return { kind: 'not_sent', detail: code };
    return {
      kind: 'unknown',
      detail: code ?? (err instanceof Error ? err.message : String(err)),
      transport: 'network_error',
    };
  }
  let text = '';
  try {
    text = await res.text();
  } catch {
    // The status is enough to decide below.
  }
  return classifyWebhookAnswer(res.status, text, res.headers.get('retry-after'));
}

/**
 * What a webhook's answer means (pure). Slack answers a posted message with HTTP 200 and the body
 * `ok` (a workflow webhook: `{"ok":true}`), and anything else with a plain-text error code: a 200 whose body is an error code is a
 * refusal (nothing was posted); a 2xx whose body is neither (a proxy, a captive portal, a page)
 * is not Slack's answer, so the outcome is unknown.
 */
export function classifyWebhookAnswer(status: number, body: string, retryAfter: string | null): WebhookOutcome {
  let text = body.trim();
  // Workflow webhooks answer JSON: `{"ok":true}`, or `{"ok":false,"error":"…"}`.
  const json = jsonOk(text);
  if (json?.ok === true) text = 'ok';
  else if (json?.ok === false && typeof json.error === 'string') text = json.error;
  const isCode = /^[a-z_]{1,64}$/.test(text);
  if (status === 200 && text === 'ok') return { kind: 'ok', data: {} };
  if (status >= 200 && status < 300) {
    if (isCode && status === 200) return { kind: 'refused', error: text };
    const shown = text.length > 60 ? `${text.slice(0, 59)}…` : text;
    return {
      kind: 'unknown',
      detail: `HTTP ${status} with ${text === '' ? 'an empty body' : JSON.stringify(shown)} instead of Slack's "ok" — is the URL Slack's?`,
      transport: 'http_error',
    };
  }
  if (status === 429) {
    const sec = Number(retryAfter);
    return { kind: 'rate_limited', retryAfterSec: Number.isFinite(sec) && sec > 0 ? sec : 1 };
  }
  if (status >= 500) return { kind: 'unknown', detail: `HTTP ${status}`, transport: 'http_error', status };
  // 4xx (or a 1xx/3xx that fetch let through): Slack's plain-text error code; the message was not posted.
  return { kind: 'refused', error: isCode ? text : `http_${status}` };
}

function jsonOk(text: string): { ok?: unknown; error?: unknown } | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null ? (v as { ok?: unknown; error?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}

/** The key of a webhook's delivery queue: its URL, hashed so the secret never sits in a key. */
export function webhookQueueKey(url: string): string {
  return `webhook|${createHash('sha256').update(url).digest('hex').slice(0, 24)}`;
}

export interface WebhookDeliveryOptions {
  queues: QueueRegistry;
  clock: Clock;
  timeoutMs: number;
  maxTransient: number;
  maxRateLimited: number;
  backoff: BackoffPolicy;
  random: () => number;
}

/** Deliver one message through the connection's webhook. Resolves with `sent`; throws after saving `failed`. */
export async function deliverViaWebhook(
  o: WebhookDeliveryOptions,
  spec: MessageSpec,
  hooks: DeliveryHooks,
): Promise<DeliveryState> {
  const url = spec.connection.webhookUrl;
  const prev = hooks.state;
  if (prev?.state === 'sent') {
    hooks.log.info('Message already sent before the restart; not posting again');
    return prev;
  }
  const label = spec.target?.label ?? spec.connection.webhookChannel ?? "the webhook's channel";
  const base: DeliveryState = {
    state: 'sending',
    attempts: prev?.attempts ?? 0,
    text: spec.text,
    channel_name: label,
    operation: 'post',
    note: WEBHOOK_NOTE,
  };
  const fail = async (err: RunwireError, extra: Partial<DeliveryState> = {}): Promise<never> => {
    const error = { code: err.code, message: err.message, ...(err.fix ? { fix: err.fix } : {}) };
    await hooks.save({ ...base, ...extra, state: 'failed', error }, `Connection failed: ${err.message}`);
    throw err;
  };
  if (!url)
    return fail(
      new RunwireError('runwire.slack.no_webhook', `Connection "${spec.connection.name}" has no webhook URL.`, {
        fix: `runwire connection add ${spec.connection.name} --webhook-url <URL>`,
      }),
    );
  // A post was under way when the process stopped: it may be in the channel, and nothing can tell.
  if (prev?.state === 'sending')
    return fail(outcomeUnknown(label, 'the process stopped while posting', spec.run), { maybe_sent: true });

  const slot = o.queues.get(webhookQueueKey(url)).reserve(spec.ticket);
  const st: DeliveryState = {
    ...base,
    state: 'pending',
    delivery_id: randomUUID(),
    intent_at: hooks.now().toISOString(),
  };
  Object.assign(base, { delivery_id: st.delivery_id, intent_at: st.intent_at });
  try {
    await hooks.save({ ...st }, 'Message pending');
  } catch (err) {
    slot.cancel();
    throw err;
  }
  return slot.run((pacer) => webhookLoop(o, spec, hooks, url, st, pacer, fail));
}

async function webhookLoop(
  o: WebhookDeliveryOptions,
  spec: MessageSpec,
  hooks: DeliveryHooks,
  url: string,
  st: DeliveryState,
  pacer: Pacer,
  fail: (err: RunwireError, extra?: Partial<DeliveryState>) => Promise<never>,
): Promise<DeliveryState> {
  const label = st.channel_name ?? "the webhook's channel";
  const body: Record<string, unknown> = { text: st.text ?? '' };
  if (spec.blocks) body.blocks = spec.blocks;
  if (spec.unfurlLinks !== undefined) body.unfurl_links = spec.unfurlLinks;
  let limited = 0;
  let transient = 0;
  for (;;) {
    if (hooks.signal.aborted) throw toRunwireError(hooks.signal.reason ?? new Error('aborted'), 'runwire.aborted');
    await pacer.acquire(hooks.signal);
    st.attempts += 1;
    st.state = 'sending';
    await hooks.save({ ...st }, st.attempts === 1 ? 'Message sending' : `Message sending (attempt ${st.attempts})`);
    const out = await postWebhook(url, body, o.timeoutMs, hooks.signal);
    if (out.kind === 'ok') {
      const { error: _e, maybe_sent: _m, ...rest } = st;
      const done: DeliveryState = { ...rest, state: 'sent' };
      await hooks.save(done, 'Message sent');
      return done;
    }
    if (out.kind === 'rate_limited' || (out.kind === 'refused' && out.error === 'rate_limited')) {
      const sec = out.kind === 'rate_limited' ? out.retryAfterSec : 1;
      pacer.retryAfter(sec);
      limited++;
      hooks.log.info(`Slack rate limit on the webhook for ${label}: waiting ${sec}s before retrying`);
      if (limited > o.maxRateLimited)
        return fail(webhookError('rate_limited', label, spec.connection.name), { attempts: st.attempts });
      continue;
    }
    if (out.kind === 'refused')
      return fail(webhookError(out.error, label, spec.connection.name), { attempts: st.attempts });
    if (out.kind === 'unknown')
      return fail(outcomeUnknown(label, out.detail, spec.run), { attempts: st.attempts, maybe_sent: true });
    // not_sent: the connection was refused before anything went out — safe to try again.
    transient++;
    const err = new RunwireError('runwire.slack.network_error', `The webhook could not be reached (${out.detail}).`, {
      fix: 'Check the network (and a proxy, if any) between Runwire and Slack; then retry the task.',
      retryable: true,
    });
    if (transient > o.maxTransient) return fail(err, { attempts: st.attempts });
    const ms = backoffDelay(transient, o.backoff, o.random());
    hooks.log.info(`${err.message} Retrying in ${Math.round(ms / 100) / 10}s.`);
    await o.clock.sleep(ms, hooks.signal);
  }
}
