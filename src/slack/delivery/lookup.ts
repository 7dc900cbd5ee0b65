/**
 * Find a message Runwire may already have posted, by the delivery id in its metadata. Used when
 * an earlier post's outcome is unknown (timeout, reset, crash after sending) so that posting
 * again can never make a duplicate. Needs the *:history scopes; without them the answer is
 * `cannot` and delivery falls back to at-least-once.
 */
import type { WorkspaceClient } from './workspace-client.js';
import { lookupOldest } from './state.js';

export const METADATA_EVENT_TYPE = 'runwire_task';

export type LookupResult =
  /** `ts` is the first copy found; `copies` every copy's ts when the look-up was asked for all. */
  | { kind: 'found'; ts: string; copies: string[] }
  | { kind: 'absent' }
  /** The token may not read history (missing scope, not allowed): at-least-once from here. */
  | { kind: 'cannot'; reason: string }
  /** A transient failure: try the look-up again later. */
  | { kind: 'retry'; reason: string };

interface HistoryMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

export async function lookupDelivery(
  ws: WorkspaceClient,
  args: {
    channel: string;
    deliveryId: string;
    intentAt: string | undefined;
    threadTs: string | undefined;
    now: Date;
    /** Read every page and list every copy (to tell a duplicate), instead of stopping at the first. */
    all?: boolean;
  },
  signal?: AbortSignal,
): Promise<LookupResult> {
  const method = args.threadTs ? 'conversations.replies' : 'conversations.history';
  const base: Record<string, unknown> = {
    channel: args.channel,
    oldest: lookupOldest(args.intentAt, args.now),
    include_all_metadata: true,
    inclusive: true,
    limit: 200,
    ...(args.threadTs ? { ts: args.threadTs } : {}),
  };
  let cursor: string | undefined;
  const copies: string[] = [];
  do {
    const out = await ws.read(method, cursor ? { ...base, cursor } : base, signal);
    if (out.kind === 'refused') {
      if (
        out.error === 'ratelimited' ||
        out.error === 'internal_error' ||
        out.error === 'fatal_error' ||
        out.error === 'service_unavailable'
      ) {
        return { kind: 'retry', reason: out.error };
      }
      return {
        kind: 'cannot',
        reason: out.error === 'missing_scope' ? `missing_scope ${out.needed ?? ''}`.trim() : out.error,
      };
    }
    if (out.kind !== 'ok') return { kind: 'retry', reason: out.kind === 'rate_limited' ? 'ratelimited' : out.detail };
    for (const m of (out.data.messages as HistoryMessage[] | undefined) ?? []) {
      const md = m.metadata;
      if (md?.event_type === METADATA_EVENT_TYPE && md.event_payload?.delivery_id === args.deliveryId && m.ts) {
        if (!args.all) return { kind: 'found', ts: m.ts, copies: [m.ts] };
        if (!copies.includes(m.ts)) copies.push(m.ts);
      }
    }
    cursor = (out.data.response_metadata as { next_cursor?: string } | undefined)?.next_cursor || undefined;
  } while (cursor);
  copies.sort((a, b) => Number(a) - Number(b));
  return copies.length > 0 ? { kind: 'found', ts: copies[0]!, copies } : { kind: 'absent' };
}
