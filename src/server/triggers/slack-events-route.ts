/**
 * `POST /slack/events`: the one Events API Request URL for every connection and runbook (mounted on
 * `slackIngress`, so the request is verified with its connection's signing secret first), and the
 * `events_api` Socket Mode envelopes, which take the same path. `url_verification` is answered with
 * its challenge and `ssl_check` with an empty 200; an event callback is recorded durably, then
 * acknowledged at once, and decided after the response is sent.
 */
import type { Api } from '../app.js';
import { slackIngress } from '../slack/ingress.js';
import type { SlackTriggerRouter } from './slack-router.js';

export function slackEventsRoute(app: Api, router: SlackTriggerRouter): void {
  slackIngress(app, {
    path: '/slack/events',
    parse: 'json',
    summary: "Slack's Events API Request URL (signed by Slack; routed by api_app_id / team_id)",
    handle: async (r) => {
      const b = r.body;
      if (b.type === 'url_verification') return { challenge: String(b.challenge ?? '') };
      if (b.ssl_check !== undefined) return undefined;
      const entry = await router.receive(r.connection, b, 'http', { num: r.retryNum, reason: r.retryReason });
      if (entry) setImmediate(() => router.decideLater(entry));
      return undefined;
    },
  });
  app.slackSocket.on('events_api', async ({ connection, payload, envelope }) => {
    const entry = await router.receive(connection, payload, 'socket_mode', {
      num: envelope.retry_attempt ?? 0,
      reason: envelope.retry_reason,
    });
    if (entry) setImmediate(() => router.decideLater(entry));
    return undefined;
  });
}
