/**
 * The OAuth "Authenticate" flow: listen once on the redirect URL's host and port, hand the user the
 * authorize URL (random `state`), wait for Slack's redirect, check `state`, exchange the code with
 * `oauth.v2.access`, store the grant, learn scopes with `auth.test`, and tell the browser it may
 * close the tab. Every failure ends the wait with a RunwireError that says what to do.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { RunwireError } from '../../core/errors.js';
import { apiUrlOf, type ConnectionRecord } from './model.js';
import { buildAuthorizeUrl, exchangeCode, newOAuthState } from './oauth.js';
import type { ConnectionService } from './service.js';

export interface AuthenticateOptions {
  /** Give up after this long without a usable redirect. */
  timeoutMs: number;
  /** Called once with the authorize URL, as soon as the listener is up. */
  onAuthorizeUrl: (url: string, listeningOn: string) => void;
  /** Ends the wait early (the server: a newer authenticate of the same connection, or shutdown). */
  signal?: AbortSignal;
  /**
   * Where the browser goes when Slack's redirect was handled (the server's UI page for the
   * connection) instead of a page saying to return to the terminal.
   */
  finishUrl?: (outcome: { ok: true } | { ok: false; code: string }) => string;
}

export interface AuthenticateResult {
  record: ConnectionRecord;
  /** True when Slack returned expiring tokens (token rotation on). */
  rotating: boolean;
}

