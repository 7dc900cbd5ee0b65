/**
 * The `/runwire` slash command, after the ingress verified the request: who the person is for
 * Runwire (the Slack users → roles mapping), what they asked (`src/slack/commands/parse.ts`), and the
 * answer — always an ephemeral message in the command's reply (Slack's 3 s), then, for `run`, the run
 * itself in the channel: its live board message, and the outcome replied in that message's thread.
 *
 * `run` needs operator, `approve`/`reject` operator, `status` viewer, `help` nothing. Errors read as the CLI's
 * (unknown runbook, a bad or unknown var), with their fix.
 */
import { toRunwireError } from '../../core/errors.js';
import { actorLabel, decisionVerb, slackActor } from '../../engine/actors.js';
import { AlreadyDecided, type RunService } from '../../engine/run-service.js';
import { parseVarFlags } from '../../cli/load-runbook.js';
import { allows, type Role } from '../auth/tokens.js';
import type { LibraryStore } from '../store/library-store.js';
import type { Store } from '../../store/store.js';
import type { ConnectionResolver } from '../../slack/connections/types.js';
import type { DeliveryService } from '../../slack/delivery/service.js';
import type { BoardStore } from '../../slack/board/store.js';
import { renderBoard } from '../../slack/board/render.js';
import { closeRequest } from '../../slack/approvals/close.js';
import { readApprovalState } from '../../slack/approvals/state.js';
import { parseSlashCommand, SLASH_HELP } from '../../slack/commands/parse.js';
import type { SlackUserStore } from '../../slack/users/store.js';

export interface SlashCommandDeps {
  service: RunService;
  store: Store;
  library: LibraryStore;
  users: SlackUserStore;
  boards: BoardStore;
  connections: () => Promise<ConnectionResolver>;
  delivery: () => Promise<DeliveryService>;
  log?: (line: string) => void;
}

/** Slack's reply body: ephemeral unless said otherwise. */
export interface SlashReply {
  response_type: 'ephemeral' | 'in_channel';
  text: string;
}

const say = (text: string): SlashReply => ({ response_type: 'ephemeral', text });

/** What each command needs; help (and a mistyped command, which shows it) needs no role. */
const NEED: Record<string, Role | undefined> = { status: 'viewer', run: 'operator', decide: 'operator' };

export class SlashCommands {
  constructor(private readonly d: SlashCommandDeps) {}

  /** Answer one command (its fields as Slack sends them) through the connection that verified it. */
  async handle(fields: Record<string, unknown>, connectionName: string): Promise<SlashReply> {
    const text = typeof fields.text === 'string' ? fields.text : '';
    const userId = typeof fields.user_id === 'string' ? fields.user_id : '';
    const handle = typeof fields.user_name === 'string' ? fields.user_name : userId;
    const channel = typeof fields.channel_id === 'string' ? fields.channel_id : '';
    const cmd = parseSlashCommand(text);
    try {
      const conn = await (await this.d.connections()).resolve(connectionName);
      const ws = (await this.d.delivery()).workspaceFor(conn, false);
      const role = await this.d.users.roleOf(ws, userId);
      const need = NEED[cmd.kind];
      if (need && (!role || !allows(role, need))) {
        return say(
          `You may not do that: \`/runwire ${cmd.kind === 'decide' ? cmd.decision : cmd.kind}\` needs the ${need} role, and you ${role ? `are ${role}` : 'have no Runwire role'}. An admin can give you one: \`runwire slack-users map @${handle} ${need}\`.`,
        );
      }
      switch (cmd.kind) {
        case 'help':
          return say(SLASH_HELP);
        case 'bad':
          return say(`${cmd.message}.\n\n${SLASH_HELP}`);
        case 'status':
          return say(await this.status(cmd.run));
        case 'decide':
          return say(await this.decide(cmd.decision, cmd.run, cmd.task, handle, ws));
        case 'run':
          return say(await this.run(cmd, handle, connectionName, channel));
      }
    } catch (err) {
      const e = toRunwireError(err);
      return say(`${e.message}${e.fix ? `\nFix: ${e.fix}` : ''}`);
    }
  }

