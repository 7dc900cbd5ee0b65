/**
 * The sandbox app's event subscriptions: where events go (Request URL over HTTP, or a connected
 * Socket Mode client), which event types the app subscribes to, the `url_verification` handshake,
 * and the glue from workspace changes to deliveries.
 */
import { randomInt } from 'node:crypto';
import { messageJson } from '../api/shape.js';
import { nextTs } from '../ids.js';
import type { Workspace } from '../workspace.js';
import type { MessageEvent, SandboxChannel, SandboxMessage } from '../workspace-types.js';
import {
  DEFAULT_SUBSCRIPTIONS,
  SUPPORTED_SUBSCRIPTIONS,
  eventsForChange,
  urlVerificationBody,
  wrapEvent,
  type AppIdentity,
  type ConversationView,
  type MessageView,
  type WorkspaceChange,
} from './event-callback.js';
import { HttpEventDeliverer, type DeliveryRecord } from './http-delivery.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
import { signedHeaders } from './signature.js';

/** Where and what the app subscribes to. */
export interface EventSubscriptionConfig {
  /** The Request URL events are POSTed to; undefined: none set. */
  request_url?: string;
  /** Socket Mode enabled: when a client is connected, events go over it instead of HTTP (default true). */
  socket_mode?: boolean;
  /** Subscribed event types (default: the message.* family and app_mention). */
  events?: string[];
}

/** The Socket Mode side as this service needs it (implemented by `socket-mode/link-server.ts`). */
export interface SocketTransport {
  readonly connected: boolean;
  send(payload: unknown): string;
  /** A click or a slash command, sent once; resolves with the ack's payload, or undefined without an ack. */
  sendInteraction(type: 'interactive' | 'slash_commands', payload: unknown): Promise<unknown>;
  /** Socket Mode was switched off: tell connected clients (`disconnect`, reason `link_disabled`). */
  disable(): void;
}

/** Options of the service. */
export interface AppEventsOptions {
  workspace: Workspace;
  config?: EventSubscriptionConfig;
  policy?: Partial<RetryPolicy>;
  /** Looked up on each event, so Socket Mode can be plugged in after this service starts. */
  socket?: () => SocketTransport | undefined;
}

/** How one event left the sandbox, for the admin API and tests. */
export interface DispatchRecord {
  event_id: string;
  event_type: string;
  channel: string;
  /** `http`, `socket_mode`, or `none` when nothing listens. */
  via: 'http' | 'socket_mode' | 'none';
  /** For HTTP: the delivery's attempts and state (updated as retries happen). */
  http?: DeliveryRecord;
}

/** A failed handshake or bad configuration; `error` is a stable code. */
export class EventConfigError extends Error {
  constructor(
    readonly error: string,
    message: string,
  ) {
    super(message);
    this.name = 'EventConfigError';
  }
}

/** Slack's event ids: `Ev` then upper-case letters and digits. */
export function newEventId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let id = 'Ev';
  for (let i = 0; i < 10; i++) id += alphabet[randomInt(alphabet.length)];
  return id;
}

/** Follows a workspace and delivers the app's events. `start()` subscribes, `close()` stops everything. */
export class AppEvents {
  private config: Required<Pick<EventSubscriptionConfig, 'socket_mode' | 'events'>> & { request_url?: string };
  private readonly policy: RetryPolicy;
  private readonly deliverer: HttpEventDeliverer;
  private readonly log: DispatchRecord[] = [];
  private readonly listeners: Array<[string, (e: MessageEvent) => void]> = [];
  /** Slack's deprecated per-app verification token, still sent in every payload; fixed per sandbox. */
  readonly verificationToken: string;

  constructor(private readonly opts: AppEventsOptions) {
    this.config = { socket_mode: true, events: [...DEFAULT_SUBSCRIPTIONS] };
    this.verificationToken = randomChallenge().slice(0, 24);
    this.applyConfig(opts.config ?? {});
    this.policy = { ...DEFAULT_RETRY_POLICY, ...opts.policy };
    this.deliverer = new HttpEventDeliverer({
      signingSecret: opts.workspace.app.signing_secret,
      policy: this.policy,
      now: () => opts.workspace.now(),
    });
  }

  /** Starts following the workspace. */
  start(): void {
    const ws = this.opts.workspace;
    const on = (name: string, fn: (e: MessageEvent) => void): void => {
      ws.on(name, fn);
      this.listeners.push([name, fn]);
    };
    // Messages travel as the Web API shows them (bot posts with bot_id, app_id and bot_profile;
    // thread replies with parent_user_id), copied so later edits do not change an event on its way.
    const shaped = (channelId: string, m: SandboxMessage): MessageView =>
      structuredClone(messageJson(ws, channelId, m, { includeMetadata: true })) as MessageView;
    on('message', (e) => {
      this.onChange({ kind: 'posted', conversation: this.view(e.channel), message: shaped(e.channel.id, e.message) });
    });
    on('message_changed', (e) =>
      this.onChange({
        kind: 'changed',
        conversation: this.view(e.channel),
        message: shaped(e.channel.id, e.message),
        previous: shaped(e.channel.id, e.previous ?? e.message),
        eventTs: e.message.edited?.ts ?? e.message.ts,
      }),
    );
    on('message_deleted', (e) =>
      this.onChange({
        kind: 'deleted',
        conversation: this.view(e.channel),
        previous: shaped(e.channel.id, e.previous ?? e.message),
        eventTs: nextTs(undefined, ws.now()),
      }),
    );
  }

