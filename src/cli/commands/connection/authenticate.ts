/** `runwire connection authenticate NAME` and `runwire connection manifest NAME`. */
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { RunwireError } from '../../../core/errors.js';
import { buildManifest, manifestLink } from '../../../slack/connections/manifest.js';
import { parseScopes } from '../../../slack/connections/model.js';
import { parseScopeUses, scopesForUses } from '../../../slack/scopes.js';
import type { CliContext } from '../../context.js';
import { parseDuration } from '../../../core/duration.js';
import { out, withConnections } from './shared.js';

/** Best effort: open the URL in a browser; never fails (no xdg-open on a server is normal). */
function openBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(cmd as string, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => {
      /* no opener installed: the printed URL is enough */
    });
    child.unref();
  } catch {
    /* same */
  }
}

export function registerAuthenticate(group: Command, ctx: CliContext): void {
  group
    .command('authenticate <name>')
    .description(
      'install the OAuth app into a workspace: listen on the redirect URL, open the authorize page, store the tokens',
    )
    .option('--no-open', 'only print the authorize URL; do not open a browser')
    .option('--timeout <duration>', 'give up after this long (e.g. 90s, 5m)', '5m')
    .option('--scopes <list>', 'also request these bot scopes (kept on the connection), e.g. channels:read')
    .option('--user-scopes <list>', 'also request these user scopes (kept on the connection)')
    .action(
      async (
        name: string,
        o: { open: boolean; timeout: string; scopes?: string; userScopes?: string },
        cmd: Command,
      ) => {
        const timeoutMs = parseDuration(o.timeout);
        const { authenticate } = await import('../../../slack/connections/authenticate.js');
        await withConnections(cmd, ctx, async ({ service }) => {
          if (o.scopes !== undefined || o.userScopes !== undefined) {
            // Asking for more: added to what the connection requests, so the install grants them all.
            const rec = await service.get(name);
            const more = (have: string[], add: string | undefined) => [...new Set([...have, ...parseScopes(add)])];
            if (rec.kind === 'oauth_app')
              await service.update(name, {
                ...(o.scopes !== undefined ? { scopes: more(rec.botScopes, o.scopes) } : {}),
                ...(o.userScopes !== undefined ? { userScopes: more(rec.userScopes, o.userScopes) } : {}),
              });
          }
          const { record: r, rotating } = await authenticate(service, name, {
            timeoutMs,
            onAuthorizeUrl: (url, listeningOn) => {
              out(ctx, `Open this URL in a browser to install the app (connection ${name}):\n  ${url}`);
              out(ctx, `Waiting up to ${o.timeout} for Slack to redirect to ${listeningOn} …`);
              if (o.open) openBrowser(url);
            },
          });
          out(
            ctx,
            `Authenticated connection ${name}: team ${r.teamName ?? '?'} (${r.teamId ?? '?'})${r.botUserId ? `, bot user ${r.botUserId}` : ''}`,
          );
          if (r.grantedBotScopes.length) out(ctx, `  bot scopes: ${r.grantedBotScopes.join(', ')}`);
          if (r.grantedUserScopes.length)
            out(ctx, `  user scopes: ${r.grantedUserScopes.join(', ')}${r.userId ? ` (user ${r.userId})` : ''}`);
          if (r.webhookChannel) out(ctx, `  incoming webhook: ${r.webhookChannel}`);
          if (rotating)
            out(
              ctx,
              `  token rotation on: the token expires ${r.botTokenExpiresAt ?? r.userTokenExpiresAt}; Runwire refreshes it before then`,
            );
          out(ctx, `Check it any time with: runwire connection test ${name}`);
        });
      },
    );

  group
    .command('manifest <name>')
    .description('print a Slack app manifest (redirect URL, scopes) and the link that creates the app from it')
    .option('--json', 'print the manifest as JSON instead of YAML')
    .option(
      '--uses <list>',
      'also request the scopes these uses need (post, post_public, exactly_once, channel_names, dm, group_dm, webhook)',
    )
    .action(async (name: string, o: { json?: boolean; uses?: string }, cmd: Command) => {
      let extra: string[] = [];
      if (o.uses !== undefined) {
        try {
          extra = scopesForUses(parseScopeUses(o.uses));
        } catch (err) {
          throw new RunwireError('runwire.cli.bad_arguments', (err as Error).message, {
            fix: 'e.g. --uses post,exactly_once',
          });
        }
      }
      await withConnections(cmd, ctx, async ({ service }) => {
        // RUNWIRE_PUBLIC_URL: the server Slack reaches for approval clicks and /runwire.
        const m = buildManifest(await service.get(name), extra, 'Runwire', ctx.env.RUNWIRE_PUBLIC_URL || undefined);
        if (o.json) {
          out(ctx, JSON.stringify(m, null, 2));
        } else {
          const { stringify } = await import('yaml');
          out(ctx, `# Slack app manifest for connection ${name}\n${stringify(m)}`);
          out(
            ctx,
            `# Create the app from it (then copy its Client ID and Client Secret into the connection):\n# ${manifestLink(m)}`,
          );
        }
      });
    });
}
