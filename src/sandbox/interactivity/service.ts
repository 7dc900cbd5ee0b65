/**
 * The sandbox app's interactivity: where clicks and slash commands go (the Interactivity Request
 * URL and each command's Request URL, or a connected Socket Mode client), how they are signed and
 * sent, and what the app's answers do (response URLs, a slash command's reply body).
 */
import { randomBytes } from 'node:crypto';
import { nextTs } from '../ids.js';
import type { Workspace } from '../workspace.js';
import type { SandboxMessage } from '../workspace-types.js';
import type { SocketTransport } from '../events/app-events.js';
import { signedHeaders } from '../events/signature.js';
import {
  blockActionsPayload,
  findElement,
  readResponse,
  slashCommandPayload,
  type InteractionContext,
  type ResponseAction,
} from './payloads.js';
import { ResponseUrls } from './response-urls.js';

/** Where interactions go. */
export interface InteractivityConfig {
  /** The Interactivity Request URL (block_actions are POSTed here). */
  request_url?: string;
  /** Slash commands: `/runwire` → its Request URL (over HTTP; any registered command works over Socket Mode). */
  slash_commands: Record<string, string>;
}

/** How one interaction left the sandbox, for the admin API and tests. */
export interface InteractionRecord {
  kind: 'block_actions' | 'slash_command';
  via: 'http' | 'socket_mode' | 'none';
  /** HTTP status, or `timeout` / `error` / `no_ack`. */
  outcome: string;
  at: number;
}

/** Why an interaction could not be sent; `error` is a stable code. */
export class InteractionError extends Error {
  constructor(
    readonly error: string,
    message: string,
  ) {
    super(message);
    this.name = 'InteractionError';
  }
}

/** Slack gives the app 3 seconds to acknowledge an interaction. */
const ACK_TIMEOUT_MS = 3000;

export interface InteractivityOptions {
  workspace: Workspace;
  /** The sandbox's base URL (response URLs are under it). */
  baseUrl: () => string;
  /** The verification token the events service puts in payloads. */
  verificationToken: () => string;
  socket: () => SocketTransport | undefined;
  socketModeEnabled: () => boolean;
}

export class Interactivity {
  private config: InteractivityConfig = { slash_commands: {} };
  private readonly log: InteractionRecord[] = [];
  readonly responses: ResponseUrls;

  constructor(private readonly o: InteractivityOptions) {
    this.responses = new ResponseUrls(() => o.workspace.now());
  }

  current(): InteractivityConfig {
    return { ...this.config, slash_commands: { ...this.config.slash_commands } };
  }

  configure(next: Partial<InteractivityConfig>): InteractivityConfig {
    if (next.request_url !== undefined) {
      if (next.request_url === '') delete this.config.request_url;
      else this.config.request_url = checkUrl(next.request_url);
    }
    if (next.slash_commands !== undefined) {
      const commands: Record<string, string> = {};
      for (const [name, url] of Object.entries(next.slash_commands)) {
        if (!/^\/[a-z0-9_-]+$/.test(name)) throw new InteractionError('invalid_command', `bad command name ${name}`);
        commands[name] = checkUrl(url);
      }
      this.config.slash_commands = commands;
    }
    return this.current();
  }

  records(): InteractionRecord[] {
    return [...this.log];
  }

  /** A person clicks a button of a message: the app gets a signed block_actions payload. */
  async click(input: { userId: string; channelId: string; ts: string; actionId: string; blockId?: string }) {
    const ws = this.o.workspace;
    const message = ws.findMessage(input.channelId, input.ts);
    if (!message) throw new InteractionError('message_not_found', `no message ${input.ts} in ${input.channelId}`);
    const clicked = findElement(message.blocks, input.actionId, input.blockId);
    if (!clicked) throw new InteractionError('action_not_found', `the message has no element ${input.actionId}`);
    const ctx = this.context(input.userId, input.channelId, input.ts);
    const payload = blockActionsPayload(ctx, messageView(message), clicked, nextTs(undefined, ws.now()));
    const socket = this.viaSocket();
    if (socket) {
      const ack = await socket.sendInteraction('interactive', payload);
      this.remember('block_actions', 'socket_mode', ack === undefined ? 'no_ack' : 'acked');
      return { via: 'socket_mode' as const, acked: ack !== undefined };
    }
    if (this.config.request_url === undefined) {
      this.remember('block_actions', 'none', 'no_request_url');
      throw new InteractionError(
        'no_request_url',
        'the app has no Interactivity Request URL and no Socket Mode client',
      );
    }
    const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const r = await this.post(this.config.request_url, body);
    this.remember('block_actions', 'http', r.outcome);
    return { via: 'http' as const, acked: r.outcome === '200' };
  }

