/**
 * Socket Mode envelopes by type: a Socket Mode client (one per connection with an app-level token)
 * hands every envelope to `dispatch`, which calls the handler registered for its type
 * (`events_api`, `interactive`, `slash_commands`) and returns what to acknowledge it with. Handlers
 * get the same payloads the HTTP routes get (an `event_callback`, an interactivity payload, slash
 * command fields), so one function can serve both transports.
 */
import type { ConnectionRecord } from '../../slack/connections/model.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Where Socket Mode envelopes go, by type: register handlers with `app.slackSocket.on(type, fn)`. */
    slackSocket: SocketModeDispatcher;
  }
}

export const SOCKET_ENVELOPE_TYPES = ['events_api', 'interactive', 'slash_commands'] as const;
export type SocketEnvelopeType = (typeof SOCKET_ENVELOPE_TYPES)[number];

/** What a Socket Mode client received (the `@slack/socket-mode` event's fields). */
export interface SocketEnvelope {
  envelope_id: string;
  type: SocketEnvelopeType;
  payload: Record<string, unknown>;
  /** Slack may take a response payload in the ack (slash commands, some interactions). */
  accepts_response_payload?: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface SocketHandlerInput {
  connection: ConnectionRecord;
  envelope: SocketEnvelope;
  payload: Record<string, unknown>;
}

/** Returns the ack's response payload, or undefined for a plain ack. */
export type SocketHandler = (input: SocketHandlerInput) => Promise<unknown>;

export class SocketModeDispatcher {
  private readonly handlers = new Map<SocketEnvelopeType, SocketHandler>();

  /** Register the handler of one envelope type (one each; a second registration is a bug). */
  on(type: SocketEnvelopeType, handler: SocketHandler): void {
    if (this.handlers.has(type)) throw new Error(`a Socket Mode handler for ${type} is already registered`);
    this.handlers.set(type, handler);
  }

  has(type: string): boolean {
    return this.handlers.has(type as SocketEnvelopeType);
  }

  /** Call the type's handler; `handled: false` when none is registered (the envelope is acked anyway). */
  async dispatch(connection: ConnectionRecord, envelope: SocketEnvelope): Promise<{ handled: boolean; ack?: unknown }> {
    const handler = this.handlers.get(envelope.type);
    if (!handler) return { handled: false };
    const ack = await handler({ connection, envelope, payload: envelope.payload });
    return ack === undefined ? { handled: true } : { handled: true, ack };
  }
}
