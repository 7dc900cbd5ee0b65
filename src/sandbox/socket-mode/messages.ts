/**
 * Socket Mode frames the sandbox sends, shaped like `reference/slack/socket-mode/*.json`. Pure.
 */

/** Sent first on every new connection; the official client waits for it before it reports "connected". */
export function helloMessage(appId: string, numConnections: number, connectedForMs: number): object {
  return {
    type: 'hello',
    num_connections: numConnections,
    debug_info: { host: 'applink-sandbox', build_number: 1, approximate_connection_time: connectedForMs },
    connection_info: { app_id: appId },
  };
}

/**
 * Reasons Slack gives in `disconnect` frames: `warning` (a refresh is coming in ~10 s),
 * `refresh_requested` (reconnect now), `too_many_websockets`, `link_disabled` (Socket Mode turned off).
 */
export type DisconnectReason = 'warning' | 'refresh_requested' | 'too_many_websockets' | 'link_disabled';

/** Every reason the sandbox will send. */
export const DISCONNECT_REASONS: readonly DisconnectReason[] = [
  'warning',
  'refresh_requested',
  'too_many_websockets',
  'link_disabled',
];

/** Asks the client to reconnect (or warns that it soon must). */
export function disconnectMessage(appId: string, reason: DisconnectReason, numConnections: number): object {
  return {
    type: 'disconnect',
    reason,
    num_connections: numConnections,
    debug_info: { host: 'applink-sandbox' },
    connection_info: { app_id: appId },
  };
}

/**
 * The kinds of envelope Slack sends over Socket Mode: events, interactivity (button clicks and other
 * block_actions) and slash commands.
 */
export type EnvelopeType = 'events_api' | 'interactive' | 'slash_commands';

/** An envelope around a payload (an event_callback, a block_actions payload, a slash command). */
export interface EventsApiEnvelope {
  envelope_id: string;
  payload: unknown;
  type: EnvelopeType;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

/**
 * An `interactive` or `slash_commands` envelope. Slash commands accept a response payload in the
 * ack (the message to show); block_actions do not. Neither is redelivered by Slack.
 */
export function interactionEnvelope(envelopeId: string, payload: unknown, type: 'interactive' | 'slash_commands') {
  return {
    envelope_id: envelopeId,
    payload,
    type,
    accepts_response_payload: type === 'slash_commands',
  } satisfies EventsApiEnvelope;
}

/** Builds an envelope; `retryAttempt` 0 with an empty reason on first delivery, as in the fixtures. */
export function eventsApiEnvelope(
  envelopeId: string,
  payload: unknown,
  retryAttempt: number,
  retryReason: string,
): EventsApiEnvelope {
  return {
    envelope_id: envelopeId,
    payload,
    type: 'events_api',
    accepts_response_payload: false,
    retry_attempt: retryAttempt,
    retry_reason: retryReason,
  };
}

/**
 * Reads the envelope id out of a client frame (`{ envelope_id, payload? }`), or undefined when the
 * frame is not an acknowledgement. Never throws: a bad frame from a client must not break the link.
 */
export function ackedEnvelopeId(frame: string): string | undefined {
  return readAck(frame)?.envelopeId;
}

/** An acknowledgement frame: the envelope id and the optional response payload. Never throws. */
export function readAck(frame: string): { envelopeId: string; payload?: unknown } | undefined {
  try {
    const parsed: unknown = JSON.parse(frame);
    if (
      parsed !== null &&
      typeof parsed === 'object' &&
      typeof (parsed as { envelope_id?: unknown }).envelope_id === 'string'
    ) {
      const p = parsed as { envelope_id: string; payload?: unknown };
      return { envelopeId: p.envelope_id, ...(p.payload !== undefined ? { payload: p.payload } : {}) };
    }
  } catch {
    // not JSON: ignore, like Slack
  }
  return undefined;
}
