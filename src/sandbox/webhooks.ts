/**
 * Incoming webhooks at `/services/T…/B…/<secret>`: POST a JSON message (`{text, blocks, attachments,
 * thread_ts}`; or a form field `payload`) → `ok` as text/plain 200, or Slack's documented plain-text
 * errors and status codes: invalid_payload 400, no_text 400, invalid_blocks 400, too_many_attachments 400,
 * no_team 400, no_service_id 400, no_service 404, invalid_token 403, channel_not_found 404,
 * channel_is_archived 410, rate_limited 429. Faults armed for the method `incoming-webhook` (optionally
 * for the hook's channel) apply here too, so a lost answer or a reset can be tested against a webhook.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { applyFault } from './api/dispatch.js';
import { lateCommitDelay, runsTheMethod } from './faults.js';
import { blocksProblem } from './api/blocks.js';
import { MAX_TEXT } from './api/methods/chat.js';
import { readBody, sendText } from './http-util.js';
import { DEFAULT_POST_MESSAGE, perSecondRule, retryAfterSeconds } from './rate-limit.js';
import type { Sandbox } from './server.js';
import type { Workspace } from './workspace.js';

/** A webhook outcome: the status and plain-text body Slack would answer. */
export interface WebhookAnswer {
  status: number;
  body: string;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Parse a webhook body: JSON, or a form with a `payload` JSON field (pure). */
export function parseWebhookBody(contentType: string, body: Buffer): Record<string, unknown> | undefined {
  let text = body.toString('utf8');
  if (contentType.startsWith('application/x-www-form-urlencoded'))
    text = new URLSearchParams(text).get('payload') ?? '';
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Find the hook of a `/services/…` path, or the error answer (pure over the workspace). */
export function locateHook(ws: Workspace, path: string): { hookId: string } | WebhookAnswer {
  const [team, service, secret] = path.slice('/services/'.length).split('/');
  if (!team || team !== ws.team.id) return { status: 400, body: 'no_team' };
  if (!service) return { status: 400, body: 'no_service_id' };
  const hook = ws.webhooks.get(service);
  if (!hook || hook.revoked) return { status: 404, body: 'no_service' };
  if (!secret || !safeEqual(secret, hook.secret)) return { status: 403, body: 'invalid_token' };
  return { hookId: hook.id };
}

/** The `method` of a fault that hits incoming webhooks instead of a Web API method. */
export const WEBHOOK_FAULT_METHOD = 'incoming-webhook';

export function attachWebhooks(sb: Sandbox): void {
  sb.route('POST', '/services/', async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const ws = sb.workspace;
    const body = await readBody(req);
    const located = locateHook(ws, url.pathname);
    if ('status' in located) return sendText(res, located.status, located.body);
    const hook = ws.webhooks.get(located.hookId)!;
    const hookChannel = ws.channels.get(hook.channel_id);
    const fault = sb.faults.take(
      WEBHOOK_FAULT_METHOD,
      hookChannel ? [hookChannel.id, hookChannel.name] : [hook.channel_id],
    );
    if (fault && !runsTheMethod(fault)) return applyFault(fault, req, res);
    await lateCommitDelay(fault);
    const payload = parseWebhookBody(String(req.headers['content-type'] ?? 'application/json'), body);
    if (!payload) return sendText(res, 400, 'invalid_payload');
    const text = typeof payload.text === 'string' ? payload.text : '';
    const blocks = payload.blocks;
    const attachments = payload.attachments;
    if (blocks !== undefined && blocksProblem(blocks)) return sendText(res, 400, 'invalid_blocks');
    if (attachments !== undefined && !Array.isArray(attachments)) return sendText(res, 400, 'invalid_payload');
    if (Array.isArray(attachments) && attachments.length > 100) return sendText(res, 400, 'too_many_attachments');
    const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
    const hasAttachments = Array.isArray(attachments) && attachments.length > 0;
    if (text === '' && !hasBlocks && !hasAttachments) return sendText(res, 400, 'no_text');
    if (text.length > MAX_TEXT) return sendText(res, 400, 'invalid_payload');
    const ch = ws.channels.get(hook.channel_id);
    if (!ch) return sendText(res, 404, 'channel_not_found');
    if (ch.is_archived) return sendText(res, 410, 'channel_is_archived');
    const threadTs = typeof payload.thread_ts === 'string' ? payload.thread_ts : undefined;
    const wait = sb.rateLimiter.take(
      `chat.postMessage:${ch.id}`,
      perSecondRule(sb.rateLimiter.config.postMessage ?? DEFAULT_POST_MESSAGE, sb.rateLimiter.config),
      ws.now(),
    );
    if (wait > 0)
      return sendText(res, 429, 'rate_limited', undefined, { 'retry-after': String(retryAfterSeconds(wait)) });
    ws.post(ch.id, {
      user: ws.app.bot_user_id,
      bot_id: ws.app.bot_id,
      app_id: ws.app.id,
      // Slack's message events and history show webhook posts as the legacy bot_message subtype.
      subtype: 'bot_message',
      text,
      ...(hasBlocks ? { blocks: blocks as unknown[] } : {}),
      ...(hasAttachments ? { attachments: attachments as unknown[] } : {}),
      ...(threadTs && ws.findMessage(ch.id, threadTs) ? { thread_ts: threadTs } : {}),
    });
    // lost_response: the message is stored, the answer never arrives.
    if (fault?.kind === 'lost_response') return void req.socket.destroy();
    if (req.socket.destroyed) return; // a late commit after the client gave up
    sendText(res, 200, 'ok');
  });
}
