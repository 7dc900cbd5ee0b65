/**
 * Slack messages to runs. `receive` records a delivery (an Events API `event_callback`, over HTTP
 * or Socket Mode) under its event id — the database's unique key makes a retry, or the same event
 * reaching another server, a `duplicate` — and is all that happens before the ack. `decide` then
 * matches the message against every enabled `slack.message` trigger of the connection (the latest
 * library versions) and, for each match, creates the run through RunService with the trigger's vars
 * and an idempotency key per trigger and message, so no path (retries, HTTP and Socket Mode, two
 * servers, a re-decision after a crash) starts a second run. Every decision is kept in the history.
 */
import type { ConnectionRecord } from '../../slack/connections/model.js';
import type { OpenedConnections } from '../../slack/connections/open.js';
import type { ResolvedConnection } from '../../slack/connections/types.js';
import type { RunService } from '../../engine/run-service.js';
import { slackMessageTrigger, type SlackMessageEvent } from '../../triggers/slack-message.js';
import type { TriggerHistoryEntry, TriggerOutcome, TriggerStore } from '../../triggers/store/trigger-store.js';
import { triggerRunVars } from '../../triggers/trigger-vars.js';
import type { IndexedTrigger, TriggerIndex } from './trigger-index.js';
import type { SlackLookups } from './slack-lookups.js';
import type { TriggerReplies } from './replies.js';

export interface SlackRouterDeps {
  triggers: TriggerStore;
  index: TriggerIndex;
  service: RunService;
  connections: () => Promise<OpenedConnections>;
  lookups: SlackLookups;
  replies: TriggerReplies;
  log: (level: 'info' | 'warn' | 'error', msg: string, data?: Record<string, unknown>) => void;
}

/** What `receive` keeps of a delivery (the payload of its `slack.event` entry). */
interface Delivery {
  event_id: string;
  team_id: string;
  api_app_id?: string;
  /** The envelope's `authorizations`: the bot users the event was delivered for (Runwire's own). */
  bot_users?: string[];
  event: Record<string, unknown>;
}

/** A receipt left undecided this long was left by a process that died: decide it again. */
export const RECOVER_AFTER_MS = 30_000;

/** Outcomes by how much they say, for the receipt's summary. */
const RANK: TriggerOutcome[] = ['started', 'not_allowed', 'disabled', 'invalid_runbook', 'no_match', 'failed'];

const s = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** A connection's record and opened secrets are reused this long (every event would otherwise decrypt them). */
const CONNECTION_CACHE_MS = 1_000;

export class SlackTriggerRouter {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly conns = new Map<string, { at: number; record: ConnectionRecord; conn: ResolvedConnection }>();

  constructor(private readonly d: SlackRouterDeps) {}

  /**
   * Record a delivery durably; returns the entry to `decide` after the ack, or undefined when it is
   * a duplicate (kept as such) or not an event callback.
   */
  async receive(
    connection: ConnectionRecord,
    body: Record<string, unknown>,
    via: 'http' | 'socket_mode',
    retry: { num: number; reason?: string | undefined },
  ): Promise<TriggerHistoryEntry | undefined> {
    const eventId = s(body.event_id);
    const event = body.event;
    if (body.type !== 'event_callback' || !eventId || event === null || typeof event !== 'object') return undefined;
    const teamId = s(body.team_id) ?? connection.teamId ?? '';
    const payload: Delivery = {
      event_id: eventId,
      team_id: teamId,
      ...(s(body.api_app_id) ? { api_app_id: s(body.api_app_id) as string } : {}),
      ...botUsersOf(body.authorizations),
      event: event as Record<string, unknown>,
    };
    const r = await this.d.triggers.record({
      kind: 'slack.event',
      connection: connection.name,
      dedupeKey: `slack:${teamId}:${eventId}`,
      outcome: 'received',
      detail: `${eventId} via ${via}`,
      payload,
    });
    if (r.inserted) return r.entry;
    const again = retry.num > 0 ? `retry ${retry.num}${retry.reason ? ` (${retry.reason})` : ''}` : 'a second delivery';
    await this.d.triggers.record({
      kind: 'slack.event',
      connection: connection.name,
      outcome: 'duplicate',
      detail: `${again} of ${eventId} via ${via}; first recorded as entry ${r.existing.id}`,
    });
    return undefined;
  }

