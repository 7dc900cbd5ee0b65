/**
 * What `runwire triggers …` does: against a server (`--server` / RUNWIRE_SERVER) over its API, or
 * on the local database with the same functions the API uses (`server/triggers/trigger-views.ts`).
 */
import { RunwireError } from '../../core/errors.js';
import type { RuntimeConfig } from '../../runtime/open-runtime.js';
import { openServerRuntime, type ServerRuntime } from '../../server/runtime.js';
import { TriggerIndex } from '../../server/triggers/trigger-index.js';
import {
  type HistoryJson,
  historyJson,
  listTriggers,
  setTriggerEnabled,
  triggerHistory,
  type TriggerJson,
} from '../../server/triggers/trigger-views.js';
import { apiClient } from '../api-client.js';
import type { TriggersCliOptions } from '../commands/triggers.js';
import type { CliContext } from '../context.js';
import { cliActor } from '../run-session.js';

interface Backend {
  list(): Promise<TriggerJson[]>;
  history(runbook: string, id: string, limit?: number): Promise<HistoryJson[]>;
  allHistory(limit?: number): Promise<HistoryJson[]>;
  set(runbook: string, id: string, enabled: boolean): Promise<TriggerJson>;
  close(): Promise<void>;
}

async function backend(opts: TriggersCliOptions, config: RuntimeConfig, ctx: CliContext): Promise<Backend> {
  const server = opts.server ?? ctx.env.RUNWIRE_SERVER;
  if (server) {
    const api = apiClient(server, ctx.env);
    const q = (limit?: number) => (limit ? `?limit=${limit}` : '');
    const path = (r: string, i: string) => `/api/triggers/${encodeURIComponent(r)}/${encodeURIComponent(i)}`;
    return {
      list: async () => (await api.request<TriggerJson[]>('GET', '/api/triggers')).body,
      history: async (r, i, limit) =>
        (await api.request<HistoryJson[]>('GET', `${path(r, i)}/history${q(limit)}`)).body,
      allHistory: async (limit) => (await api.request<HistoryJson[]>('GET', `/api/triggers/history${q(limit)}`)).body,
      set: async (r, i, on) =>
        (await api.request<TriggerJson>('POST', `${path(r, i)}/${on ? 'enable' : 'disable'}`)).body,
      close: async () => undefined,
    };
  }
  const rt: ServerRuntime = await openServerRuntime(config);
  const index = new TriggerIndex(rt.library, rt.sql);
  return {
    list: () => listTriggers(index, rt.triggers),
    history: (r, i, limit) => triggerHistory(index, rt.triggers, r, i, limit ? { limit } : {}),
    allHistory: async (limit) => (await rt.triggers.history(limit ? { limit } : {})).map(historyJson),
    set: (r, i, on) => setTriggerEnabled(index, rt.triggers, r, i, on, cliActor(ctx.env)),
    close: () => rt.close(),
  };
}

async function using<T>(b: Backend, fn: (b: Backend) => Promise<T>): Promise<T> {
  try {
    return await fn(b);
  } finally {
    await b.close();
  }
}

/** `RUNBOOK/ID`, or an id only one runbook has. */
async function resolve(b: Backend, ref: string): Promise<{ runbook: string; id: string }> {
  const slash = ref.lastIndexOf('/');
  if (slash > 0) return { runbook: ref.slice(0, slash), id: ref.slice(slash + 1) };
  const all = await b.list();
  const hits = all.filter((t) => t.id === ref);
  if (hits.length === 1) return { runbook: hits[0]!.runbook, id: ref };
  if (hits.length > 1)
    throw new RunwireError('runwire.cli.bad_arguments', `Several runbooks have a trigger "${ref}".`, {
      fix: `Name it with its runbook: ${hits.map((t) => `${t.runbook}/${t.id}`).join(', ')}.`,
    });
  throw new RunwireError('runwire.trigger.not_found', `No trigger "${ref}" in the runbook library.`, {
    fix: all.length
      ? `Name one of: ${all.map((t) => `${t.runbook}/${t.id}`).join(', ')} (runwire triggers list).`
      : 'No runbook in the library declares triggers: add a triggers: list and push it (runwire runbooks push FILE).',
  });
}

