/** `runwire connection add NAME …`: a token, an OAuth app, or an incoming webhook. */
import type { Command } from 'commander';
import { RunwireError } from '../../../core/errors.js';
import { parseScopes } from '../../../slack/connections/model.js';
import { maskSecret } from '../../../slack/secret-box.js';
import { diagnoseScopes, PLAIN_TASK_USES } from '../../../slack/scopes.js';
import type { CliContext } from '../../context.js';
import { out, readSecretOptions, withConnections } from './shared.js';

interface AddOpts {
  token?: string;
  clientId?: string;
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

export function registerAdd(group: Command, ctx: CliContext): void {
  group
    .command('add <name>')
    .description('add a Slack connection: a bot/user token, an OAuth app (then `authenticate`), or an incoming webhook')
    .option('--token <token>', 'bot (xoxb-) or user (xoxp-) token; "-" reads it from stdin')
    .option('--client-id <id>', 'OAuth app client id (then run `runwire connection authenticate NAME`)')
    .option('--client-secret <secret>', 'OAuth app client secret; "-" reads it from stdin')
    .option('--webhook-url <url>', 'incoming webhook URL; "-" reads it from stdin')
    .option('--signing-secret <secret>', 'signing secret, to verify Events API requests; "-" reads it from stdin')
    .option('--app-token <xapp>', 'app-level token (xapp-), for Socket Mode; "-" reads it from stdin')
    .option('--slack-url <url>', 'Slack base URL (default $RUNWIRE_SLACK_URL or https://slack.com)')
    .option('--redirect-url <url>', 'OAuth redirect URL (default http://localhost:9999)')
    .option('--scopes <list>', 'bot scopes to request (default: what a #name task needs, see the README)')
    .option('--user-scopes <list>', 'user scopes to request (default none)')
    .option('--no-verify', 'do not check the token with auth.test (offline)')
    .option('--json', 'print the result as JSON')
    .action(async (name: string, given: AddOpts, cmd: Command) => {
      const kinds = [given.token, given.clientId, given.webhookUrl].filter((v) => v !== undefined).length;
      if (kinds !== 1) {
        throw new RunwireError(
          'runwire.cli.bad_arguments',
          'give exactly one of --token, --client-id (with --client-secret) or --webhook-url',
          {
            fix: 'e.g. runwire connection add ops --token xoxb-…',
          },
        );
      }
      if (given.clientId !== undefined && given.clientSecret === undefined) {
        throw new RunwireError('runwire.cli.bad_arguments', '--client-id needs --client-secret', {
          fix: "copy both from your app's Basic Information page",
        });
      }
      const o = await readSecretOptions(given);
      const optional = (k: 'signingSecret' | 'appToken' | 'slackUrl', v: string | undefined) =>
        v !== undefined ? { [k]: v } : {};
      await withConnections(cmd, ctx, async ({ service }) => {
        if (o.token !== undefined) {
          const token = o.token;
          let rec = await service.addToken({
            name,
            token,
            ...optional('signingSecret', o.signingSecret),
            ...optional('appToken', o.appToken),
            ...optional('slackUrl', o.slackUrl),
          });
          if (o.verify) {
            try {
              rec = await service.verify(name);
            } catch (err) {
              await service.store.remove(name); // a token Slack refuses is not worth keeping
              if (err instanceof RunwireError && err.code === 'runwire.slack.unreachable') {
                throw new RunwireError(err.code, `${err.message} (connection not added)`, {
                  fix: `${err.fix ?? ''}; or add it without checking: --no-verify`,
                });
              }
              throw err;
            }
          }
          const granted = rec.kind === 'bot_token' ? rec.grantedBotScopes : rec.grantedUserScopes;
          if (o.json) {
            out(
              ctx,
              JSON.stringify(
                {
                  name,
                  kind: rec.kind,
                  token: maskSecret(token),
                  verified: o.verify,
                  team: rec.teamName ?? null,
                  teamId: rec.teamId ?? null,
                  scopes: granted,
                },
                null,
                2,
              ),
            );
            return;
          }
          out(ctx, `Added connection ${name} (${rec.kind}, ${maskSecret(token)}) at ${rec.slackUrl}`);
          if (o.verify) {
            out(
              ctx,
              `  team: ${rec.teamName ?? '?'} (${rec.teamId ?? '?'}), ${rec.kind === 'bot_token' ? 'bot user' : 'user'}: ${(rec.kind === 'bot_token' ? rec.botUserId : rec.userId) ?? '?'}`,
            );
            out(ctx, `  scopes: ${granted.join(', ') || '(none reported)'}`);
            for (const f of diagnoseScopes(granted, PLAIN_TASK_USES, rec.kind === 'bot_token' ? 'bot' : 'user', rec))
              out(ctx, `  ${f.severity}: ${f.message}\n    fix: ${f.fix}`);
          } else {
            out(ctx, `  not verified (--no-verify); check it later with: runwire connection test ${name}`);
          }
        } else if (o.clientId !== undefined) {
          const clientSecret = o.clientSecret as string;
          const rec = await service.addOAuthApp({
            name,
            clientId: o.clientId,
            clientSecret,
            ...optional('signingSecret', o.signingSecret),
            ...optional('appToken', o.appToken),
            ...optional('slackUrl', o.slackUrl),
            ...(o.redirectUrl !== undefined ? { redirectUrl: o.redirectUrl } : {}),
            ...(o.scopes !== undefined ? { scopes: parseScopes(o.scopes) } : {}),
            ...(o.userScopes !== undefined ? { userScopes: parseScopes(o.userScopes) } : {}),
          });
          if (o.json) {
            out(
              ctx,
              JSON.stringify(
                {
                  name,
                  kind: rec.kind,
                  clientId: rec.clientId,
                  redirectUrl: rec.redirectUrl,
                  scopes: rec.botScopes,
                  userScopes: rec.userScopes,
                },
                null,
                2,
              ),
            );
            return;
          }
          out(
            ctx,
            `Added connection ${name} (oauth_app, client id ${rec.clientId}, client secret ${maskSecret(clientSecret)}) at ${rec.slackUrl}`,
          );
          out(
            ctx,
            `  redirect URL: ${rec.redirectUrl} (must be listed under the app's OAuth & Permissions → Redirect URLs)`,
          );
          out(
            ctx,
            `  bot scopes: ${rec.botScopes.join(', ')}${rec.userScopes.length ? `; user scopes: ${rec.userScopes.join(', ')}` : ''}`,
          );
          out(ctx, `Next: runwire connection authenticate ${name}   (no app yet? runwire connection manifest ${name})`);
        } else {
          const webhookUrl = o.webhookUrl as string;
          const rec = await service.addWebhook({ name, webhookUrl, ...optional('slackUrl', o.slackUrl) });
          if (o.json) {
            out(ctx, JSON.stringify({ name, kind: rec.kind, webhookUrl: maskSecret(webhookUrl) }, null, 2));
            return;
          }
          out(ctx, `Added connection ${name} (webhook, ${maskSecret(webhookUrl)})`);
        }
      });
    });
}
