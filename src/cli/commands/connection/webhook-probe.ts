/**
 * Check an incoming webhook without posting: Slack answers an empty payload with HTTP 400
 * `no_text` (or `invalid_payload`) when the URL is alive, and 403/404/410 (`invalid_token`,
 * `no_service`, `channel_not_found`…) when it was revoked.
 */
import { redactSecrets } from '../../../slack/secret-box.js';

export interface WebhookProbe {
  ok: boolean;
  detail: string;
  fix?: string;
}

export async function probeWebhook(url: string): Promise<WebhookProbe> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    return {
      ok: false,
      detail: `cannot reach the webhook's host: ${redactSecrets((err as Error).message)}`,
      fix: 'check the network and the webhook URL',
    };
  }
  const body = (await res.text()).trim().slice(0, 100);
  if (res.status === 400 && /no_text|invalid_payload|missing_text/.test(body))
    return { ok: true, detail: 'the webhook URL is live (nothing was posted)' };
  if (res.ok) return { ok: true, detail: `the webhook answered HTTP ${res.status}` };
  return {
    ok: false,
    detail: `the webhook answered HTTP ${res.status} ${redactSecrets(body)}`,
    fix: 'the webhook was probably removed or the app uninstalled: create a new one (Incoming Webhooks) and re-add the connection with --webhook-url',
  };
}
