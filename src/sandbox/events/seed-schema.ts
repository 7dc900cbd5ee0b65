/**
 * The `events` section of a workspace seed: the app's event subscription as if set up in Slack's
 * app settings before the sandbox started (a Request URL given here is not re-verified).
 */
import { Type, type Static } from '@sinclair/typebox';
import { SUPPORTED_SUBSCRIPTIONS } from './event-callback.js';

/** JSON Schema (TypeBox) of the seed's `events` section. */
export const EventsSeedSchema = Type.Object(
  {
    /** Where events are POSTed (http:// or https://). */
    request_url: Type.Optional(Type.String({ pattern: '^https?://' })),
    /** Deliver over a connected Socket Mode client instead of HTTP (default true). */
    socket_mode: Type.Optional(Type.Boolean()),
    /** Subscribed event types (default: message.channels, message.groups, message.im, message.mpim, app_mention). */
    subscriptions: Type.Optional(Type.Array(Type.Union(SUPPORTED_SUBSCRIPTIONS.map((e) => Type.Literal(e))))),
  },
  { additionalProperties: false },
);

/** A seed's `events` section. */
export type EventsSeed = Static<typeof EventsSeedSchema>;
