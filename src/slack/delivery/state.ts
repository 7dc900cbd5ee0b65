/**
 * The durable delivery state of one slack.message task, as saved with `ctx.saveState` and shown
 * in the run JSON as `tasks[].slack`, plus the pure decisions made from it (what to do when a
 * task starts, given what an earlier attempt or process left behind) and the rehearsal rules.
 */
import { RunwireError } from '../../core/errors.js';

export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

export interface DeliveryErrorInfo {
  /** Stable code, e.g. `runwire.slack.not_in_channel`. */
  code: string;
  message: string;
  fix?: string;
}

export interface DeliveryState {
  state: DeliveryStatus;
  /** Resolved conversation id (C…, G…, D…); absent until resolved (or when skipped). */
  channel?: string;
  /** The channel as written in the runbook, e.g. `#ops`, `@alice`. */
  channel_name?: string;
  /** Slack's message timestamp, once sent. */
  ts?: string;
  permalink?: string;
  /** chat.postMessage / chat.update calls made so far, over all attempts and restarts. */
  attempts: number;
  /** The text as rendered (with the [REHEARSAL] prefix when it applies). */
  text?: string;
  error?: DeliveryErrorInfo;
  /** Unique per message: tags the message's metadata so it can be found after a lost answer. */
  delivery_id?: string;
  /** When the intent was first saved (ISO): the lower bound of the history lookup. */
  intent_at?: string;
  /** `post` or `update`. */
  operation?: 'post' | 'update';
  /** Thread parent ts when replying in a thread. */
  thread_ts?: string;
  /** Set when delivery ran degraded, e.g. `at-least-once: no history scope`. */
  note?: string;
  /** True when a post's outcome is unknown (timeout, reset, 5xx): look it up before posting again. */
  maybe_sent?: boolean;
  /** When the last post call was made (ISO): after a crash, how long Slack may still store it. */
  posted_at?: string;
}

const STATUSES: readonly DeliveryStatus[] = ['pending', 'sending', 'sent', 'failed', 'skipped'];

/** Each optional field of `DeliveryState` and the check its saved value must pass. */
const OPTIONAL_FIELDS: Readonly<Record<string, (v: unknown) => boolean>> = {
  channel: isString,
  channel_name: isString,
  ts: isString,
  permalink: isString,
  text: isString,
  delivery_id: isString,
  intent_at: isString,
  operation: (v) => v === 'post' || v === 'update',
  thread_ts: isString,
  note: isString,
  maybe_sent: (v) => typeof v === 'boolean',
  posted_at: isString,
  error: (v) => isObject(v) && isString(v.code) && isString(v.message) && (v.fix === undefined || isString(v.fix)),
};

