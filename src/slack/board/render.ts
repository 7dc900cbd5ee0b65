/**
 * Pure: a run's live board as Block Kit — the title, LIVE or REHEARSAL, the status, progress x of y,
 * the tasks running now, failures with their reasons, who approved or rejected what, and a link to
 * the run page. Long lists are cut (Slack allows 3000 characters per text object).
 */
import { escapeMrkdwn } from '../mrkdwn.js';

export interface BoardTask {
  id: string;
  name: string;
  status: string;
  reason?: string | null;
  error?: { message: string } | null;
}

export interface BoardInput {
  runId: string;
  runbook: string;
  mode: 'live' | 'rehearsal';
  status: string;
  tasks: BoardTask[];
  /** "approved by @alice in Slack" lines, by task id (from the event log). */
  decisions: Array<{ taskId: string; line: string }>;
  /** The run page, when the server's public URL is known. */
  runUrl?: string;
}

const STATUS_ICON: Record<string, string> = {
  queued: ':hourglass:',
  running: ':arrow_forward:',
  waiting: ':double_vertical_bar:',
  succeeded: ':white_check_mark:',
  failed: ':x:',
  cancelled: ':no_entry_sign:',
};

const MAX_LINES = 12;
const MAX_TEXT = 2900;

function list(lines: string[]): string {
  const shown = lines.slice(0, MAX_LINES);
  const more = lines.length - shown.length;
  const text = shown.join('\n') + (more > 0 ? `\n…and ${more} more` : '');
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

export function boardTitle(b: Pick<BoardInput, 'runbook' | 'mode' | 'status'>): string {
  return `${b.mode === 'rehearsal' ? 'REHEARSAL' : 'LIVE'} · ${b.runbook} — ${b.status}`;
}

export function renderBoard(b: BoardInput): { text: string; blocks: unknown[] } {
  const done = b.tasks.filter((t) => t.status === 'succeeded' || t.status === 'skipped').length;
  const total = b.tasks.length;
  const running = b.tasks.filter((t) => t.status === 'running');
  const waiting = b.tasks.filter((t) => t.status === 'waiting');
  const failed = b.tasks.filter((t) => t.status === 'failed');
  const title = boardTitle(b);
  const head = `${STATUS_ICON[b.status] ?? ''} *${b.mode === 'rehearsal' ? 'REHEARSAL' : 'LIVE'}* · *${escapeMrkdwn(b.runbook)}* — ${b.status} · ${done} of ${total} done`;
  const fields: string[] = [head];
  if (running.length) fields.push(`*Running now*\n${list(running.map((t) => `• ${escapeMrkdwn(t.name)}`))}`);
  if (waiting.length) fields.push(`*Waiting for a person*\n${list(waiting.map((t) => `• ${escapeMrkdwn(t.name)}`))}`);
  if (failed.length)
    fields.push(
      `*Failed*\n${list(failed.map((t) => `• ${escapeMrkdwn(t.name)}: ${escapeMrkdwn(t.error?.message ?? t.reason ?? 'failed')}`))}`,
    );
  if (b.decisions.length) {
    const names = new Map(b.tasks.map((t) => [t.id, t.name]));
    fields.push(
      `*Decisions*\n${list(b.decisions.map((d) => `• ${escapeMrkdwn(names.get(d.taskId) ?? d.taskId)}: ${escapeMrkdwn(d.line)}`))}`,
    );
  }
  const blocks: unknown[] = fields.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } }));
  const context = `Run ${escapeMrkdwn(b.runId)}${b.runUrl ? ` · <${b.runUrl}|Open the run>` : ''}`;
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context }] });
  return { text: `${title} · ${done} of ${total} done`, blocks };
}
