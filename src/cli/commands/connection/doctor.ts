/** `runwire connection test NAME`: auth.test, granted scopes, and what is missing with the fix. */
import type { Command } from 'commander';
import { RunwireError } from '../../../core/errors.js';
import type { ConnectionRecord } from '../../../slack/connections/model.js';
import {
  diagnoseScopes,
  OPTIONAL_USES,
  PLAIN_TASK_USES,
  parseScopeUses,
  type ScopeFinding,
  type ScopeUse,
} from '../../../slack/scopes.js';
import type { CliContext } from '../../context.js';
import { out, withConnections } from './shared.js';
import { probeWebhook } from './webhook-probe.js';

/** What a connection is checked for unless `--uses` says otherwise. */
export function defaultUses(rec: ConnectionRecord): ScopeUse[] {
  // What a plain `#name` task needs, as `runwire check` asks (scope doctor and pre-flight agree).
  const uses: ScopeUse[] = [...PLAIN_TASK_USES];
  if (rec.botScopes.includes('incoming-webhook')) uses.push('webhook');
  // Optional ones are named with what they enable; they never make the test fail.
  return [...uses, ...OPTIONAL_USES];
}

export function registerDoctor(group: Command, ctx: CliContext): void {
  group
    .command('test <name>')
    .description('check a connection with auth.test and name missing scopes with their fix')
    .option(
      '--uses <list>',
      'what to check for: post, post_public, exactly_once, channel_names, dm, group_dm, webhook, mention_names (default post,post_public,channel_names,exactly_once: what a #name task needs, and the optional mention_names)',
    )
    .option('--json', 'print JSON')
    .action(async (name: string, o: { uses?: string; json?: boolean }, cmd: Command) => {
      let uses: ScopeUse[] | undefined;
      if (o.uses !== undefined) {
        try {
          uses = parseScopeUses(o.uses);
        } catch (err) {
          throw new RunwireError('runwire.cli.bad_arguments', (err as Error).message, {
            fix: 'e.g. --uses post,channel_names',
          });
        }
      }
      await withConnections(cmd, ctx, async ({ service, resolver }) => {
        const before = await service.get(name);
        if (before.kind === 'webhook') {
          const conn = service.resolveRecord(before);
          const probe = await probeWebhook(conn.webhookUrl ?? '');
          if (o.json)
            out(
              ctx,
              JSON.stringify(
                {
                  name,
                  kind: before.kind,
                  ok: probe.ok,
                  detail: probe.detail,
                  ...(probe.fix ? { fix: probe.fix } : {}),
                },
                null,
                2,
              ),
            );
          else
            out(
              ctx,
              `${probe.ok ? 'OK' : 'FAILED'}: connection ${name} (webhook): ${probe.detail}${probe.fix ? `\n  fix: ${probe.fix}` : ''}`,
            );
          if (!probe.ok) ctx.exitCode = 1;
          return;
        }
        if (before.sealed.botToken === undefined && before.sealed.userToken === undefined) {
          throw new RunwireError('runwire.slack.not_authenticated', `connection ${name} has no token yet`, {
            fix: `install the app first: runwire connection authenticate ${name}`,
          });
        }
        let rec: ConnectionRecord;
        try {
          rec = await resolver.verify(name); // refreshes a rotating token when due or expired
        } catch (err) {
          if (o.json && err instanceof RunwireError) {
            out(ctx, JSON.stringify({ name, kind: before.kind, ok: false, error: err.toJSON() }, null, 2));
            ctx.exitCode = 1;
            return;
          }
          throw err;
        }
        const checks = uses ?? defaultUses(rec);
        const findings: Array<ScopeFinding & { token: 'bot' | 'user' }> = [];
        const hasBot = rec.sealed.botToken !== undefined;
        if (hasBot)
          findings.push(
            ...diagnoseScopes(rec.grantedBotScopes, checks, 'bot', rec).map((f) => ({ ...f, token: 'bot' as const })),
          );
        else if (rec.sealed.userToken !== undefined)
          findings.push(
            ...diagnoseScopes(rec.grantedUserScopes, checks, 'user', rec).map((f) => ({
              ...f,
              token: 'user' as const,
            })),
          );
        const ok = !findings.some((f) => f.severity === 'error');
        if (!ok) ctx.exitCode = 1;
        if (o.json) {
          out(
            ctx,
            JSON.stringify(
              {
                name,
                kind: rec.kind,
                ok,
                team: rec.teamId ? { id: rec.teamId, name: rec.teamName ?? null } : null,
                botUserId: rec.botUserId ?? null,
                userId: rec.userId ?? null,
                grantedBotScopes: rec.grantedBotScopes,
                grantedUserScopes: rec.grantedUserScopes,
                uses: checks,
                findings,
              },
              null,
              2,
            ),
          );
          return;
        }
        out(
          ctx,
          `${ok ? 'OK' : 'PROBLEMS'}: connection ${name} (${rec.kind}) — team ${rec.teamName ?? '?'} (${rec.teamId ?? '?'})` +
            (rec.botUserId ? `, bot user ${rec.botUserId}` : rec.userId ? `, user ${rec.userId}` : ''),
        );
        if (hasBot) out(ctx, `  bot scopes: ${rec.grantedBotScopes.join(', ') || '(none reported)'}`);
        if (rec.sealed.userToken !== undefined)
          out(ctx, `  user scopes: ${rec.grantedUserScopes.join(', ') || '(none reported)'}`);
        out(ctx, `  checked for: ${checks.join(', ')}`);
        if (findings.length === 0) out(ctx, '  every checked use has the scopes it needs');
        for (const f of findings) out(ctx, `  ${f.severity.padEnd(7)} ${f.use}: ${f.message}\n          fix: ${f.fix}`);
      });
    });
}