  /** A person runs a slash command in a channel: the app gets it signed, and its reply is shown. */
  async command(input: { userId: string; channelId: string; command: string; text: string }) {
    const socket = this.viaSocket();
    const url = this.config.slash_commands[input.command];
    if (!socket && url === undefined) {
      throw new InteractionError('unknown_command', `${input.command} is not a command of this app`);
    }
    const ctx = this.context(input.userId, input.channelId);
    const payload = slashCommandPayload(ctx, input.command, input.text);
    let reply: unknown;
    let via: 'http' | 'socket_mode';
    if (socket) {
      via = 'socket_mode';
      const ack = await socket.sendInteraction('slash_commands', payload);
      this.remember('slash_command', via, ack === undefined ? 'no_ack' : 'acked');
      if (ack === undefined) return this.failed(input, 'dispatch_failed');
      reply = ack;
    } else {
      via = 'http';
      const r = await this.post(url!, new URLSearchParams(payload).toString());
      this.remember('slash_command', via, r.outcome);
      if (r.outcome !== '200') return this.failed(input, r.outcome === 'timeout' ? 'operation_timeout' : 'http_error');
      reply = parseReply(r.text);
    }
    // An empty ack shows nothing; a message body is shown as a response (ephemeral by default).
    if (reply !== undefined && !(typeof reply === 'object' && reply !== null && Object.keys(reply).length === 0)) {
      const action = readResponse(reply, false);
      if (!('error' in action)) this.apply(action, { channelId: input.channelId, userId: input.userId });
    }
    return { via, acked: true };
  }

  /** Applies an app's answer to a response URL. */
  respond(id: string, body: unknown): { ok: true } | { ok: false; error: string; status: number } {
    const target = this.responses.redeem(id);
    if ('error' in target) return { ok: false, error: target.error, status: target.error === 'not_found' ? 404 : 410 };
    const action = readResponse(body, target.messageTs !== undefined);
    if ('error' in action) return { ok: false, error: action.error, status: 400 };
    this.apply(action, target);
    return { ok: true };
  }

  private apply(action: ResponseAction, target: { channelId: string; userId: string; messageTs?: string }): void {
    const ws = this.o.workspace;
    const bot = ws.app.bot_user_id;
    const content = { text: action.kind === 'delete' ? '' : action.text };
    switch (action.kind) {
      case 'delete':
        ws.remove(target.channelId, target.messageTs!, bot);
        return;
      case 'replace':
        ws.update(target.channelId, target.messageTs!, { ...content, blocks: action.blocks ?? [] }, bot);
        return;
      case 'ephemeral':
        ws.ephemeral(target.channelId, target.userId, {
          user: bot,
          ...content,
          ...(action.blocks ? { blocks: action.blocks } : {}),
        });
        return;
      case 'in_channel':
        ws.post(target.channelId, {
          user: bot,
          bot_id: ws.app.bot_id,
          app_id: ws.app.id,
          ...content,
          ...(action.blocks ? { blocks: action.blocks } : {}),
          ...(action.thread_ts ? { thread_ts: action.thread_ts } : {}),
        });
        return;
    }
  }

  /** Slack tells the person the command failed, as an ephemeral message from Slackbot. */
  private failed(input: { userId: string; channelId: string; command: string }, error: string) {
    this.o.workspace.ephemeral(input.channelId, input.userId, {
      user: 'USLACKBOT',
      text: `${input.command} failed with the error "${error}"`,
    });
    return { via: 'none' as const, acked: false, error };
  }

  private viaSocket(): SocketTransport | undefined {
    const socket = this.o.socketModeEnabled() ? this.o.socket() : undefined;
    return socket?.connected ? socket : undefined;
  }

  private context(userId: string, channelId: string, messageTs?: string): InteractionContext {
    const ws = this.o.workspace;
    const user = ws.users.get(userId);
    if (!user || user.is_bot || user.deleted) throw new InteractionError('user_not_found', `no person ${userId}`);
    const channel = ws.channels.get(channelId);
    if (!channel) throw new InteractionError('channel_not_found', `no channel ${channelId}`);
    const id = this.responses.issue({ channelId, userId, ...(messageTs ? { messageTs } : {}) });
    return {
      team: { id: ws.team.id, domain: ws.team.domain },
      appId: ws.app.id,
      verificationToken: this.o.verificationToken(),
      user: { id: user.id, name: user.name },
      channel: { id: channel.id, name: channel.type === 'im' ? 'directmessage' : (channel.name ?? channel.id) },
      responseUrl: `${this.o.baseUrl().replace(/\/+$/, '')}/sandbox/response/${id}`,
      triggerId: `${Math.floor(ws.now() / 1000)}.${randomBytes(6).readUIntBE(0, 6)}.${randomBytes(16).toString('hex')}`,
    };
  }

  private async post(url: string, body: string): Promise<{ outcome: string; text: string }> {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          ...signedHeaders(this.o.workspace.app.signing_secret, this.o.workspace.now(), body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(ACK_TIMEOUT_MS),
      });
      return { outcome: String(res.status), text: await res.text() };
    } catch (err) {
      const timeout = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      return { outcome: timeout ? 'timeout' : 'error', text: '' };
    }
  }

  private remember(kind: InteractionRecord['kind'], via: InteractionRecord['via'], outcome: string): void {
    this.log.push({ kind, via, outcome, at: this.o.workspace.now() });
    if (this.log.length > 200) this.log.splice(0, this.log.length - 200);
  }
}

/** A slash command's HTTP reply: JSON is a message, other text is shown as the message text. */
function parseReply(text: string): unknown {
  const t = text.trim();
  if (t === '') return undefined;
  try {
    return JSON.parse(t);
  } catch {
    return { text: t };
  }
}

/** The message as a payload carries it (no metadata, as Slack sends it). */
function messageView(m: SandboxMessage): Record<string, unknown> & { ts: string } {
  const { metadata: _metadata, ...rest } = m;
  return { ...rest };
}

function checkUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InteractionError('invalid_url', `not a URL: ${url}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new InteractionError('invalid_url', 'need http(s)');
  return url;
}
