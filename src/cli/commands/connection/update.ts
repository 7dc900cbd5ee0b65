/**
 * `runwire connection update NAME …`: change a connection in place — a new token after reinstalling
 * the app, a signing secret or app token added later, or (OAuth apps) the scopes the next
 * `authenticate` asks for. Secret options read `-` from stdin.
 */
import type { Command } from 'commander';
import { parseScopes } from '../../../slack/connections/model.js';
import { maskSecret } from '../../../slack/secret-box.js';
import type { CliContext } from '../../context.js';
import { out, readSecretOptions, withConnections } from './shared.js';

interface UpdateOpts {
  token?: string;
  clientSecret?: string;
  webhookUrl?: string;
  signingSecret?: string;
  appToken?: string;
  slackUrl?: string;
  redirectUrl?: string;
  scopes?: string;
  userScopes?: string;
  verify: boolean;
  json?: boolean;
}

export function registerUpdate(group: Command, ctx: CliContext): void {
  group
    .command('update <name>')
    .description('change a connection: a new token, signing secret or app token; an OAuth app’s scopes to request')
    .option('--token <token>', 'a new bot (xoxb-) or user (xoxp-) token of the same kind; "-" reads it from stdin')
    .option('--client-secret <secret>', 'OAuth app client secret; "-" reads it from stdin')
    .option('--webhook-url <url>', 'incoming webhook URL; "-" reads it from stdin')
    .option('--signing-secret <secret>', 'signing secret, to verify Events API requests; "-" reads it from stdin')
    .option('--app-token <xapp>', 'app-level token (xapp-), for Socket Mode; "-" reads it from stdin')
    .option('--slack-url <url>', 'Slack base URL')
    .option('--redirect-url <url>', 'OAuth redirect URL')
    .option('--scopes <list>', 'OAuth app: the bot scopes to request (replaces the list; then run authenticate)')
    .option('--user-scopes <list>', 'OAuth app: the user scopes to request (replaces the list; then run authenticate)')
    .option('--no-verify', 'do not check a new token with auth.test')
    .option('--json', 'print the result as JSON')
    .action(async (name: string, given: UpdateOpts, cmd: Command) => {
      const o = await readSecretOptions(given);
      await withConnections(cmd, ctx, async ({ service }) => {
        const before = await service.get(name);
        // Check the new token before it replaces the old one: a token Slack refuses is not stored.
        if (o.token !== undefined && o.verify) await service.checkNewToken(before, o.token);
        let rec = await service.update(name, {
          ...(o.token !== undefined ? { token: o.token } : {}),
          ...(o.clientSecret !== undefined ? { clientSecret: o.clientSecret } : {}),
          ...(o.webhookUrl !== undefined ? { webhookUrl: o.webhookUrl } : {}),
          ...(o.signingSecret !== undefined ? { signingSecret: o.signingSecret } : {}),
          ...(o.appToken !== undefined ? { appToken: o.appToken } : {}),
          ...(o.slackUrl !== undefined ? { slackUrl: o.slackUrl } : {}),
          ...(o.redirectUrl !== undefined ? { redirectUrl: o.redirectUrl } : {}),
          ...(o.scopes !== undefined ? { scopes: parseScopes(o.scopes) } : {}),
          ...(o.userScopes !== undefined ? { userScopes: parseScopes(o.userScopes) } : {}),
        });
        if (o.token !== undefined && o.verify) rec = await service.verify(name);
        const changed = [
          o.token !== undefined ? `token ${maskSecret(o.token.trim())}` : '',
          o.clientSecret !== undefined ? 'client secret' : '',
          o.webhookUrl !== undefined ? 'webhook URL' : '',
          o.signingSecret !== undefined ? 'signing secret' : '',
          o.appToken !== undefined ? 'app token' : '',
          o.slackUrl !== undefined ? `Slack URL ${rec.slackUrl}` : '',
          o.redirectUrl !== undefined ? `redirect URL ${rec.redirectUrl}` : '',
          o.scopes !== undefined ? 'bot scopes to request' : '',
          o.userScopes !== undefined ? 'user scopes to request' : '',
        ].filter((s) => s !== '');
        if (o.json) {
          out(
            ctx,
            JSON.stringify(
              {
                name,
                kind: rec.kind,
                changed,
                requestedBotScopes: rec.botScopes,
                requestedUserScopes: rec.userScopes,
                grantedBotScopes: rec.grantedBotScopes,
                grantedUserScopes: rec.grantedUserScopes,
              },
              null,
              2,
            ),
          );
          return;
        }
        out(ctx, `Updated connection ${name} (${rec.kind}): ${changed.join(', ')}`);
        if (o.token !== undefined && o.verify) {
          const granted = rec.kind === 'bot_token' ? rec.grantedBotScopes : rec.grantedUserScopes;
          out(ctx, `  scopes: ${granted.join(', ') || '(none reported)'}`);
        }
        if (o.scopes !== undefined || o.userScopes !== undefined) {
          out(
            ctx,
            `  bot scopes to request: ${rec.botScopes.join(', ') || '(none)'}${rec.userScopes.length ? `; user scopes: ${rec.userScopes.join(', ')}` : ''}`,
          );
          out(
            ctx,
            `Next: runwire connection authenticate ${name}   (Slack grants new scopes when the app is installed again)`,
          );
        }
      });
    });
}
