/** `runwire connection list | show | remove`. */
import type { Command } from 'commander';
import { RunwireError } from '../../../core/errors.js';
import type { CliContext } from '../../context.js';
import { detailView, out, summaryView, withConnections } from './shared.js';

export function registerView(group: Command, ctx: CliContext): void {
  group
    .command('list')
    .description('list the Slack connections (no secrets)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }, cmd: Command) => {
      await withConnections(cmd, ctx, async ({ service }) => {
        const all = await service.store.list();
        if (o.json) return out(ctx, JSON.stringify(all.map(summaryView), null, 2));
        if (all.length === 0)
          return out(ctx, 'No Slack connections. Add one: runwire connection add NAME --token xoxb-…');
        const rows = [
          ['NAME', 'KIND', 'TEAM', 'SLACK URL', 'VERIFIED'],
          ...all.map((r) => [r.name, r.kind, r.teamName ?? r.teamId ?? '-', r.slackUrl, r.verifiedAt ?? 'never']),
        ];
        const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
        for (const row of rows)
          out(
            ctx,
            row
              .map((c, i) => c.padEnd(widths[i]!))
              .join('  ')
              .trimEnd(),
          );
      });
    });

  group
    .command('show <name>')
    .description('show one connection, secrets masked')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { json?: boolean }, cmd: Command) => {
      await withConnections(cmd, ctx, async ({ service }) => {
        const rec = await service.get(name);
        const v = detailView(rec, service.openSecrets(rec));
        if (o.json) return out(ctx, JSON.stringify(v, null, 2));
        const line = (k: string, val: unknown) => {
          if (val === null || val === undefined || (Array.isArray(val) && val.length === 0)) return;
          out(ctx, `${(`${k}:`).padEnd(23)} ${Array.isArray(val) ? val.join(', ') : String(val)}`);
        };
        line('name', v.name);
        line('kind', v.kind);
        line('slack url', v.slackUrl);
        line('api url', v.apiUrl);
        if (v.kind === 'oauth_app') {
          line('client id', v.clientId);
          line('redirect url', v.redirectUrl);
          line('requested bot scopes', v.requestedBotScopes);
          line('requested user scopes', v.requestedUserScopes);
        }
        line('team', v.team ? `${v.team.name ?? '?'} (${v.team.id})` : null);
        line('bot user', v.botUserId);
        line('user', v.userId);
        line('app', v.appId);
        line('granted bot scopes', v.grantedBotScopes);
        line('granted user scopes', v.grantedUserScopes);
        line('webhook channel', v.webhookChannel);
        line('bot token expires', v.botTokenExpiresAt);
        line('user token expires', v.userTokenExpiresAt);
        for (const [k, val] of Object.entries(v.secrets))
          line(
            k.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`),
            val,
          );
        line('created', v.createdAt);
        line('updated', v.updatedAt);
        line('verified', v.verifiedAt ?? 'never');
      });
    });

  group
    .command('remove <name>')
    .description('remove a connection and its stored secrets')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      await withConnections(cmd, ctx, async ({ service }) => {
        await service.get(name); // not found → an error that lists the configured names
        if (!(await service.store.remove(name)))
          throw new RunwireError('runwire.slack.connection_not_found', `no Slack connection named "${name}"`);
        out(ctx, `Removed connection ${name}`);
      });
    });
}