function limitOf(opts: TriggersCliOptions): number | undefined {
  if (opts.limit === undefined) return undefined;
  const n = Number(opts.limit);
  if (!Number.isInteger(n) || n < 1 || n > 500)
    throw new RunwireError('runwire.cli.bad_option', `--limit ${opts.limit} is not a number from 1 to 500.`, {
      fix: 'Give e.g. --limit 100.',
    });
  return n;
}

/** What a trigger listens for, on one line. */
export function describeTrigger(t: TriggerJson): string {
  const c = t.config;
  if (t.type === 'schedule')
    return `${String(c.cron)} ${String(c.timezone ?? 'UTC')}, missed: ${String(c.missed ?? 'skip')}`;
  const channels = Array.isArray(c.channel) ? (c.channel as string[]).join(', ') : String(c.channel);
  const parts = [`${channels} via ${String(c.connection ?? 'default')}`];
  if (typeof c.match === 'string') parts.push(`/${c.match}/`);
  if (Array.isArray(c.users)) parts.push(`users ${(c.users as string[]).join(', ')}`);
  if (c.reply === true) parts.push('replies');
  return parts.join('  ');
}

function historyLine(e: HistoryJson): string {
  const who = e.runbook ? `${e.runbook}/${e.trigger}` : `${e.kind} ${e.connection ?? ''}`.trim();
  const at = e.scheduled_for ? `${e.received_at} (for ${e.scheduled_for})` : e.received_at;
  return `${at}  ${e.outcome.padEnd(15)} ${who}${e.run_id ? `  run ${e.run_id}` : ''}${e.detail ? `  ${e.detail}` : ''}`;
}

export async function listTriggersCli(opts: TriggersCliOptions, config: RuntimeConfig, ctx: CliContext): Promise<void> {
  const list = await using(await backend(opts, config, ctx), (b) => b.list());
  if (opts.json) {
    ctx.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return;
  }
  if (list.length === 0)
    ctx.stdout.write(
      'No runbook in the library declares triggers. Add a triggers: list and push it: runwire runbooks push FILE\n',
    );
  for (const t of list) {
    const state = t.invalid_runbook ? 'invalid runbook' : t.enabled ? 'enabled' : `disabled by ${t.updated_by ?? '?'}`;
    ctx.stdout.write(`${`${t.runbook}/${t.id}`.padEnd(32)} ${t.type.padEnd(14)} ${t.mode.padEnd(10)} ${state}\n`);
    ctx.stdout.write(`    ${describeTrigger(t)}\n`);
    if (t.next_fires.length) ctx.stdout.write(`    next: ${t.next_fires.join(', ')}\n`);
    if (t.last) ctx.stdout.write(`    last: ${historyLine(t.last)}\n`);
  }
}

export async function triggerHistoryCli(
  ref: string | undefined,
  opts: TriggersCliOptions,
  config: RuntimeConfig,
  ctx: CliContext,
): Promise<void> {
  const limit = limitOf(opts);
  const entries = await using(await backend(opts, config, ctx), async (b) => {
    if (ref === undefined) return b.allHistory(limit);
    const t = await resolve(b, ref);
    return b.history(t.runbook, t.id, limit);
  });
  if (opts.json) {
    ctx.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    return;
  }
  if (entries.length === 0) ctx.stdout.write('Nothing yet: no event received, no fire.\n');
  for (const e of entries) ctx.stdout.write(`${historyLine(e)}\n`);
}

export async function setTriggerCli(
  ref: string,
  enabled: boolean,
  opts: TriggersCliOptions,
  config: RuntimeConfig,
  ctx: CliContext,
): Promise<void> {
  const t = await using(await backend(opts, config, ctx), async (b) => {
    const r = await resolve(b, ref);
    return b.set(r.runbook, r.id, enabled);
  });
  if (opts.json) ctx.stdout.write(`${JSON.stringify(t, null, 2)}\n`);
  else ctx.stdout.write(`${enabled ? 'Enabled' : 'Disabled'} trigger ${t.runbook}/${t.id} (${t.type}).\n`);
}
