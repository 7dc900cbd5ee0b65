/**
 * The thread answers of `reply: true` Slack triggers: "run started" with a link when the run is
 * created, then its outcome when it ends, each exactly once across restarts and servers: claimed in
 * the database first (one UPDATE picks one poster), posted with metadata naming the history entry and
 * the reply, and its Slack ts recorded. A claim left without a ts for STALE_MS (its process died, or
 * the post's answer was lost) is taken over and the thread looked up by that metadata first: posted
 * again only when it is not there. An ephemeral "not allowed" goes to a sender the trigger does not
 * allow. Outcomes are found by a poll of started entries whose outcome reply is unclaimed.
 */
import type { OpenedConnections } from '../../slack/connections/open.js';
import { escapeMrkdwn } from '../../slack/mrkdwn.js';
import type { ResolvedConnection } from '../../slack/connections/types.js';
import type { Store } from '../../store/store.js';
import type { SlackMessageEvent } from '../../triggers/slack-message.js';
import type { TriggerHistoryEntry, TriggerStore } from '../../triggers/store/trigger-store.js';
import type { SlackLookups } from './slack-lookups.js';
import type { IndexedTrigger } from './trigger-index.js';

export interface RepliesDeps {
  triggers: TriggerStore;
  store: Store;
  lookups: SlackLookups;
  connections: () => Promise<OpenedConnections>;
  /** The web UI's page of a run (`<public URL>/runs/<id>`). */
  runUrl: (runId: string) => string;
  log: (level: 'info' | 'warn' | 'error', msg: string, data?: Record<string, unknown>) => void;
}

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);
/** A claimed reply without its Slack ts after this long is looked up and, if missing, posted again. */
export const STALE_MS = 60_000;
const METADATA_TYPE = 'runwire_trigger_reply';

type Which = 'started' | 'outcome';
interface RunView {
  id: string;
  runbook: string;
  mode: string;
  status: string;
}
const WORDS: Record<string, string> = {
  succeeded: ':white_check_mark: succeeded',
  failed: ':x: failed',
  cancelled: ':no_entry_sign: was cancelled',
};

/** Where a thread answer goes: the thread of the message (its own ts when it started none). */
interface Place {
  channel: string;
  thread_ts: string;
}

export class TriggerReplies {
  constructor(private readonly d: RepliesDeps) {}

  async started(entryId: number, conn: ResolvedConnection, msg: SlackMessageEvent, t: IndexedTrigger, runId: string) {
    if (!(await this.d.triggers.claimReply(entryId, 'started'))) return;
    const run = { id: runId, runbook: t.runbook.name, mode: t.spec.mode, status: 'queued' };
    await this.post(conn, placeOf(msg), entryId, 'started', this.text('started', run));
  }

  private text(which: Which, run: RunView): string {
    const link = `<${this.d.runUrl(run.id)}|${escapeMrkdwn(run.runbook)}>`;
    if (which === 'started') return `Run started${run.mode === 'rehearsal' ? ' (rehearsal)' : ''}: ${link} (${run.id})`;
    return `Run ${link} ${WORDS[run.status] ?? run.status}.`;
  }

  async notAllowed(conn: ResolvedConnection, msg: SlackMessageEvent, t: IndexedTrigger): Promise<void> {
    if (!msg.user) return;
    const out = await this.d.lookups.client(conn).call('chat.postEphemeral', {
      channel: msg.channel,
      user: msg.user,
      text: `You may not start ${t.runbook.name} from Slack: ${t.runbookId}/${t.spec.id} allows only ${(t.spec.config.users as string[]).join(', ')}.`,
      ...(msg.thread_ts ? { thread_ts: msg.thread_ts } : {}),
    });
    if (out.kind !== 'ok') this.d.log('warn', 'the "not allowed" reply was not posted', { outcome: out.kind });
  }

