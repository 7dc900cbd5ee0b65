/**
 * Everything one process knows about one Slack workspace as seen through one token: the SDK
 * client (retries off, 429s rejected — the delivery queue decides), a limiter per method paced
 * by its Slack tier, and the caches that spare repeated look-ups (channel name → id, e-mail or
 * handle → user, user set → DM conversation).
 */
import { createHash } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import { createWebClient } from '../web-client.js';
import type { ResolvedConnection } from '../connections/types.js';
import { callSlack, type CallOutcome } from './slack-call.js';
import { BucketPacer, type Clock } from './channel-queue.js';
import { tierPolicy, type Tier } from './pacing.js';
import { type BackoffPolicy, backoffDelay } from '../../core/backoff.js';

/** Retries of a read-only call after a transient failure: about 300 ms, 600 ms, 1.2 s. */
const READ_BACKOFF: BackoffPolicy = { backoffMs: 300 };

/** Slack's tier of each method the delivery uses (chat.postMessage is paced per channel instead). */
export const METHOD_TIERS: Readonly<Record<string, Tier>> = {
  'auth.test': 't4',
  'conversations.list': 't2',
  'conversations.info': 't3',
  'conversations.history': 't3',
  'conversations.replies': 't3',
  'conversations.open': 't3',
  'users.lookupByEmail': 't3',
  'users.list': 't2',
  'chat.update': 't3',
  'chat.postEphemeral': 't4',
  'usergroups.list': 't2',
  'usergroups.users.list': 't2',
};

/** A channel name not found is looked for in a fresh listing only when the last is older than this. */
export const RELIST_AFTER_MS = 30_000;

/** Identify a workspace + token without keeping the token in a key: api url + team + token hash. */
export function workspaceKey(conn: ResolvedConnection, token: string): string {
  const hash = createHash('sha256').update(token).digest('hex').slice(0, 16);
  return `${conn.apiUrl}|${conn.teamId ?? '-'}|${hash}`;
}

/** A conversation as resolved: its id and a name for people. */
export interface Conversation {
  id: string;
  name: string;
}

/** What conversations.list says about a channel (enough for the membership pre-flight). */
export interface ListedChannel extends Conversation {
  is_member?: boolean;
  is_archived?: boolean;
  is_private?: boolean;
}

/** Look-ups (auth.test, users, DMs) and the channel listing are trusted this long, then redone. */
export const LOOKUP_TTL_MS = 60_000;

export class WorkspaceClient {
  readonly client: WebClient;
  private readonly limiters = new Map<string, BucketPacer>();
  /** `#name` → conversation, filled from conversations.list (one listing serves all names). */
  channelsByName: Map<string, ListedChannel> | undefined;
  /** The same listing by id. */
  channelsById: Map<string, ListedChannel> | undefined;
  /** When the listing was last loaded (clock ms); a miss re-lists only when it is older than this. */
  private listedAt = -Infinity;
  private listingInFlight: Promise<CallOutcome | undefined> | undefined;
  /** Memoised look-ups, keyed by what was asked (`email:a@b`, `name:alice`, `open:U1,U2`). */
  private readonly memo = new Map<string, { p: Promise<unknown>; at: number }>();

  constructor(
    readonly key: string,
    readonly connection: ResolvedConnection,
    readonly tokenKind: 'bot' | 'user',
    private readonly clock: Clock,
    timeoutMs: number,
  ) {
    this.client = createWebClient(connection, {
      token: tokenKind,
      retries: 0,
      rejectRateLimitedCalls: true,
      timeoutMs,
    });
  }

  /** Call a method, paced by its tier; answers `rate_limited` also pause this method's limiter. */
  async call(method: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<CallOutcome> {
    const tier = METHOD_TIERS[method];
    let limiter: BucketPacer | undefined;
    if (tier) {
      limiter = this.limiters.get(method);
      if (!limiter) {
        limiter = new BucketPacer(tierPolicy(tier), this.clock);
        this.limiters.set(method, limiter);
      }
      await limiter.acquire(signal);
    }
    const out = await callSlack(this.client, method, args);
    if (out.kind === 'rate_limited') limiter?.retryAfter(out.retryAfterSec);
    return out;
  }

  /**
   * Call a read-only method, waiting out 429s and retrying transient failures a few times; reads
   * are safe to repeat. Returns the last outcome when it does not succeed.
   */
  async read(method: string, args: Record<string, unknown>, signal?: AbortSignal, tries = 4): Promise<CallOutcome> {
    let out: CallOutcome = { kind: 'unknown', detail: 'not called', transport: 'network_error' };
    for (let i = 0; i < tries; i++) {
      out = await this.call(method, args, signal);
      // A loopback URL that refuses connections has nothing listening: no point in waiting.
      if (out.kind === 'ok' || out.kind === 'refused' || (out.kind === 'unknown' && out.refusedAt)) return out;
      const wait =
        out.kind === 'rate_limited' ? out.retryAfterSec * 1000 : backoffDelay(i + 1, READ_BACKOFF, Math.random());
      if (i < tries - 1) await this.clock.sleep(wait, signal);
    }
    return out;
  }

  /** Memoise a look-up for LOOKUP_TTL_MS (concurrent callers share one call); failures are not kept. */
  memoise<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.clock.now();
    const hit = this.memo.get(key);
    if (hit && now - hit.at < LOOKUP_TTL_MS) return hit.p as Promise<T>;
    const p = load();
    this.memo.set(key, { p, at: now });
    p.catch(() => this.memo.delete(key));
    return p;
  }

