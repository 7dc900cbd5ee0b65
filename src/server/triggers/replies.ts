/**
 * The thread answers of `reply: true` Slack triggers: "run started" with a link when the run is
 * created, then its outcome when it ends, each claimed in the database first (one UPDATE), so across
 * restarts and servers each is posted once; an ephemeral "not allowed" to a sender the trigger does
 * not allow. Outcomes are found by a poll of started entries whose outcome reply is unclaimed (every
 * server polls; the claim picks one).
 */
import type { OpenedConnections } from '../../slack/connections/open.js';
import type { ResolvedConnection } from '../../slack/connections/types.js';
import type { Store } from '../../store/store.js';
import type { SlackMessageEvent } from '../../triggers/slack-message.js';
import type { TriggerStore } from '../../triggers/store/trigger-store.js';
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
    const mode = t.spec.mode === 'rehearsal' ? ' (rehearsal)' : '';
    await this.post(conn, placeOf(msg), `Run started${mode}: <${this.d.runUrl(runId)}|${t.runbook.name}> (${runId})`);
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

  /** Post the outcome of every started run that ended; returns how many were posted. */
  async poll(): Promise<number> {
    let posted = 0;
    for (const e of await this.d.triggers.awaitingOutcomeReply(50)) {
      if (!e.runId || !e.connection) continue;
      const run = await this.d.store.getRun(e.runId);
      if (!run || !FINISHED.has(run.status)) continue;
      if (!(await this.d.triggers.claimReply(e.id, 'outcome'))) continue;
      const p = e.payload as { channel: string; ts: string; thread_ts: string | null };
      const conn = await (await this.d.connections()).resolver.resolve(e.connection);
      const place = { channel: p.channel, thread_ts: p.thread_ts ?? p.ts };
      await this.post(conn, place, `Run <${this.d.runUrl(run.id)}|${run.runbook}> ${WORDS[run.status] ?? run.status}.`);
      posted++;
    }
    return posted;
  }

  private async post(conn: ResolvedConnection, place: Place, text: string): Promise<void> {
    const out = await this.d.lookups.client(conn).call('chat.postMessage', {
      channel: place.channel,
      thread_ts: place.thread_ts,
      text,
      unfurl_links: false,
    });
    if (out.kind !== 'ok') this.d.log('warn', 'a trigger thread reply was not posted', { outcome: out.kind });
  }
}

function placeOf(msg: SlackMessageEvent): Place {
  return { channel: msg.channel, thread_ts: msg.thread_ts ?? msg.ts };
}
