/**
 * `/oauth/v2/authorize`: approves at once by default (302 to `redirect_uri?code=…&state=…`), or with
 * `consent: true` shows an Allow/Deny page (deny → `error=access_denied&state=…`), letting the person
 * pick who installs and, for `incoming-webhook`, the channel.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Sandbox } from '../server.js';
import { escapeHtml, readBody, sendText } from '../http-util.js';
import type { Workspace } from '../workspace.js';
import { OAuthGrants, type OAuthOptions } from './grants.js';

export type { OAuthOptions } from './grants.js';

interface AuthorizeRequest {
  client_id: string;
  scopes: string[];
  user_scopes: string[];
  redirect_uri: string | undefined;
  state: string | undefined;
}

function splitScopes(s: string | null | undefined): string[] {
  return (s ?? '')
    .split(/[ ,]+/)
    .map((x) => x.trim())
    .filter(Boolean);
}

/** Validate the query of an authorize request (pure); returns the request or a problem to show. */
export function readAuthorize(q: URLSearchParams, ws: Workspace): AuthorizeRequest | { problem: string } {
  const client_id = q.get('client_id') ?? '';
  if (client_id !== ws.app.client_id)
    return { problem: 'invalid_client_id: this app is not known to the sandbox workspace' };
  const redirect_uri = q.get('redirect_uri') ?? undefined;
  if (redirect_uri === undefined)
    return { problem: 'bad_redirect_uri: pass redirect_uri (the sandbox app has no configured one)' };
  try {
    const u = new URL(redirect_uri);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
  } catch {
    return { problem: 'bad_redirect_uri: redirect_uri must be an http(s) URL' };
  }
  const scopes = splitScopes(q.get('scope'));
  const user_scopes = splitScopes(q.get('user_scope'));
  if (scopes.length === 0 && user_scopes.length === 0)
    return { problem: 'invalid_scope: ask for at least one scope or user_scope' };
  return { client_id, scopes, user_scopes, redirect_uri, state: q.get('state') ?? undefined };
}

function redirect(res: ServerResponse, target: string, params: Record<string, string | undefined>): void {
  const u = new URL(target);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  res.writeHead(302, { location: u.toString(), 'content-length': 0 });
  res.end();
}

function consentPage(ws: Workspace, q: URLSearchParams, r: AuthorizeRequest): string {
  const hidden = [...q.entries()]
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
  const people = [...ws.users.values()]
    .filter((u) => !u.is_bot)
    .map((u) => `<option value="${u.id}">${escapeHtml(u.real_name)} (@${escapeHtml(u.name)})</option>`)
    .join('');
  const channels = [...ws.channels.values()]
    .filter((c) => c.type === 'channel' && !c.is_archived)
    .map((c) => `<option value="${c.id}"${c.is_general ? ' selected' : ''}>#${escapeHtml(c.name)}</option>`)
    .join('');
  const webhook = r.scopes.includes('incoming-webhook')
    ? `<p><label>Post to <select name="webhook_channel">${channels}</select></label></p>`
    : '';
  return `<!doctype html><html><head><meta charset="utf-8"><title>Install ${escapeHtml(ws.app.name)}</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:2em auto">
<h1>${escapeHtml(ws.app.name)} wants to join ${escapeHtml(ws.team.name)}</h1>
<p>Bot scopes: <code>${escapeHtml(r.scopes.join(', ') || '(none)')}</code></p>
<p>User scopes: <code>${escapeHtml(r.user_scopes.join(', ') || '(none)')}</code></p>
<form method="post" action="/oauth/v2/authorize">${hidden}
<p><label>Install as <select name="sandbox_user">${people}</select></label></p>${webhook}
<button name="decision" value="allow">Allow</button> <button name="decision" value="deny">Deny</button>
</form></body></html>`;
}

function defaultInstaller(ws: Workspace, opts: OAuthOptions): string {
  const chosen = opts.installer ? ws.userRef(opts.installer) : undefined;
  return (
    chosen ??
    [...ws.users.values()].find((u) => u.is_admin && !u.is_bot) ??
    [...ws.users.values()].find((u) => !u.is_bot)!
  ).id;
}

function defaultWebhookChannel(ws: Workspace, opts: OAuthOptions): string | undefined {
  const byOpt = opts.webhookChannel ? ws.resolveChannel(opts.webhookChannel, ws.app.bot_user_id) : undefined;
  return (
    byOpt ??
    [...ws.channels.values()].find((c) => c.is_general) ??
    [...ws.channels.values()].find((c) => c.type === 'channel' && !c.is_archived)
  )?.id;
}

export function attachOAuth(sb: Sandbox, opts: OAuthOptions): void {
  const grants = new OAuthGrants(opts);
  sb.services.oauth = grants;
  sb.workspace.on('reset', () => grants.clear());

  const approve = (
    res: ServerResponse,
    r: AuthorizeRequest,
    userId: string,
    webhookChannel: string | undefined,
  ): void => {
    const ws = sb.workspace;
    const grant = grants.issueCode(
      {
        client_id: r.client_id,
        scopes: r.scopes,
        user_scopes: r.user_scopes,
        redirect_uri: r.redirect_uri,
        user_id: userId,
        webhook_channel: r.scopes.includes('incoming-webhook') ? webhookChannel : undefined,
      },
      ws.now(),
    );
    redirect(res, r.redirect_uri!, { code: grant.code, state: r.state });
  };

  sb.route('GET', '/oauth/v2/authorize', (_req: IncomingMessage, res: ServerResponse, url: URL) => {
    const r = readAuthorize(url.searchParams, sb.workspace);
    if ('problem' in r) return sendText(res, 400, r.problem);
    if (grants.options.consent)
      return sendText(res, 200, consentPage(sb.workspace, url.searchParams, r), 'text/html; charset=utf-8');
    approve(res, r, defaultInstaller(sb.workspace, opts), defaultWebhookChannel(sb.workspace, opts));
  });

  sb.route('POST', '/oauth/v2/authorize', async (req: IncomingMessage, res: ServerResponse) => {
    const form = new URLSearchParams((await readBody(req)).toString('utf8'));
    const r = readAuthorize(form, sb.workspace);
    if ('problem' in r) return sendText(res, 400, r.problem);
    if (form.get('decision') !== 'allow')
      return redirect(res, r.redirect_uri!, { error: 'access_denied', state: r.state });
    const user = sb.workspace.userRef(form.get('sandbox_user') ?? '');
    const channel = form.get('webhook_channel');
    const ch = channel ? sb.workspace.channels.get(channel) : undefined;
    approve(
      res,
      r,
      user && !user.is_bot ? user.id : defaultInstaller(sb.workspace, opts),
      ch?.id ?? defaultWebhookChannel(sb.workspace, opts),
    );
  });
}
