/** What `runwire slack-users …` does, on the runtime's database. */
import { RunwireError } from '../../core/errors.js';
import { openRuntime, type RuntimeConfig } from '../../runtime/open-runtime.js';
import { checkRole, normaliseSubject, SlackUserStore } from '../../slack/users/store.js';
import type { CliContext } from '../context.js';

async function withUsers<T>(config: RuntimeConfig, fn: (s: SlackUserStore) => Promise<T>): Promise<T> {
  const rt = await openRuntime(config);
  try {
    return await fn(new SlackUserStore(rt.sql));
  } finally {
    await rt.close();
  }
}

export async function mapSlackUser(
  who: string,
  role: string,
  opts: { json?: boolean },
  config: RuntimeConfig,
  ctx: CliContext,
): Promise<void> {
  // Checked before the database is opened: a typo touches nothing.
  const subject = normaliseSubject(who);
  const r = await withUsers(config, (s) => s.map(subject, checkRole(role), new Date().toISOString()));
  ctx.stdout.write(
    opts.json
      ? `${JSON.stringify({ subject: r.subject, role: r.role, created_at: r.createdAt })}\n`
      : `${r.subject} is ${r.role} for /runwire.\n`,
  );
}

export async function listSlackUsers(opts: { json?: boolean }, config: RuntimeConfig, ctx: CliContext): Promise<void> {
  const list = await withUsers(config, (s) => s.list());
  if (opts.json) {
    ctx.stdout.write(
      `${JSON.stringify(list.map((r) => ({ subject: r.subject, role: r.role, created_at: r.createdAt })))}\n`,
    );
    return;
  }
  if (list.length === 0) {
    ctx.stdout.write('No Slack users mapped. Map one: runwire slack-users map @alice operator\n');
    return;
  }
  const w = Math.max(...list.map((r) => r.subject.length));
  for (const r of list) ctx.stdout.write(`${r.subject.padEnd(w)}  ${r.role}\n`);
}

export async function unmapSlackUser(who: string, config: RuntimeConfig, ctx: CliContext): Promise<void> {
  const subject = normaliseSubject(who);
  if (!(await withUsers(config, (s) => s.unmap(subject))))
    throw new RunwireError('runwire.slack_users.not_found', `No role is mapped for ${subject}.`, {
      fix: 'See the mappings with `runwire slack-users list`.',
    });
  ctx.stdout.write(`${subject} has no /runwire role now.\n`);
}