function isString(v: unknown): v is string {
  return typeof v === 'string';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Check a state saved earlier against the shape above: the state, or what is wrong with it.
 * Nothing saved (undefined, or `{}`) is no state. `attempts` may be missing (counted as 0);
 * unknown keys are kept (a newer Runwire may add some).
 */
export function checkDeliveryState(
  raw: Record<string, unknown> | undefined,
): { ok: true; state: DeliveryState | undefined } | { ok: false; problem: string } {
  if (!raw || Object.keys(raw).length === 0) return { ok: true, state: undefined };
  if (!STATUSES.includes(raw.state as DeliveryStatus))
    return { ok: false, problem: `state is ${JSON.stringify(raw.state)}, not one of ${STATUSES.join(', ')}` };
  if (raw.attempts !== undefined && !(Number.isInteger(raw.attempts) && (raw.attempts as number) >= 0))
    return { ok: false, problem: `attempts is ${JSON.stringify(raw.attempts)}, not a whole number` };
  for (const [key, check] of Object.entries(OPTIONAL_FIELDS)) {
    if (raw[key] !== undefined && !check(raw[key]))
      return { ok: false, problem: `${key} has an unexpected value ${JSON.stringify(raw[key])}` };
  }
  return { ok: true, state: { ...raw, state: raw.state as DeliveryStatus, attempts: (raw.attempts as number) ?? 0 } };
}

/**
 * Read a state saved earlier. A state that is not one Runwire wrote throws
 * `runwire.slack.bad_state` rather than counting as none: posting again could duplicate a message.
 */
export function readDeliveryState(raw: Record<string, unknown> | undefined): DeliveryState | undefined {
  const r = checkDeliveryState(raw);
  if (r.ok) return r.state;
  throw new RunwireError('runwire.slack.bad_state', `The saved Slack delivery state is not valid: ${r.problem}.`, {
    fix: 'Look at the task with `runwire runs show RUN`: check in Slack whether the message went out, then skip or retry the task.',
  });
}

/**
 * What a starting task must do, from the state it finds (`pending` means the intent was saved but
 * the message was still queued, so nothing can have been posted):
 * - `done`: already sent (e.g. the process died after saving "sent") — never post again;
 * - `lookup_then_send`: a post may have reached Slack (state `sending`, or `failed` with an unknown
 *   outcome) — look it up first;
 * - `send`: nothing went out yet — save the intent and post.
 */
export type StartDecision =
  | { kind: 'done'; state: DeliveryState }
  | { kind: 'lookup_then_send'; state: DeliveryState }
  | { kind: 'send' };

export function decideStart(state: DeliveryState | undefined): StartDecision {
  if (!state) return { kind: 'send' };
  if (state.state === 'sent' && state.ts) return { kind: 'done', state };
  const unsure = state.state === 'sending' || (state.state === 'failed' && state.maybe_sent === true);
  if (unsure && state.delivery_id && state.operation !== 'update') return { kind: 'lookup_then_send', state };
  return { kind: 'send' };
}

/** How far before the saved intent time the history lookup starts, for clock skew with Slack. */
export const LOOKUP_MARGIN_SECONDS = 120;

/** The `oldest` argument of conversations.history for a lookup of an intent saved at `intentAt`. */
export function lookupOldest(intentAt: string | undefined, now: Date): string {
  const base = intentAt ? Date.parse(intentAt) : NaN;
  const from = Number.isFinite(base) ? base : now.getTime() - 24 * 3600_000;
  return Math.max(0, from / 1000 - LOOKUP_MARGIN_SECONDS).toFixed(6);
}

/**
 * The late-commit window: Slack may store a post after Runwire stopped waiting for its answer (a
 * slow Slack, a dropped connection). Before posting again, Runwire looks for the message once right
 * away and, if it is not there, once more `graceMs` after it stopped waiting; only then does it post
 * again. This is when that second look is due after a crash: the old process stopped waiting at
 * the latest `timeoutMs` after its last post, and no later than now.
 */
export function lateCommitLookAt(postedAt: string | undefined, now: Date, timeoutMs: number, graceMs: number): number {
  const posted = postedAt ? Date.parse(postedAt) : NaN;
  const gaveUp = Number.isFinite(posted) ? Math.min(now.getTime(), posted + timeoutMs) : now.getTime();
  return gaveUp + graceMs;
}

/**
 * The note of a message posted more than once because an earlier post got no answer and was not
 * found: how many copies Slack holds now (`copies`), or why that could not be checked (`reason`).
 */
export function repostNote(posts: number, check: { copies: string[] } | { reason: string }, graceMs: number): string {
  const again = `posted ${posts} times: an earlier post got no usable answer and was not found in Slack, so it was posted again`;
  if ('reason' in check) return `${again}; could not check for a duplicate (${check.reason}): look in the channel`;
  if (check.copies.length > 1)
    return `duplicate: Slack holds ${check.copies.length} copies of this message (ts ${check.copies.join(', ')}): a post that got no usable answer was stored after Runwire had looked for it (a post stored within ${Math.round(graceMs / 100) / 10}s of Runwire giving up on it is caught, a later one is not); delete the extra copy`;
  return `${again}; one copy is in Slack`;
}

// ---------------------------------------------------------------- rehearsal

/** The task's `rehearsal:` field: skip (default), send, or send to another channel. */
export type RehearsalChoice = { kind: 'skip' } | { kind: 'send' } | { kind: 'redirect'; channel: unknown };

export const REHEARSAL_PREFIX = '[REHEARSAL] ';

export function readRehearsal(field: unknown): RehearsalChoice {
  if (field === 'send' || field === 'run') return { kind: 'send' };
  if (field && typeof field === 'object' && !Array.isArray(field) && 'channel' in field) {
    return { kind: 'redirect', channel: (field as { channel: unknown }).channel };
  }
  return { kind: 'skip' };
}

/**
 * What a task posts, given the run mode and its rehearsal choice: live runs post as written;
 * rehearsals post (prefixed) to the task's channel or the redirect channel, or nothing.
 */
export function rehearsalPlan(
  mode: 'live' | 'rehearsal',
  choice: RehearsalChoice,
): { send: false } | { send: true; prefix: string; channelOverride?: unknown } {
  if (mode === 'live') return { send: true, prefix: '' };
  if (choice.kind === 'skip') return { send: false };
  if (choice.kind === 'send') return { send: true, prefix: REHEARSAL_PREFIX };
  return { send: true, prefix: REHEARSAL_PREFIX, channelOverride: choice.channel };
}

/** The permalink Slack gives a message: `<team url>archives/<channel>/p<ts without the dot>`. */
export function permalinkFor(teamUrl: string, channel: string, ts: string, threadTs?: string): string {
  const base = teamUrl.endsWith('/') ? teamUrl : `${teamUrl}/`;
  const link = `${base}archives/${channel}/p${ts.replace('.', '')}`;
  return threadTs && threadTs !== ts ? `${link}?thread_ts=${threadTs}&cid=${channel}` : link;
}

/** People's name for each delivery state, as the Cutover document names them. */
export const DELIVERY_LABELS: Record<DeliveryStatus, string> = {
  pending: 'Message pending',
  sending: 'Message sending',
  sent: 'Message sent',
  failed: 'Connection failed',
  skipped: 'Not sent (rehearsal)',
};

/** The task detail shown by `runwire runs show`: state, where, what, and the fix when it failed. */
export function describeDelivery(raw: Record<string, unknown>): string[] {
  const checked = checkDeliveryState(raw);
  if (!checked.ok) return [`delivery state not readable: ${checked.problem}`];
  const st = checked.state;
  if (!st) return [];
  const where = [st.channel_name, st.channel && st.channel !== st.channel_name ? `(${st.channel})` : undefined]
    .filter(Boolean)
    .join(' ');
  const lines = [
    `${DELIVERY_LABELS[st.state]}${where ? ` — ${where}` : ''}${st.ts ? `, ts ${st.ts}` : ''}${st.attempts > 1 ? `, ${st.attempts} posts` : ''}`,
  ];
  if (st.text !== undefined) lines.push(`message: ${st.text.length > 200 ? `${st.text.slice(0, 199)}…` : st.text}`);
  if (st.permalink) lines.push(`permalink: ${st.permalink}`);
  if (st.note) lines.push(`note: ${st.note}`);
  if (st.state === 'failed' && st.error?.fix) lines.push(`fix: ${st.error.fix}`);
  return lines;
}
