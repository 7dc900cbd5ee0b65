/**
 * The sandbox's Socket Mode endpoint: WebSocket connections on `/link/` of the sandbox's own HTTP
 * port (the `ws` package in `noServer` mode, fed from the server's `upgrade` event), one-time tickets
 * issued by `apps.connections.open`, `hello`, `events_api` envelopes with acks and redelivery, server
 * pings, and `disconnect` frames.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocketServer, WebSocket } from 'ws';
import {
  disconnectMessage,
  eventsApiEnvelope,
  helloMessage,
  interactionEnvelope,
  readAck,
  type DisconnectReason,
} from './messages.js';

/** Tunables; defaults follow Slack where it documents them. */
export interface SocketModeLinkOptions {
  /** The app whose events travel on this link. */
  appId: string;
  /** How long a client has to ack an envelope before it is sent again. */
  ackTimeoutMs?: number;
  /** Redeliveries of an un-acked envelope before it is dropped (Slack: 3). */
  maxRetries?: number;
  /** How often the server pings each connection (the official client expects a ping within 30 s). */
  pingIntervalMs?: number;
  /** How long a ticket from `apps.connections.open` stays valid. */
  ticketTtlMs?: number;
  /** Time between a `warning` and the `refresh_requested` that follows it. */
  warningLeadMs?: number;
  /** How long a client may take to close after a `disconnect` before the server closes it. */
  closeGraceMs?: number;
  /** Slack allows 10 concurrent connections per app. */
  maxConnections?: number;
  now?: () => number;
}

/** An envelope waiting for its ack. */
interface PendingEnvelope {
  id: string;
  payload: unknown;
  /** Deliveries so far minus one (the next `retry_attempt` is this + 1). */
  attempt: number;
  timer?: NodeJS.Timeout;
}

/** A point-in-time view for the admin API and tests. */
export interface LinkStatus {
  connections: number;
  /** Envelope ids sent and not yet acked. */
  pending: string[];
  /** How many envelopes were acked since start. */
  acked: number;
  /** How many envelopes were dropped after the last redelivery went unacked. */
  dropped: number;
}

/** Holds the live connections and the envelopes in flight. */
export class SocketModeLink {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Map<string, number>();
  private readonly sockets = new Map<WebSocket, { since: number; pinger: NodeJS.Timeout }>();
  private readonly pending = new Map<string, PendingEnvelope>();
  /** Interaction envelopes waiting for their ack (not redelivered). */
  private readonly interactions = new Map<string, (payload: unknown) => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Aborted by `close()`: ends a pending wait early. */
  private readonly closing = new AbortController();
  private nextSocket = 0;
  private acked = 0;
  private dropped = 0;
  private readonly o: Required<SocketModeLinkOptions>;

  constructor(opts: SocketModeLinkOptions) {
    this.o = {
      ackTimeoutMs: 3000,
      maxRetries: 3,
      pingIntervalMs: 10_000,
      ticketTtlMs: 60_000,
      warningLeadMs: 1000,
      closeGraceMs: 1000,
      maxConnections: 10,
      now: Date.now,
      ...opts,
    };
  }

  /** A one-time `ws://` URL on the given origin (`http://127.0.0.1:PORT`), as `apps.connections.open` returns. */
  issueUrl(httpOrigin: string): string {
    const ticket = randomBytes(16).toString('hex');
    this.tickets.set(ticket, this.o.now() + this.o.ticketTtlMs);
    const origin = httpOrigin.replace(/^http/, 'ws').replace(/\/+$/, '');
    return `${origin}/link/?ticket=${ticket}&app_id=${encodeURIComponent(this.o.appId)}`;
  }

  /**
   * Takes an HTTP upgrade if it is for `/link/`; returns false to let other handlers have it.
   * A missing, used or expired ticket is refused with 401 before any WebSocket is made.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    if (url.pathname !== '/link/' && url.pathname !== '/link') return false;
    const ticket = url.searchParams.get('ticket') ?? '';
    const expires = this.tickets.get(ticket);
    this.tickets.delete(ticket);
    if (expires === undefined || expires < this.o.now()) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    return true;
  }

  private accept(ws: WebSocket): void {
    if (this.sockets.size >= this.o.maxConnections) {
      ws.send(JSON.stringify(disconnectMessage(this.o.appId, 'too_many_websockets', this.sockets.size)));
      ws.close(1000);
      return;
    }
    const pinger = setInterval(() => {
      if (ws.readyState === WebSocket.OPEN) ws.ping();
    }, this.o.pingIntervalMs);
    this.sockets.set(ws, { since: this.o.now(), pinger });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const ack = readAck(data.toString());
      const id = ack?.envelopeId;
      if (id !== undefined) this.answerInteraction(id, ack?.payload);
      if (id !== undefined) this.ack(id);
    });
    ws.on('close', () => this.forget(ws));
    ws.on('error', () => this.forget(ws));
    ws.send(JSON.stringify(helloMessage(this.o.appId, this.sockets.size, 18_060)));
    // Envelopes that were waiting for a connection (or whose connection dropped) go out now.
    for (const env of this.pending.values()) if (env.timer === undefined) this.transmit(env);
  }

  private forget(ws: WebSocket): void {
    const entry = this.sockets.get(ws);
    if (entry === undefined) return;
    clearInterval(entry.pinger);
    this.sockets.delete(ws);
  }

  /** Whether at least one client is connected (events then travel here instead of HTTP). */
  get connected(): boolean {
    return this.sockets.size > 0;
  }

