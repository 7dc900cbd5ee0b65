/**
 * Approvals harness: the sandbox (every extension, rate limits on) whose app sends its interactivity
 * to a real Runwire server (worker included) on a data dir holding the sandbox's connection with its
 * signing secret — SQLite, or a fresh PostgreSQL schema. Clicks go through the sandbox as a person's
 * would (`/sandbox/interactivity/click`: signed block_actions with a response_url).
 */
import { parseRunbook } from '../../../src/core/parse-runbook.js';
import { defaultExtensions } from '../../../src/sandbox/extensions.js';
import type { MessageEvent, SandboxMessage } from '../../../src/sandbox/workspace-types.js';
import { freshSchema, pgUrlWithSchema, startTestServer, type Backend, type TestServer } from '../../helpers/server.js';
import { SlackEnv, waitFor } from '../slack/harness.js';

export interface Ephemeral {
  channel: string;
  user: string;
  text: string;
}

export class ApprovalEnv {
  readonly ephemerals: Ephemeral[] = [];

  private constructor(
    readonly slack: SlackEnv,
    readonly server: TestServer,
    /** The CLI's global flags that reach the server's database (`--database-url` on PostgreSQL). */
    readonly dbArgs: string[],
  ) {
    slack.sandbox.workspace.on('ephemeral', (e: MessageEvent & { to: string }) => {
      this.ephemerals.push({ channel: e.channel.id, user: e.to, text: e.message.text });
    });
  }

  /** `socketMode`: the connection has the app-level token, the server holds a socket, no Request URLs. */
  static async start(backend: Backend = 'sqlite', o: { socketMode?: boolean } = {}): Promise<ApprovalEnv> {
    const slack = await SlackEnv.start({ extensions: defaultExtensions() }, false);
    const schema = freshSchema('runwire_appr');
    const dbArgs = backend === 'postgres' ? ['--database-url', pgUrlWithSchema(schema)] : [];
    const r = await slack.cli([
      ...dbArgs,
      'connection',
      'add',
      'default',
      '--token',
      slack.sandbox.credentials.bot_token,
      '--signing-secret',
      slack.sandbox.credentials.signing_secret,
      ...(o.socketMode ? ['--app-token', slack.sandbox.credentials.app_token] : []),
      '--slack-url',
      slack.sandbox.url,
    ]);
    if (r.code !== 0) throw new Error(`connection add failed: ${r.stdout}${r.stderr}`);
    const server = await startTestServer(backend, {
      dataDir: slack.dataDir,
      schema,
      ...(o.socketMode ? { socketMode: { leaseMs: 1500 } } : {}),
    });
    if (o.socketMode) {
      await waitFor(async () => {
        const st = (await slack.admin('GET', 'app')) as { socket_mode_connected?: boolean };
        return st.socket_mode_connected ? true : undefined;
      }, "the server's Socket Mode connection");
    } else {
      await slack.admin('POST', 'app/interactivity', {
        request_url: `${server.url}/slack/interactivity`,
        slash_commands: { '/runwire': `${server.url}/slack/commands` },
      });
    }
    return new ApprovalEnv(slack, server, dbArgs);
  }

  userId(name: string): string {
    const u = this.slack.sandbox.workspace.userRef(name);
    if (!u) throw new Error(`no sandbox user ${name}`);
    return u.id;
  }

  channelId(name: string): string {
    const c = [...this.slack.sandbox.workspace.channels.values()].find((x) => x.name === name);
    if (!c) throw new Error(`no sandbox channel ${name}`);
    return c.id;
  }

  /** Start a run of a runbook (YAML) through the server's run service; its worker drives it. */
  async start(yaml: string, mode: 'live' | 'rehearsal' = 'live'): Promise<string> {
    const parsed = parseRunbook(yaml, 'approval.yaml', this.server.types);
    if (!parsed.runbook) throw new Error(parsed.issues.map((i) => i.message).join('\n'));
    const made = await this.server.service.create(parsed.runbook, {
      mode,
      vars: parsed.runbook.vars,
      actor: 'test',
    });
    return made.run.id;
  }

  async task(runId: string, taskId: string) {
    const t = (await this.server.service.get(runId)).tasks.find((x) => x.taskId === taskId);
    if (!t) throw new Error(`no task ${taskId}`);
    return t;
  }

  async waitTask(runId: string, taskId: string, status: string, ms = 60_000) {
    return waitFor(
      async () => {
        const t = await this.task(runId, taskId);
        return t.status === status ? t : undefined;
      },
      `task ${taskId} ${status}`,
      ms,
    );
  }

  async waitRun(runId: string, status: string, ms = 60_000) {
    let last = '';
    return waitFor(
      async () => {
        const { run, tasks } = await this.server.service.get(runId);
        last = `${run.status}; ${tasks.map((t) => `${t.taskId} ${t.status}`).join(', ')}`;
        return run.status === status ? run : undefined;
      },
      `run ${runId} ${status}`,
      ms,
    ).catch((err: Error) => {
      throw new Error(`${err.message} (it is ${last})`);
    });
  }

  /** The approval message of a task once posted (by its metadata). */
  async request(runId: string, taskId: string, channel = 'releases'): Promise<SandboxMessage> {
    return waitFor(
      async () =>
        (await this.slack.messages(channel)).find(
          (m) =>
            m.metadata?.event_payload.run_id === runId &&
            m.metadata.event_payload.task_id === taskId &&
            (m.blocks ?? []).length > 0,
        ) as SandboxMessage | undefined,
      `the approval request of ${taskId}`,
    );
  }

  /** The message as the channel has it now. */
  async current(channel: string, ts: string): Promise<SandboxMessage> {
    const m = (await this.slack.messages(channel)).find((x) => x.ts === ts);
    if (!m) throw new Error(`no message ${ts} in ${channel}`);
    return m as SandboxMessage;
  }

  /** A person clicks a button of a message, through the sandbox (signed, with a response_url). */
  async click(user: string, channel: string, ts: string, action: 'runwire_approve' | 'runwire_reject') {
    return this.slack.admin('POST', 'interactivity/click', {
      user: this.userId(user),
      channel: this.channelId(channel),
      ts,
      action_id: action,
    });
  }

  /** A person types a slash command in a channel, through the sandbox (signed; its reply shown to them). */
  async command(user: string, channel: string, text: string) {
    return this.slack.admin('POST', 'interactivity/command', {
      user: this.userId(user),
      channel: this.channelId(channel),
      text,
    });
  }

  /** The ephemerals a person got since `from` (an index into `ephemerals`). */
  told(user: string, from: number): Ephemeral[] {
    return this.ephemerals.slice(from).filter((e) => e.user === this.userId(user));
  }

  /** Put a runbook in the server's library (as an admin would). */
  async library(id: string, yaml: string): Promise<void> {
    const { token } = await this.server.runtime.tokens.create('admin', `lib-${Math.random().toString(36).slice(2, 8)}`);
    const r = await this.server.call(`/api/runbooks/${id}`, {
      method: 'PUT',
      token,
      headers: { 'content-type': 'application/yaml' },
      body: yaml,
    });
    if (r.status >= 300) throw new Error(`library PUT ${r.status}: ${r.text}`);
  }

  async close(): Promise<void> {
    await this.server.approvals.idle();
    await this.server.close();
    await this.slack.close();
  }
}

export function hasButtons(m: { blocks?: unknown[] }): boolean {
  return (m.blocks ?? []).some((b) => (b as { type?: string }).type === 'actions');
}