  /** Post the outcome of every started run that ended, and finish stale claims; returns how many were posted. */
  async poll(now = Date.now()): Promise<number> {
    let posted = 0;
    for (const e of await this.d.triggers.awaitingOutcomeReply(50)) {
      if (!e.runId || !e.connection) continue;
      const run = await this.d.store.getRun(e.runId);
      if (!run || !FINISHED.has(run.status)) continue;
      if (!(await this.d.triggers.claimReply(e.id, 'outcome'))) continue;
      const conn = await (await this.d.connections()).resolver.resolve(e.connection);
      if (await this.post(conn, placeOfEntry(e), e.id, 'outcome', this.text('outcome', run))) posted++;
    }
    for (const e of await this.d.triggers.staleReplies(new Date(now - STALE_MS))) posted += await this.recover(e, now);
    return posted;
  }

  /** A claimed reply without a ts: take the claim over, look in the thread, post if it is not there. */
  private async recover(e: TriggerHistoryEntry, now: number): Promise<number> {
    if (!e.runId || !e.connection) return 0;
    let posted = 0;
    for (const which of ['started', 'outcome'] as const) {
      const at = which === 'started' ? e.replyStartedAt : e.replyOutcomeAt;
      const ts = which === 'started' ? e.replyStartedTs : e.replyOutcomeTs;
      if (!at || ts || Date.parse(at) > now - STALE_MS) continue;
      if (!(await this.d.triggers.reclaimReply(e.id, which, at))) continue;
      const run = await this.d.store.getRun(e.runId);
      if (!run) continue;
      const conn = await (await this.d.connections()).resolver.resolve(e.connection);
      const place = placeOfEntry(e);
      const found = await this.findPosted(conn, place, e.id, which);
      if (found === undefined) continue; // the look-up failed: the next round tries again
      if (found) await this.d.triggers.replyPosted(e.id, which, found);
      else if (await this.post(conn, place, e.id, which, this.text(which, run))) posted++;
    }
    return posted;
  }

  /** The ts of this entry's reply in the thread, '' when it is not there, undefined when Slack did not say. */
  private async findPosted(conn: ResolvedConnection, place: Place, entryId: number, which: Which) {
    const out = await this.d.lookups.client(conn).read('conversations.replies', {
      channel: place.channel,
      ts: place.thread_ts,
      include_all_metadata: true,
      limit: 999,
    });
    if (out.kind !== 'ok') return undefined;
    const messages =
      (out.data.messages as Array<{
        ts?: string;
        metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
      }>) ?? [];
    const mine = messages.find(
      (m) =>
        m.metadata?.event_type === METADATA_TYPE &&
        m.metadata.event_payload?.entry === entryId &&
        m.metadata.event_payload?.reply === which,
    );
    return mine?.ts ?? '';
  }

  /** Post one reply with its metadata and record its ts; false when Slack did not take it (recovered later). */
  private async post(conn: ResolvedConnection, place: Place, entryId: number, which: Which, text: string) {
    const out = await this.d.lookups.client(conn).call('chat.postMessage', {
      channel: place.channel,
      thread_ts: place.thread_ts,
      text,
      unfurl_links: false,
      metadata: { event_type: METADATA_TYPE, event_payload: { entry: entryId, reply: which } },
    });
    if (out.kind !== 'ok' || typeof out.data.ts !== 'string') {
      this.d.log('warn', 'a trigger thread reply was not posted; it is looked up and retried later', {
        outcome: out.kind,
      });
      return false;
    }
    await this.d.triggers.replyPosted(entryId, which, out.data.ts);
    return true;
  }
}

function placeOfEntry(e: TriggerHistoryEntry): Place {
  const p = e.payload as { channel: string; ts: string; thread_ts: string | null };
  return { channel: p.channel, thread_ts: p.thread_ts ?? p.ts };
}

function placeOf(msg: SlackMessageEvent): Place {
  return { channel: msg.channel, thread_ts: msg.thread_ts ?? msg.ts };
}
