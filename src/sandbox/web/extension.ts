/**
 * The sandbox's live web page: `/` serves the page; `/sandbox/web/*` feeds it.
 *
 * - `GET  /sandbox/web/state` → `{ ok, team, app, users, channels }`
 * - `GET  /sandbox/web/messages?channel=C…` → `{ ok, messages, ephemerals }` (threads nested, oldest
 *   first; ephemerals with `to`, the person each is for)
 * - `GET  /sandbox/web/stream` → Server-Sent Events: `change` `{channel, kind, ts}` on every post,
 *   edit or delete; `channels` after a workspace reset
 * - `GET  /archives/C…/p…` (a permalink) → redirects to the page, scrolled to that message
 * - `POST /sandbox/web/post` `{ channel, user, text, thread_ts? }` → posts as that person through
 *   `workspace.postAsUser`, so it fires the app's events like a real user's message
 */
import type { ServerResponse } from 'node:http';
import { readBody, sendJson, sendText } from '../http-util.js';
import type { Sandbox, SandboxExtension } from '../server.js';
import type { MessageEvent } from '../workspace-types.js';
import { pageHtml } from './page-html.js';
import { blocksView } from './blocks-view.js';
import { channelItems, permalinkTarget, threadedMessages } from './view-model.js';

/** How often an idle stream gets a comment line, so proxies and browsers keep it open. */
const HEARTBEAT_MS = 15_000;

/** The web page extension. */
export function webExtension(): SandboxExtension {
  return (sb: Sandbox) => {
    const ws = sb.workspace;
    const streams = new Set<ServerResponse>();
    const html = pageHtml();

    const broadcast = (event: string, data: unknown): void => {
      const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
      for (const res of streams) res.write(frame);
    };
    const onChange =
      (kind: string) =>
      (e: MessageEvent): void =>
        broadcast('change', { channel: e.channel.id, kind, ts: e.message.ts });
    // Ephemeral messages are never stored by Slack; the page keeps the last few per channel to show
    // each to the person it was for.
    const ephemerals = new Map<string, Array<Record<string, unknown>>>();
    const onEphemeral = (e: MessageEvent & { to: string }): void => {
      const list = ephemerals.get(e.channel.id) ?? [];
      list.push({ ...e.message, to: e.to, view_blocks: blocksView(e.message.blocks) });
      if (list.length > 50) list.splice(0, list.length - 50);
      ephemerals.set(e.channel.id, list);
      broadcast('change', { channel: e.channel.id, kind: 'ephemeral', ts: e.message.ts });
    };
    const listeners: Array<[string, Parameters<typeof ws.on>[1]]> = [
      ['ephemeral', onEphemeral as Parameters<typeof ws.on>[1]],
      ['message', onChange('message')],
      ['message_changed', onChange('message_changed')],
      ['message_deleted', onChange('message_deleted')],
      ['reset', () => broadcast('channels', {})],
    ];
    for (const [name, fn] of listeners) ws.on(name, fn);
    const heartbeat = setInterval(() => {
      for (const res of streams) res.write(': keep-alive\n\n');
    }, HEARTBEAT_MS);
    heartbeat.unref();

    sb.route('GET', '/', (_req, res, url) => {
      if (url.pathname !== '/' && url.pathname !== '/index.html') {
        return sendJson(res, 404, { ok: false, error: 'not_found', path: url.pathname });
      }
      sendText(res, 200, html, 'text/html; charset=utf-8', { 'cache-control': 'no-store' });
    });

    // Permalinks the sandbox hands out (chat.getPermalink) open the page at that message.
    sb.route('GET', '/archives/', (_req, res, url) => {
      const target = permalinkTarget(url.pathname);
      const to = target ? `/#${target.channel}/${target.ts}` : '/';
      res.writeHead(302, { location: to, 'cache-control': 'no-store' });
      res.end();
    });

    sb.route('GET', '/sandbox/web/state', (_req, res) => {
      sendJson(res, 200, {
        ok: true,
        team: ws.team,
        app: { id: ws.app.id, name: ws.app.name, bot_user_id: ws.app.bot_user_id },
        users: [...ws.users.values()].map((u) => ({
          id: u.id,
          name: u.name,
          real_name: u.real_name,
          is_bot: u.is_bot,
          deleted: u.deleted,
        })),
        channels: channelItems(ws.channels.values(), ws.users, ws.app.bot_user_id),
      });
    });

    sb.route('GET', '/sandbox/web/messages', (_req, res, url) => {
      const id = url.searchParams.get('channel') ?? '';
      if (!ws.channels.has(id)) return sendJson(res, 404, { ok: false, error: 'channel_not_found' });
      sendJson(res, 200, {
        ok: true,
        messages: threadedMessages(ws.allMessages(id)),
        ephemerals: ephemerals.get(id) ?? [],
      });
    });

    sb.route('GET', '/sandbox/web/stream', (req, res) => {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      // Tell the browser to reconnect quickly if the sandbox restarts.
      res.write('retry: 1000\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
    });

    sb.route('POST', '/sandbox/web/post', async (req, res) => {
      let body: { channel?: unknown; user?: unknown; text?: unknown; thread_ts?: unknown };
      try {
        body = JSON.parse((await readBody(req)).toString('utf8')) as typeof body;
      } catch {
        return sendJson(res, 400, { ok: false, error: 'invalid_json' });
      }
      const { channel, user, text, thread_ts: threadTs } = body ?? {};
      if (
        typeof channel !== 'string' ||
        typeof user !== 'string' ||
        typeof text !== 'string' ||
        (threadTs !== undefined && typeof threadTs !== 'string')
      ) {
        return sendJson(res, 400, {
          ok: false,
          error: 'invalid_arguments',
          detail: 'need { channel, user, text, thread_ts? } as strings',
        });
      }
      if (text.trim() === '') return sendJson(res, 400, { ok: false, error: 'no_text' });
      if (ws.users.get(user)?.is_bot)
        return sendJson(res, 400, {
          ok: false,
          error: 'cannot_post_as_bot',
          detail: 'post as a person; apps post through the Web API',
        });
      try {
        const msg = ws.postAsUser(user, channel, text, threadTs);
        sendJson(res, 200, { ok: true, ts: msg.ts });
      } catch (err) {
        sendJson(res, 400, {
          ok: false,
          error: 'post_failed',
          detail: err instanceof Error ? err.message : String(err),
        });
      }
    });

    sb.onClose(() => {
      clearInterval(heartbeat);
      for (const [name, fn] of listeners) ws.off(name, fn);
      for (const res of streams) res.end();
      streams.clear();
    });
  };
}