  /**
   * Sends an event_callback as an `events_api` envelope; it is redelivered until acked or retries
   * run out. Returns the envelope id.
   */
  send(payload: unknown): string {
    const env: PendingEnvelope = { id: randomUUID(), payload, attempt: 0 };
    this.pending.set(env.id, env);
    this.transmit(env);
    return env.id;
  }

  /**
   * Sends a button click (`interactive`) or a slash command (`slash_commands`) to one connected
   * client, once: Slack does not redeliver these, the person sees an error instead. Resolves with the
   * ack's response payload ({} when the ack had none), or undefined when no client acked in time.
   */
  sendInteraction(type: 'interactive' | 'slash_commands', payload: unknown): Promise<unknown> {
    const open = [...this.sockets.keys()].filter((s) => s.readyState === WebSocket.OPEN);
    const ws = open[this.nextSocket++ % Math.max(open.length, 1)];
    if (ws === undefined) return Promise.resolve(undefined);
    const id = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.interactions.delete(id);
        resolve(undefined);
      }, this.o.ackTimeoutMs);
      this.interactions.set(id, (answer) => {
        clearTimeout(timer);
        this.interactions.delete(id);
        resolve(answer ?? {});
      });
      ws.send(JSON.stringify(interactionEnvelope(id, payload, type)));
    });
  }

  private answerInteraction(envelopeId: string, payload: unknown): void {
    this.interactions.get(envelopeId)?.(payload);
  }

  private transmit(env: PendingEnvelope): void {
    const open = [...this.sockets.keys()].filter((s) => s.readyState === WebSocket.OPEN);
    // No connection: keep it; it goes out when a client connects.
    if (open.length === 0) return;
    const ws = open[this.nextSocket++ % open.length]!;
    ws.send(JSON.stringify(eventsApiEnvelope(env.id, env.payload, env.attempt, env.attempt === 0 ? '' : 'timeout')));
    env.timer = setTimeout(() => this.redeliver(env), this.o.ackTimeoutMs);
  }

  private redeliver(env: PendingEnvelope): void {
    env.timer = undefined;
    if (!this.pending.has(env.id)) return;
    if (env.attempt >= this.o.maxRetries) {
      this.pending.delete(env.id);
      this.dropped++;
      return;
    }
    env.attempt++;
    this.transmit(env);
  }

  private ack(envelopeId: string): void {
    const env = this.pending.get(envelopeId);
    if (env === undefined) return;
    clearTimeout(env.timer);
    this.pending.delete(envelopeId);
    this.acked++;
  }

  /**
   * Sends `disconnect` to every client. With `warning`, Slack's sequence is played: a `warning`, then
   * `refresh_requested` after `warningLeadMs`. The server closes sockets the client leaves open.
   * Resolves when the frames are sent (not when clients have reconnected).
   */
  async disconnectAll(reason: DisconnectReason): Promise<number> {
    const targets = [...this.sockets.keys()];
    const sendAll = (r: DisconnectReason): void => {
      for (const ws of targets) {
        if (ws.readyState === WebSocket.OPEN)
          ws.send(JSON.stringify(disconnectMessage(this.o.appId, r, this.sockets.size)));
      }
    };
    sendAll(reason);
    if (reason === 'warning') {
      const waited = await sleep(this.o.warningLeadMs, true, { signal: this.closing.signal }).catch(() => false);
      if (!waited) return targets.length; // closed meanwhile
      sendAll('refresh_requested');
    }
    this.later(this.o.closeGraceMs, () => {
      for (const ws of targets) if (ws.readyState === WebSocket.OPEN) ws.close(1001, 'refresh_requested');
    });
    // Un-acked envelopes of closing sockets wait for the next connection instead of a dead one.
    return targets.length;
  }

  /** A snapshot for the admin endpoint. */
  status(): LinkStatus {
    return {
      connections: this.sockets.size,
      pending: [...this.pending.keys()],
      acked: this.acked,
      dropped: this.dropped,
    };
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  /** Says goodbye to every client (`disconnect`, then close) and stops all timers. */
  close(): void {
    for (const ws of this.sockets.keys()) {
      if (ws.readyState === WebSocket.OPEN) {
        ws.send(JSON.stringify(disconnectMessage(this.o.appId, 'link_disabled', this.sockets.size)));
        ws.close(1001, 'sandbox shutting down');
      }
      // Give the close handshake a moment to carry the frame out, then make sure the socket is gone.
      setTimeout(() => ws.terminate(), 500).unref();
    }
    for (const { pinger } of this.sockets.values()) clearInterval(pinger);
    this.sockets.clear();
    for (const env of this.pending.values()) clearTimeout(env.timer);
    this.pending.clear();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.closing.abort();
    this.wss.close();
  }
}
