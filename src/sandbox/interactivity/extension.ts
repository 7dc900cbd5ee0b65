/**
 * Plugs interactivity into a sandbox: button clicks and slash commands from the page (or the admin
 * API) go to the app as Slack sends them, and the app's response URLs work.
 *
 * Admin API:
 * - `GET  /sandbox/app/interactivity` → `{ ok, request_url?, slash_commands, interactions }`
 * - `POST /sandbox/app/interactivity` `{ request_url?, slash_commands?: { "/cmd": url } }` → the settings
 * - `POST /sandbox/interactivity/click` `{ user, channel, ts, action_id, block_id? }` → `{ ok, via, acked }`
 *   (what the page's buttons call: a person clicks a button)
 * - `POST /sandbox/interactivity/command` `{ user, channel, text: "/cmd args" }` → `{ ok, via, acked }`
 * - `POST /sandbox/response/<id>` — the response_url of a click or command (JSON body, as Slack takes it)
 */
import { readBody, sendJson } from '../http-util.js';
import type { Sandbox, SandboxExtension } from '../server.js';
import { EVENTS_SERVICE } from '../events/extension.js';
import type { AppEvents, SocketTransport } from '../events/app-events.js';
import { parseSlashInput } from './payloads.js';
import { InteractionError, Interactivity, type InteractivityConfig } from './service.js';

export const INTERACTIVITY_SERVICE = 'interactivity';

/** Start-time settings (a Request URL given here is trusted, like an app set up before the sandbox started). */
export type InteractivityExtensionOptions = Partial<InteractivityConfig>;

export function interactivityExtension(opts: InteractivityExtensionOptions = {}): SandboxExtension {
  return (sb: Sandbox) => {
    const service = new Interactivity({
      workspace: sb.workspace,
      baseUrl: () => sb.url,
      verificationToken: () => (sb.services[EVENTS_SERVICE] as AppEvents | undefined)?.verificationToken ?? '',
      socket: () => sb.services.socketMode as SocketTransport | undefined,
      socketModeEnabled: () => (sb.services.socketModeEnabled as (() => boolean) | undefined)?.() ?? true,
    });
    service.configure(opts);
    sb.services[INTERACTIVITY_SERVICE] = service;

    const fail = (res: Parameters<typeof sendJson>[0], err: unknown) => {
      if (err instanceof InteractionError)
        return sendJson(res, 400, { ok: false, error: err.error, detail: err.message });
      throw err;
    };

    // As /sandbox/post: a person by id or name (`alice`), a channel by id or name (`#general`).
    const person = (user: string, channel: string) => {
      const userId = sb.workspace.userRef(user)?.id ?? user;
      return { userId, channelId: sb.workspace.resolveChannel(channel, userId)?.id ?? channel };
    };

    sb.route('GET', '/sandbox/app/interactivity', (_req, res) =>
      sendJson(res, 200, { ok: true, ...service.current(), interactions: service.records() }),
    );
    sb.route('POST', '/sandbox/app/interactivity', async (req, res) => {
      const body = await jsonBody(req);
      if (!isObject(body)) return sendJson(res, 400, { ok: false, error: 'invalid_json' });
      const next: Partial<InteractivityConfig> = {};
      if (body.request_url !== undefined) {
        if (typeof body.request_url !== 'string') return sendJson(res, 400, { ok: false, error: 'invalid_arguments' });
        next.request_url = body.request_url;
      }
      if (body.slash_commands !== undefined) {
        if (!isObject(body.slash_commands) || !Object.values(body.slash_commands).every((u) => typeof u === 'string'))
          return sendJson(res, 400, {
            ok: false,
            error: 'invalid_arguments',
            detail: 'slash_commands: { "/cmd": url }',
          });
        next.slash_commands = body.slash_commands as Record<string, string>;
      }
      try {
        sendJson(res, 200, { ok: true, ...service.configure(next) });
      } catch (err) {
        fail(res, err);
      }
    });

    sb.route('POST', '/sandbox/interactivity/click', async (req, res) => {
      const b = await jsonBody(req);
      if (!isObject(b) || !allStrings(b, ['user', 'channel', 'ts', 'action_id']))
        return sendJson(res, 400, {
          ok: false,
          error: 'invalid_arguments',
          detail: 'need { user, channel, ts, action_id }',
        });
      try {
        const who = person(b.user as string, b.channel as string);
        const r = await service.click({
          ...who,
          ts: b.ts as string,
          actionId: b.action_id as string,
          ...(typeof b.block_id === 'string' ? { blockId: b.block_id } : {}),
        });
        sendJson(res, 200, { ok: true, ...r });
      } catch (err) {
        fail(res, err);
      }
    });

    sb.route('POST', '/sandbox/interactivity/command', async (req, res) => {
      const b = await jsonBody(req);
      if (!isObject(b) || !allStrings(b, ['user', 'channel', 'text']))
        return sendJson(res, 400, { ok: false, error: 'invalid_arguments', detail: 'need { user, channel, text }' });
      const parsed = parseSlashInput(b.text as string);
      if (!parsed) return sendJson(res, 400, { ok: false, error: 'not_a_command', detail: 'text must start with /' });
      try {
        const r = await service.command({ ...person(b.user as string, b.channel as string), ...parsed });
        sendJson(res, 200, { ok: true, ...r });
      } catch (err) {
        fail(res, err);
      }
    });

    sb.route('POST', '/sandbox/response/', async (req, res, url) => {
      const id = url.pathname.slice('/sandbox/response/'.length);
      const body = await jsonBody(req);
      const r = service.respond(id, body);
      if (r.ok) return sendJson(res, 200, { ok: true });
      sendJson(res, r.status, { ok: false, error: r.error });
    });
  };
}

async function jsonBody(req: Parameters<typeof readBody>[0]): Promise<unknown> {
  const text = (await readBody(req)).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const allStrings = (b: Record<string, unknown>, keys: string[]) => keys.every((k) => typeof b[k] === 'string');