  /** The bot user's name (auth.test `user`), for "/invite @name"; undefined when Slack does not say. */
  async botName(signal?: AbortSignal): Promise<string | undefined> {
    const auth = await this.authTest(signal).catch(() => undefined);
    const user = auth?.kind === 'ok' ? auth.data.user : undefined;
    return typeof user === 'string' && user !== '' ? user : undefined;
  }

  /** auth.test, memoised: the token works, and the scopes Slack says it has. */
  authTest(signal?: AbortSignal): Promise<CallOutcome> {
    return this.memoise('auth.test', () => this.read('auth.test', {}, signal));
  }

  /**
   * List every public and private channel the token can see, once (concurrent callers share the
   * listing). Returns the failing outcome when the listing fails.
   */
  listChannels(signal?: AbortSignal, refresh = false): Promise<CallOutcome | undefined> {
    // One listing at a time, shared by every caller; a finished listing is reused until it is
    // older than the TTL, or (for a name it lacks) older than RELIST_AFTER_MS — a name missing
    // from a listing a few seconds old is missing, not worth more tier-2 calls.
    if (this.listingInFlight) return this.listingInFlight;
    const age = this.clock.now() - this.listedAt; // Infinity before the first listing
    if (this.channelsByName && age <= LOOKUP_TTL_MS && !(refresh && age > RELIST_AFTER_MS))
      return Promise.resolve(undefined);
    const p = this.loadChannels(signal).finally(() => {
      this.listingInFlight = undefined;
    });
    this.listingInFlight = p;
    return p;
  }

  private async loadChannels(signal?: AbortSignal): Promise<CallOutcome | undefined> {
    const byName = new Map<string, ListedChannel>();
    const byId = new Map<string, ListedChannel>();
    let cursor: string | undefined;
    do {
      const out = await this.read(
        'conversations.list',
        {
          types: 'public_channel,private_channel',
          exclude_archived: false,
          limit: 999, // Slack: "must be an integer under 1000"
          ...(cursor ? { cursor } : {}),
        },
        signal,
      );
      if (out.kind !== 'ok') return out;
      for (const c of (out.data.channels as Array<ListedChannel> | undefined) ?? []) {
        const ch: ListedChannel = { id: c.id, name: `#${c.name}` };
        if (typeof c.is_member === 'boolean') ch.is_member = c.is_member;
        if (typeof c.is_archived === 'boolean') ch.is_archived = c.is_archived;
        if (typeof c.is_private === 'boolean') ch.is_private = c.is_private;
        byName.set(c.name, ch);
        byId.set(c.id, ch);
      }
      const meta = out.data.response_metadata as { next_cursor?: string } | undefined;
      cursor = meta?.next_cursor || undefined;
    } while (cursor);
    this.channelsByName = byName;
    this.channelsById = byId;
    this.listedAt = this.clock.now();
    return undefined;
  }
}

/** WorkspaceClients by workspace key and token kind, made on first use. */
export class WorkspaceClients {
  private readonly clients = new Map<string, WorkspaceClient>();
  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: number,
  ) {}

  for(conn: ResolvedConnection, tokenKind: 'bot' | 'user'): WorkspaceClient {
    const token = tokenKind === 'user' ? conn.userToken : conn.botToken;
    // createWebClient throws the clear "no token" error when the token is missing.
    const key = `${workspaceKey(conn, token ?? '')}|${tokenKind}`;
    let c = this.clients.get(key);
    if (!c) {
      c = new WorkspaceClient(key, conn, tokenKind, this.clock, this.timeoutMs);
      this.clients.set(key, c);
    }
    return c;
  }
}