  private async run(
    cmd: { runbook: string; rehearsal: boolean; vars: string[] },
    handle: string,
    connection: string,
    channel: string,
  ): Promise<string> {
    const overrides = parseVarFlags(cmd.vars);
    const v = (await this.d.library.get(cmd.runbook))?.latest;
    if (!v)
      return `No runbook "${cmd.runbook}" in the library.\nFix: See them with \`runwire runbooks list\` (or the web UI).`;
    const declared = Object.keys(v.runbook.vars);
    const unknown = Object.keys(overrides).filter((k) => !Object.hasOwn(v.runbook.vars, k));
    if (unknown.length)
      return `Runbook "${cmd.runbook}" version ${v.version} declares no var ${unknown.map((k) => `"${k}"`).join(', ')}.\nFix: ${declared.length ? `Its vars are: ${declared.join(', ')}.` : 'It declares no vars; add them under vars: in the runbook first.'}`;
    // The run reports where it was asked for: its board in this channel, the outcome in its thread.
    const runbook = { ...v.runbook, notify: { ...v.runbook.notify, slack: { connection, channel } } };
    const mode = cmd.rehearsal ? 'rehearsal' : 'live';
    const made = await this.d.service.create(runbook, {
      mode,
      vars: { ...v.runbook.vars, ...overrides },
      actor: slackActor(handle),
    });
    await this.d.boards.replyOnEnd(made.run.id);
    return `Started ${mode === 'rehearsal' ? 'a rehearsal' : 'a live run'} of "${v.runbook.name}": run ${made.run.id}. It reports in this channel; the outcome follows in its thread.`;
  }

  private async status(runId?: string): Promise<string> {
    if (!runId) {
      const runs = await this.d.store.listRuns(5);
      if (!runs.length) return 'No runs yet. Start one: `/runwire run <runbook> --rehearsal`.';
      return runs.map((r) => `• ${r.id} — ${r.runbook} (${r.mode}) ${r.status}`).join('\n');
    }
    const { run, tasks } = await this.d.service.get(runId);
    const view = renderBoard({
      runId,
      runbook: run.runbook,
      mode: run.mode,
      status: run.status,
      tasks: tasks.map((t) => ({ id: t.taskId, name: t.name, status: t.status, reason: t.reason, error: t.error })),
      decisions: [],
    });
    const lines = [view.text];
    for (const t of tasks.filter((x) => x.status === 'running' || x.status === 'waiting' || x.status === 'failed'))
      lines.push(`• ${t.name} (${t.taskId}): ${t.status}${t.error ? ` — ${t.error.message}` : ''}`);
    return lines.join('\n');
  }

  private async decide(
    decision: 'approve' | 'reject',
    runId: string,
    taskId: string,
    handle: string,
    ws: ReturnType<DeliveryService['workspaceFor']>,
  ): Promise<string> {
    const actor = slackActor(handle);
    try {
      await this.d.service.act(runId, taskId, decision === 'approve' ? 'complete' : 'fail', actor);
    } catch (err) {
      if (err instanceof AlreadyDecided)
        return `Already ${decisionVerb(err.decider.kind, err.decider.actor)} by ${actorLabel(err.decider.actor)}${err.decider.at ? ` at ${err.decider.at}` : ''}.`;
      throw err;
    }
    // A task asking in Slack: its request message shows the decision too (no buttons).
    const task = (await this.d.service.get(runId)).tasks.find((t) => t.taskId === taskId);
    const st = readApprovalState(task?.state);
    if (st?.message)
      await closeRequest(ws, st.message, {
        verb: decision === 'approve' ? 'Approved' : 'Rejected',
        by: actorLabel(actor),
        at: new Date().toISOString(),
      });
    return `${decision === 'approve' ? 'Approved' : 'Rejected'} "${task?.name ?? taskId}" of run ${runId}.`;
  }
}