  /** Decide in the background (after the ack); errors are logged and left for the sweep. */
  decideLater(entry: TriggerHistoryEntry): void {
    const p = this.decide(entry)
      .catch((err: unknown) => this.d.log('error', 'deciding a Slack event failed', { err, entry: entry.id }))
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  /** Receipts a dead process left undecided, decided again (runs are idempotent per trigger and message). */
  async sweep(now = Date.now()): Promise<number> {
    const left = await this.d.triggers.unsettled('slack.event', new Date(now - RECOVER_AFTER_MS), 50);
    for (const e of left) await this.decide(e, true);
    return left.length;
  }

  /** Wait for background decisions (shutdown). */
  async drain(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  async decide(entry: TriggerHistoryEntry, recovering = false): Promise<void> {
    const delivery = entry.payload as Delivery;
    const event = delivery.event;
    // The receipt's detail keeps which event and transport it was ("Ev… via http: …").
    const settle = (outcome: TriggerOutcome, detail: string) =>
      this.d.triggers.settle(entry.id, { outcome, detail: `${entry.detail ?? ''}: ${detail}` }, 'received');
    if (event.type !== 'message') return void (await settle('ignored', `a ${String(event.type)} event`));
    const c = await this.connection(entry.connection ?? '');
    if (!c) return void (await settle('ignored', `connection ${entry.connection} no longer exists`));
    const { record, conn } = c;
    if (await this.isOwnPost(event, record, conn, delivery.bot_users ?? [])) {
      return void (await settle('ignored', 'a message Runwire posted'));
    }
    const candidates = (await this.d.index.all()).filter(
      (t) => t.spec.type === 'slack.message' && String(t.spec.config.connection ?? 'default') === record.name,
    );
    if (candidates.length === 0) return void (await settle('ignored', `no trigger listens on ${record.name}`));
    const msg = messageOf(delivery);
    const outcomes: Array<{ outcome: TriggerOutcome; detail: string }> = [];
    for (const t of candidates) {
      const o = await this.decideTrigger(t, conn, msg, entry, recovering);
      if (o) outcomes.push(o);
    }
    const best = RANK.map((r) => outcomes.find((o) => o.outcome === r)).find(Boolean);
    await settle(best?.outcome ?? 'ignored', best ? summary(outcomes) : ignoredDetail(msg));
  }

  /**
   * Runwire's own posts never start a run, whatever `bots:` says. Slack's advice: compare the
   * message's `user` with the bot user the event was delivered for (`authorizations`, auth.test's
   * `user_id`) and its `bot_id` with auth.test's `bot_id` (an incoming webhook's post names no user);
   * the app id, when the connection knows it, too. auth.test is asked (memoised) only for a bot's post
   * that nothing else identified. Another bot's post is left to the trigger's `bots:`.
   */
  private async isOwnPost(
    event: Record<string, unknown>,
    rec: ConnectionRecord,
    conn: ResolvedConnection,
    botUsers: readonly string[],
  ): Promise<boolean> {
    const user = s(event.user);
    const botId = s(event.bot_id);
    const appId = s(event.app_id) ?? s((event.bot_profile as { app_id?: unknown } | undefined)?.app_id);
    if (user !== undefined && (user === rec.botUserId || botUsers.includes(user))) return true;
    if (appId !== undefined && rec.appId !== undefined) return appId === rec.appId;
    if (botId === undefined && appId === undefined) return false;
    const own = await this.d.lookups.ownBot(conn);
    return (botId !== undefined && botId === own.botId) || (user !== undefined && user === own.userId);
  }

  private readonly warned = new Map<string, number>();

  /** A trigger naming channels the workspace does not have (or the bot cannot see): said once an hour. */
  private warnOnce(trigger: string, channels: string[]): void {
    const last = this.warned.get(trigger) ?? -Infinity;
    if (Date.now() - last < 3_600_000) return;
    this.warned.set(trigger, Date.now());
    this.d.log(
      'warn',
      `trigger ${trigger}: no channel ${channels.join(', ')} in the workspace (or the bot cannot see it)`,
      {
        trigger,
        channels,
      },
    );
  }

  private async connection(name: string): Promise<{ record: ConnectionRecord; conn: ResolvedConnection } | undefined> {
    const hit = this.conns.get(name);
    if (hit && Date.now() - hit.at < CONNECTION_CACHE_MS) return hit;
    const { service, resolver } = await this.d.connections();
    const record = await service.store.get(name);
    if (!record) return undefined;
    const fresh = { at: Date.now(), record, conn: await resolver.resolve(name) };
    this.conns.set(name, fresh);
    return fresh;
  }

  /** One trigger's decision on one message; undefined when the message is not for it at all. */
  private async decideTrigger(
    t: IndexedTrigger,
    conn: ResolvedConnection,
    msg: SlackMessageEvent,
    receipt: TriggerHistoryEntry,
    recovering: boolean,
  ): Promise<{ outcome: TriggerOutcome; detail: string } | undefined> {
    const c = t.spec.config;
    const refs = Array.isArray(c.channel) ? (c.channel as string[]) : [String(c.channel)];
    const { ids, unknown } = await this.d.lookups.channelIds(conn, refs);
    if (unknown.length > 0) this.warnOnce(`${t.runbookId}/${t.spec.id}`, unknown);
    const config = {
      connection: conn.name,
      channel_ids: ids,
      ...(typeof c.match === 'string' ? { match: c.match } : {}),
      ...(c.threads === true ? { threads: true } : {}),
      ...(c.bots === true ? { bots: true } : {}),
    };
    const m = slackMessageTrigger.match(msg, config);
    if (!m.matched && m.reason === 'ignored') return undefined;
    let outcome: TriggerOutcome = m.matched ? 'received' : m.reason;
    let detail = m.matched ? `matched ${msg.channel} ${msg.ts}` : m.detail;
    if (m.matched && Array.isArray(c.users)) {
      const allowed = await this.d.lookups.allowedUsers(conn, c.users as string[]).catch((err: Error) => err);
      if (allowed instanceof Error || !msg.user || !allowed.has(msg.user)) {
        outcome = 'not_allowed';
        detail =
          allowed instanceof Error
            ? `users: cannot be resolved (${allowed.message})`
            : `${msg.user ?? 'this sender'} may not start this runbook`;
      }
    }
    if (outcome === 'received' && t.invalid) {
      outcome = 'invalid_runbook';
      detail = "the runbook's current file does not validate (runwire runbook show for its issues)";
    }
    if (outcome === 'received' && !(await this.d.triggers.isEnabled(t.runbookId, t.spec.id))) {
      outcome = 'disabled';
      detail = `disabled (runwire triggers enable ${t.runbookId}/${t.spec.id})`;
    }
    const key = `${t.runbookId}/${t.spec.id}:${slackMessageTrigger.dedupeKey(msg)}`;
    const reply = c.reply === true;
    const r = await this.d.triggers.record({
      kind: 'slack.message',
      runbookId: t.runbookId,
      triggerId: t.spec.id,
      connection: conn.name,
      dedupeKey: key,
      outcome,
      detail,
      replyWanted: reply && outcome === 'received',
      payload: {
        channel: msg.channel,
        ts: msg.ts,
        thread_ts: msg.thread_ts ?? null,
        user: msg.user ?? null,
        receipt: receipt.id,
      },
    });
    // Another delivery of this message decided already (or is deciding: it will create the run).
    if (!r.inserted && !(recovering && r.existing.outcome === 'received')) return undefined;
    const entry = r.inserted ? r.entry : r.existing;
    if (outcome === 'not_allowed' && reply && msg.user) await this.d.replies.notAllowed(conn, msg, t);
    if (outcome !== 'received') return { outcome, detail: `${t.runbookId}/${t.spec.id}: ${detail}` };
    return this.start(t, conn, msg, m.matched ? m.groups : {}, entry, key);
  }

  private async start(
    t: IndexedTrigger,
    conn: ResolvedConnection,
    msg: SlackMessageEvent,
    groups: Record<string, string>,
    entry: TriggerHistoryEntry,
    key: string,
  ): Promise<{ outcome: TriggerOutcome; detail: string }> {
    try {
      // Names and permalinks cost a Web API call each: looked up only when the trigger's vars use them.
      const uses = (v: string) => Object.values(t.spec.vars).some((text) => text.includes(`trigger.${v}`));
      const named: SlackMessageEvent = {
        ...msg,
        user_name: msg.user && uses('user_name') ? await this.d.lookups.userName(conn, msg.user) : '',
        permalink: uses('permalink') ? await this.d.lookups.permalink(conn, msg.channel, msg.ts) : '',
      };
      const values = slackMessageTrigger.toVars(named, {} as never, { matched: true, groups });
      const vars = triggerRunVars(t.runbook, t.spec.vars, values);
      const created = await this.d.service.create(t.runbook, {
        mode: t.spec.mode,
        vars,
        actor: `trigger:${t.runbookId}/${t.spec.id}`,
        idempotencyKey: `trigger:${key}`,
      });
      const detail = `run ${created.run.id} (${t.spec.mode}) for ${msg.user ?? 'a message'} in ${msg.channel}`;
      await this.d.triggers.settle(entry.id, { outcome: 'started', runId: created.run.id, detail });
      if (entry.replyWanted) await this.d.replies.started(entry.id, conn, msg, t, created.run.id);
      return { outcome: 'started', detail: `${t.runbookId}/${t.spec.id}: ${detail}` };
    } catch (err) {
      const detail = `could not start the run: ${(err as Error).message}`;
      await this.d.triggers.settle(entry.id, { outcome: 'failed', detail });
      return { outcome: 'failed', detail: `${t.runbookId}/${t.spec.id}: ${detail}` };
    }
  }
}

/** The bot users of an envelope's `authorizations` (Slack: the installations the event is for). */
function botUsersOf(authorizations: unknown): { bot_users?: string[] } {
  if (!Array.isArray(authorizations)) return {};
  const ids = authorizations
    .filter((a): a is { user_id: string; is_bot?: unknown } => typeof a?.user_id === 'string' && a.user_id !== '')
    .filter((a) => a.is_bot === true)
    .map((a) => a.user_id);
  return ids.length > 0 ? { bot_users: ids } : {};
}

function messageOf(d: Delivery): SlackMessageEvent {
  const e = d.event;
  const msg: SlackMessageEvent = {
    event_id: d.event_id,
    team_id: d.team_id,
    channel: String(e.channel ?? ''),
    ts: String(e.ts ?? ''),
  };
  if (s(e.user)) msg.user = s(e.user) as string;
  if (typeof e.text === 'string') msg.text = e.text;
  if (s(e.thread_ts)) msg.thread_ts = s(e.thread_ts) as string;
  if (s(e.bot_id)) msg.bot_id = s(e.bot_id) as string;
  if (s(e.subtype)) msg.subtype = s(e.subtype) as string;
  return msg;
}

function ignoredDetail(msg: SlackMessageEvent): string {
  if (msg.bot_id !== undefined || msg.subtype === 'bot_message') return 'a bot message';
  if (msg.subtype !== undefined) return `a ${msg.subtype} event`;
  if (msg.thread_ts !== undefined && msg.thread_ts !== msg.ts) return 'a thread reply';
  return `no trigger listens in ${msg.channel}`;
}

function summary(outcomes: Array<{ outcome: TriggerOutcome; detail: string }>): string {
  const text = outcomes.map((o) => o.detail).join('; ');
  return text.length > 500 ? `${text.slice(0, 499)}…` : text;
}
