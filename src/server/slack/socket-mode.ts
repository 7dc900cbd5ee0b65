/**
 * Socket Mode for connections with an app-level token (`xapp-…`), through Slack's official
 * `@slack/socket-mode` client: exactly one socket per connection across every server (a lease row
 * in the database, renewed every third of its life, taken over once it expires — a holder that died
 * stops renewing), the client's own reconnect on `disconnect` / `refresh_requested` / a missed ping,
 * and every envelope handed to the dispatcher (the same handlers as the HTTP routes), acked with
 * what the handler returns; an envelope whose handler throws is not acked, so Slack sends it again.
 */
import { hostname } from 'node:os';
import type { SocketModeClient } from '@slack/socket-mode';
import type { ConnectionRecord } from '../../slack/connections/model.js';
import type { OpenedConnections } from '../../slack/connections/open.js';
import type { SocketLeaseStore, SocketState } from '../store/socket-lease-store.js';
import { SOCKET_ENVELOPE_TYPES, type SocketEnvelopeType, type SocketModeDispatcher } from './socket-dispatcher.js';

export interface SocketModeOptions {
  leases: SocketLeaseStore;
  connections: () => Promise<OpenedConnections>;
  dispatcher: SocketModeDispatcher;
  /** This process's lease owner id. */
  owner: string;
  /** Lease life (default 15 s); renewed every third of it, and connections are looked at as often. */
  leaseMs?: number;
  log: (level: 'info' | 'warn' | 'error', msg: string, data?: Record<string, unknown>) => void;
}

interface Held {
  record: ConnectionRecord;
  client: SocketModeClient;
  state: SocketState;
}

export class SocketModeManager {
  private readonly held = new Map<string, Held>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private closed = false;
  private readonly leaseMs: number;

  constructor(private readonly o: SocketModeOptions) {
    this.leaseMs = o.leaseMs ?? 15_000;
  }

  start(): void {
    const tick = () => {
      if (this.ticking || this.closed) return;
      this.ticking = this.tick()
        .catch((err: unknown) => this.o.log('warn', 'socket mode: lease round failed', { err }))
        .finally(() => {
          this.ticking = undefined;
        });
    };
    tick();
    this.timer = setInterval(tick, Math.max(200, Math.floor(this.leaseMs / 3)));
    this.timer.unref();
  }

  /** Connections whose socket this process holds, and their state. */
  local(): Array<{ connection: string } & SocketState> {
    return [...this.held.entries()].map(([connection, h]) => ({ connection, ...h.state }));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
    for (const name of [...this.held.keys()]) await this.drop(name, true);
  }

  /** One round: renew what is held (dropping what was lost), take what is free. */
  async tick(): Promise<void> {
    const { service } = await this.o.connections();
    const withToken = (await service.store.list()).filter((r) => r.sealed.appToken);
    const names = new Set(withToken.map((r) => r.name));
    for (const [name, h] of this.held) {
      const ok = names.has(name) && (await this.o.leases.renew(name, this.o.owner, this.leaseMs, h.state));
      if (!ok) await this.drop(name, names.has(name) === false);
    }
    for (const record of withToken) {
      if (this.closed || this.held.has(record.name)) continue;
      if (!(await this.o.leases.acquire(record.name, this.o.owner, hostname(), this.leaseMs))) continue;
      await this.open(record, service.openSecrets(record).appToken ?? '');
    }
  }

  private async open(record: ConnectionRecord, appToken: string): Promise<void> {
    const { SocketModeClient, LogLevel } = await import('@slack/socket-mode');
    const { resolver } = await this.o.connections();
    const conn = await resolver.resolve(record.name);
    const client = new SocketModeClient({
      appToken,
      logger: sdkLogger(this.o.log, record.name, LogLevel.WARN),
      clientOptions: { slackApiUrl: conn.apiUrl },
    });
    const h: Held = {
      record,
      client,
      state: { connected: false, connectedSince: null, lastEventAt: null, reconnects: 0 },
    };
    client.on('connected', () => {
      h.state.connected = true;
      h.state.connectedSince = new Date().toISOString();
    });
    client.on('reconnecting', () => {
      h.state.connected = false;
      h.state.reconnects++;
    });
    client.on('disconnected', () => {
      h.state.connected = false;
    });
    client.on('slack_event', (e: SlackEvent) => {
      h.state.lastEventAt = new Date().toISOString();
      void this.handle(h, e);
    });
    this.held.set(record.name, h);
    try {
      await client.start();
      this.o.log('info', 'socket mode: connected', { connection: record.name });
    } catch (err) {
      this.o.log('warn', 'socket mode: could not connect; the next round tries again', {
        connection: record.name,
        error: (err as Error).message,
      });
      await this.drop(record.name, true);
    }
  }

  private async handle(h: Held, e: SlackEvent): Promise<void> {
    if (!(SOCKET_ENVELOPE_TYPES as readonly string[]).includes(e.type)) return void (await e.ack());
    try {
      const out = await this.o.dispatcher.dispatch(h.record, {
        envelope_id: e.envelope_id,
        type: e.type as SocketEnvelopeType,
        payload: e.body,
        ...(e.accepts_response_payload !== undefined ? { accepts_response_payload: e.accepts_response_payload } : {}),
        ...(e.retry_num !== undefined ? { retry_attempt: e.retry_num } : {}),
        ...(e.retry_reason !== undefined ? { retry_reason: e.retry_reason } : {}),
      });
      await e.ack(out.ack);
    } catch (err) {
      // Not acked: Slack delivers it again (and the event id dedupes it).
      this.o.log('error', 'socket mode: an envelope failed; left for Slack to send again', { err, type: e.type });
    }
  }

  private async drop(name: string, release: boolean): Promise<void> {
    const h = this.held.get(name);
    this.held.delete(name);
    await h?.client.disconnect().catch(() => undefined);
    if (release) await this.o.leases.release(name, this.o.owner).catch(() => undefined);
  }
}

interface SlackEvent {
  ack: (response?: unknown) => Promise<void>;
  envelope_id: string;
  type: string;
  body: Record<string, unknown>;
  retry_num?: number;
  retry_reason?: string;
  accepts_response_payload?: boolean;
}

type SdkLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * The SDK's logger, sent into the server's own (JSON) log instead of the SDK's console lines:
 * warnings and errors only, tagged with the connection, each message joined into one string.
 */
function sdkLogger(log: SocketModeOptions['log'], connection: string, level: SdkLevel) {
  let current: SdkLevel = level;
  const order: SdkLevel[] = ['debug', 'info', 'warn', 'error'];
  const emit = (at: SdkLevel, parts: unknown[]) => {
    if (order.indexOf(at) < order.indexOf(current) || at === 'debug' || at === 'info') return;
    const msg = parts.map((p) => (p instanceof Error ? p.message : String(p))).join(' ');
    log(at, `socket mode (Slack SDK): ${msg}`, { connection });
  };
  return {
    debug: (...m: unknown[]) => emit('debug', m),
    info: (...m: unknown[]) => emit('info', m),
    warn: (...m: unknown[]) => emit('warn', m),
    error: (...m: unknown[]) => emit('error', m),
    setLevel: (l: string) => {
      if ((order as string[]).includes(l)) current = l as SdkLevel;
    },
    getLevel: () => current as never,
    setName: () => {},
  };
}