  /** The current configuration (no secrets in it). */
  current(): EventSubscriptionConfig {
    return { ...this.config, events: [...this.config.events] };
  }

  /**
   * Changes the subscription. A new Request URL is verified first, as Slack does when you enter one:
   * it must answer the signed `url_verification` with the challenge, or the URL is not saved.
   */
  async configure(next: EventSubscriptionConfig & { skip_verification?: boolean }): Promise<EventSubscriptionConfig> {
    if (next.request_url !== undefined && next.request_url !== '' && next.skip_verification !== true) {
      await this.verifyUrl(next.request_url);
    }
    const wasOn = this.config.socket_mode;
    this.applyConfig(next);
    if (wasOn && !this.config.socket_mode) this.opts.socket?.()?.disable();
    return this.current();
  }

  private applyConfig(next: EventSubscriptionConfig): void {
    if (next.request_url !== undefined) {
      if (next.request_url === '') delete this.config.request_url;
      else this.config.request_url = checkUrl(next.request_url);
    }
    if (next.socket_mode !== undefined) this.config.socket_mode = next.socket_mode;
    if (next.events !== undefined) {
      const unknown = next.events.filter((e) => !SUPPORTED_SUBSCRIPTIONS.includes(e));
      if (unknown.length > 0) {
        throw new EventConfigError(
          'invalid_event_type',
          `unsupported event type(s): ${unknown.join(', ')}; supported: ${SUPPORTED_SUBSCRIPTIONS.join(', ')}`,
        );
      }
      this.config.events = [...new Set(next.events)];
    }
  }

  /** Slack's handshake: POST a signed challenge; the endpoint must echo it (plain, JSON or form). */
  private async verifyUrl(url: string): Promise<void> {
    checkUrl(url);
    const challenge = randomChallenge();
    const body = JSON.stringify(urlVerificationBody(this.verificationToken, challenge));
    let text: string;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...signedHeaders(this.opts.workspace.app.signing_secret, this.opts.workspace.now(), body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.policy.ackTimeoutMs),
      });
      text = await res.text();
      if (res.status < 200 || res.status >= 300) {
        throw new EventConfigError(
          'url_verification_failed',
          `Your URL answered HTTP ${res.status} to the url_verification request.`,
        );
      }
    } catch (err) {
      if (err instanceof EventConfigError) throw err;
      throw new EventConfigError(
        'url_verification_failed',
        `Your URL didn't respond: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    if (echoedChallenge(text) !== challenge) {
      throw new EventConfigError(
        'url_verification_failed',
        "Your URL didn't respond with the value of the challenge parameter.",
      );
    }
  }

  private view(channel: SandboxChannel): ConversationView {
    return {
      id: channel.id,
      type: channel.type,
      botIsMember: channel.members.has(this.opts.workspace.app.bot_user_id),
    };
  }

  private identity(): AppIdentity {
    const ws = this.opts.workspace;
    return {
      teamId: ws.team.id,
      appId: ws.app.id,
      botUserId: ws.app.bot_user_id,
      verificationToken: this.verificationToken,
    };
  }

  private onChange(change: WorkspaceChange): void {
    const app = this.identity();
    for (const event of eventsForChange(change, app, this.config.events)) {
      const callback = wrapEvent(event, app, newEventId(), this.opts.workspace.now());
      const record: DispatchRecord = {
        event_id: callback.event_id,
        event_type: event.type,
        channel: change.conversation.id,
        via: 'none',
      };
      const socket = this.config.socket_mode ? this.opts.socket?.() : undefined;
      if (socket?.connected) {
        record.via = 'socket_mode';
        socket.send(callback);
      } else if (this.config.request_url !== undefined) {
        record.via = 'http';
        void this.deliverer.deliver(this.config.request_url, callback.event_id, JSON.stringify(callback)).then((r) => {
          record.http = r;
        });
      }
      this.remember(record);
    }
  }

  private remember(record: DispatchRecord): void {
    this.log.push(record);
    // A long-running demo sandbox must not grow without bound.
    if (this.log.length > 500) this.log.splice(0, this.log.length - 500);
  }

  /** The most recent dispatches, oldest first. */
  dispatches(): DispatchRecord[] {
    return [...this.log];
  }

  /** Stops following the workspace and abandons pending retries. */
  close(): void {
    for (const [name, fn] of this.listeners) this.opts.workspace.off(name, fn);
    this.listeners.length = 0;
    this.deliverer.close();
  }
}

function checkUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new EventConfigError('invalid_request_url', `request_url ${JSON.stringify(url)} is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new EventConfigError(
      'invalid_request_url',
      `request_url must be http:// or https://, got ${parsed.protocol}`,
    );
  }
  return parsed.toString();
}

function randomChallenge(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < 48; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** Slack accepts the challenge echoed as plain text, as JSON `{challenge}`, or as a form field. */
export function echoedChallenge(body: string): string {
  const trimmed = body.trim();
  if (trimmed.startsWith('{')) {
    try {
      const parsed = JSON.parse(trimmed) as { challenge?: unknown };
      return typeof parsed.challenge === 'string' ? parsed.challenge : '';
    } catch {
      return '';
    }
  }
  if (trimmed.startsWith('challenge=')) return new URLSearchParams(trimmed).get('challenge') ?? '';
  return trimmed;
}