interface Callback {
  code: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res: ServerResponse, status: number, title: string, body: string): void {
  const html =
    `<!doctype html><html><head><meta charset="utf-8"><title>Runwire – ${esc(title)}</title></head>` +
    `<body style="font-family:sans-serif;max-width:36em;margin:4em auto"><h1>${esc(title)}</h1><p>${esc(body)}</p></body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'close',
  });
  res.end(html);
}

function finish(
  res: ServerResponse,
  opts: AuthenticateOptions,
  outcome: { ok: true } | { ok: false; code: string },
  status: number,
  title: string,
  body: string,
): void {
  if (!opts.finishUrl) {
    page(res, status, title, body);
    return;
  }
  res.writeHead(302, { location: opts.finishUrl(outcome), 'cache-control': 'no-store', connection: 'close' });
  res.end();
}

function sameState(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Bind the listener(s): `localhost` means both loopback addresses, since browsers try either. */
async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void, redirect: URL): Promise<Server[]> {
  const host = redirect.hostname.replace(/^\[|\]$/g, '');
  const port = Number(redirect.port || 80);
  const hosts = host === 'localhost' ? ['127.0.0.1', '::1'] : [host];
  const servers: Server[] = [];
  for (const [i, h] of hosts.entries()) {
    const server = createServer(handler);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, h, () => {
          server.off('error', reject);
          resolve();
        });
      });
      servers.push(server);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (i > 0 && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT')) continue; // no IPv6 loopback here
      for (const s of servers) s.close();
      if (code === 'EADDRINUSE') {
        throw new RunwireError(
          'runwire.slack.oauth.port_in_use',
          `cannot listen on ${redirect.host}: the port is in use`,
          {
            fix: "stop what uses the port, or use another redirect URL (add it to the app's Redirect URLs and re-add the connection with --redirect-url)",
          },
        );
      }
      throw new RunwireError(
        'runwire.slack.oauth.cannot_listen',
        `cannot listen on ${redirect.host}: ${code ?? String(err)}`,
        {
          fix: 'use a redirect URL on this machine, e.g. http://localhost:9999',
        },
      );
    }
  }
  return servers;
}

/** Run the flow for connection `name` (an OAuth app). */
export async function authenticate(
  service: ConnectionService,
  name: string,
  opts: AuthenticateOptions,
): Promise<AuthenticateResult> {
  const rec = await service.get(name);
  if (rec.kind !== 'oauth_app' || !rec.clientId) {
    throw new RunwireError(
      'runwire.slack.not_oauth_app',
      `connection ${name} is a ${rec.kind} connection, not an OAuth app`,
      {
        fix:
          rec.kind === 'bot_token' || rec.kind === 'user_token'
            ? `a pasted token is not authenticated by Runwire: reinstall the app in Slack (OAuth & Permissions → Reinstall to Workspace) and add its ${rec.kind === 'bot_token' ? 'Bot User OAuth Token (xoxb-…)' : 'User OAuth Token (xoxp-…)'} again: runwire connection update ${name} --token -` +
              ' (or add an OAuth app connection: runwire connection add NAME --client-id ID --client-secret SECRET)'
            : `add an OAuth app connection: runwire connection add NAME --client-id ID --client-secret SECRET`,
      },
    );
  }
  const secrets = service.openSecrets(rec);
  if (!secrets.clientSecret) {
    throw new RunwireError('runwire.slack.not_oauth_app', `connection ${name} has no client secret`, {
      fix: `re-add it with --client-id and --client-secret`,
    });
  }
  const redirect = new URL(rec.redirectUrl);
  if (redirect.protocol !== 'http:') {
    throw new RunwireError(
      'runwire.slack.oauth.https_redirect',
      `the redirect URL ${rec.redirectUrl} is https; the local listener speaks plain http`,
      {
        fix: "use an http://localhost:PORT redirect URL (Slack allows http for localhost) and add it to the app's Redirect URLs",
      },
    );
  }
  const state = newOAuthState();
  const wantPath = redirect.pathname || '/';
  let settle!: { resolve: (c: Callback) => void; reject: (e: RunwireError) => void };
  const answered = new Promise<Callback>((resolve, reject) => {
    settle = { resolve, reject };
  });
  let pending: ServerResponse | undefined;
  let done = false;

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://callback.invalid');
    if (done || req.method !== 'GET' || url.pathname !== wantPath) {
      page(res, 404, 'Not found', "This address only answers Slack's redirect for runwire connection authenticate.");
      return;
    }
    done = true;
    const q = url.searchParams;
    const error = q.get('error');
    if (error) {
      const failure =
        error === 'access_denied'
          ? new RunwireError(
              'runwire.slack.oauth.access_denied',
              `the installation of connection ${name} was denied in Slack`,
              { fix: `run runwire connection authenticate ${name} again and click Allow` },
            )
          : new RunwireError(
              `runwire.slack.oauth.${error.replace(/[^a-z0-9_]/gi, '_')}`,
              `Slack did not authorize connection ${name}: ${error}`,
              { fix: `run runwire connection authenticate ${name} again` },
            );
      finish(
        res,
        opts,
        { ok: false, code: failure.code },
        400,
        'Installation not completed',
        `Slack answered: ${error}. Return to the terminal for what to do.`,
      );
      settle.reject(failure);
      return;
    }
    if (!sameState(q.get('state') ?? '', state)) {
      page(res, 400, 'Invalid request', 'The state parameter does not match this authentication attempt.');
      settle.reject(
        new RunwireError(
          'runwire.slack.oauth.bad_state',
          `the redirect's state does not match the one this authentication sent (a stale or forged link)`,
          {
            fix: `run runwire connection authenticate ${name} again and use the URL it prints`,
          },
        ),
      );
      return;
    }
    const code = q.get('code');
    if (!code) {
      finish(
        res,
        opts,
        { ok: false, code: 'runwire.slack.oauth.no_code' },
        400,
        'Invalid request',
        'The redirect carries no authorization code.',
      );
      settle.reject(
        new RunwireError('runwire.slack.oauth.no_code', 'Slack redirected without an authorization code', {
          fix: `run runwire connection authenticate ${name} again`,
        }),
      );
      return;
    }
    pending = res; // answered after the exchange, so the page can say whether it worked
    settle.resolve({ code });
  };

  const servers = await listen(handler, redirect);
  const timer = setTimeout(() => {
    settle.reject(
      new RunwireError(
        'runwire.slack.oauth.timeout',
        `no redirect from Slack within ${Math.round(opts.timeoutMs / 1000)}s`,
        {
          fix: `run runwire connection authenticate ${name} again, open the printed URL, and check the app's Redirect URLs include ${rec.redirectUrl}`,
        },
      ),
    );
  }, opts.timeoutMs);
  const aborted = () =>
    settle.reject(
      new RunwireError('runwire.slack.oauth.timeout', `the wait for Slack's redirect of connection ${name} was ended`, {
        fix: `start the authentication of ${name} again`,
      }),
    );
  if (opts.signal?.aborted) aborted();
  opts.signal?.addEventListener('abort', aborted, { once: true });
  const closeAll = () => {
    for (const s of servers) {
      s.close();
      s.closeAllConnections();
    }
  };

  try {
    opts.onAuthorizeUrl(
      buildAuthorizeUrl({
        slackUrl: rec.slackUrl,
        clientId: rec.clientId,
        botScopes: rec.botScopes,
        userScopes: rec.userScopes,
        redirectUrl: rec.redirectUrl,
        state,
      }),
      `${redirect.origin}${wantPath}`,
    );
    const { code } = await answered;
    clearTimeout(timer);
    try {
      const grant = await exchangeCode(
        apiUrlOf(rec.slackUrl),
        { clientId: rec.clientId, clientSecret: secrets.clientSecret, code, redirectUrl: rec.redirectUrl },
        { name, clientId: rec.clientId, redirectUrl: rec.redirectUrl },
        service.now,
      );
      await service.applyGrant(name, grant);
      const record = await service.verify(name);
      if (pending)
        finish(
          pending,
          opts,
          { ok: true },
          200,
          'Runwire is connected to Slack',
          'You can close this tab and return to the terminal.',
        );
      return { record, rotating: grant.botExpiresAt !== undefined || grant.userExpiresAt !== undefined };
    } catch (err) {
      if (pending)
        finish(
          pending,
          opts,
          { ok: false, code: err instanceof RunwireError ? err.code : 'runwire.internal' },
          400,
          'Installation not completed',
          `${err instanceof RunwireError ? err.message : 'the token exchange failed'}. Return to the terminal for what to do.`,
        );
      throw err;
    }
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', aborted);
    await new Promise((r) => setImmediate(r)); // let the page flush before sockets close
    closeAll();
  }
}
