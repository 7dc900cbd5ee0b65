/**
 * The scheduler: starts a run at each occurrence of every schedule trigger in the library, once
 * across every server and worker and across restarts. One runs in each process that runs a worker
 * loop (`runwire worker`, `runwire server`), never in a one-shot command.
 *
 * A tick, on the store's clock (the database's on PostgreSQL):
 * 1. read the library's schedule triggers and every cursor (the latest occurrence handled);
 * 2. per trigger, `planTick` decides what is due (missed policy, disabled, invalid runbook);
 * 3. claim those occurrences in `schedule_fires` (unique per runbook, trigger and time: the first
 *    process to insert a row owns it) and move the cursors;
 * 4. create a run for each claim this process won, with the idempotency key
 *    `schedule:<runbook>/<trigger>@<time>`, then mark the claim `started`. A crash between claim and
 *    create leaves the claim `claimed`: any scheduler finishes it later with the same key, so the
 *    occurrence is neither lost nor fired twice.
 * It sleeps until the next occurrence is due, at most `maxSleepMs` (1 s), so library changes (a new,
 * changed or deleted runbook) are seen without a restart.
 */
import { renderTemplate, type TemplateScope } from '../../core/template.js';
import type { RunService } from '../../engine/run-service.js';
import { compileSchedule, nextOccurrence, type Schedule } from '../schedule-occurrences.js';
import { scheduleTrigger } from '../schedule.js';
import {
  type FireClaim,
  type FireRecord,
  type FireStore,
  openGate,
  type ScheduleSource,
  type ScheduledTrigger,
  type TriggerGate,
  triggerKey,
} from './contracts.js';
import { planTick } from './plan.js';
import { occurrenceKey } from './trigger-store-gate.js';

export interface SchedulerOptions {
  source: ScheduleSource;
  fires: FireStore;
  service: RunService;
  /** Enabled state and history (default: all enabled, no history). */
  gate?: TriggerGate;
  /** The store's clock, epoch ms (the database's on PostgreSQL). */
  clock: () => Promise<number>;
  /** Who claims (`schedule_fires.claimed_by`): the worker's owner id. */
  owner: string;
  /** Longest sleep between ticks (default 1 s). */
  maxSleepMs?: number;
  /** A claim still `claimed` this long (default 10 s) is finished by whoever sees it. */
  unfinishedAfterMs?: number;
  /** Runs created at once (default 16). */
  concurrency?: number;
  /** Overrides each schedule's grace (tests). */
  graceMs?: number;
  log?: (line: string) => void;
}

export interface TickResult {
  /** Runs this tick created. */
  started: number;
  /** The next occurrence of any schedule (epoch ms on the store's clock). */
  nextDue: number | undefined;
}

export class Scheduler {
  private readonly gate: TriggerGate;
  private readonly compiled = new Map<string, Schedule | { error: string }>();
  private readonly warned = new Set<string>();
  private readonly firsts = new Map<string, { pattern: string; lastMs: number; first: number | undefined }>();
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private looping: Promise<void> | undefined;
  private stopping = false;
  private lastRecovery = 0;
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly roomWaiters: Array<() => void> = [];

  constructor(private readonly o: SchedulerOptions) {
    this.gate = o.gate ?? openGate;
  }

  start(): void {
    this.looping ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    this.wake?.();
    await this.looping;
  }

  private async loop(): Promise<void> {
    const max = this.o.maxSleepMs ?? 1000;
    while (!this.stopping) {
      let sleep = max;
      try {
        const r = await this.tick();
        if (r.nextDue !== undefined) sleep = Math.min(max, Math.max(1, r.nextDue - (await this.o.clock())));
      } catch (err) {
        if (this.stopping) break;
        this.o.log?.(`scheduler: ${(err as Error).message}`);
      }
      if (this.stopping) break;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, sleep);
      });
      this.wake = undefined;
    }
  }

  /** One pass: claim and start what is due now. */
  async tick(): Promise<TickResult> {
    const now = await this.o.clock();
    const [triggers, cursors, disabled] = await Promise.all([
      this.o.source.list(),
      this.o.fires.cursors(),
      this.gate.disabled(),
    ]);
    const live = new Set<string>();
    const claims: FireClaim[] = [];
    const byClaim = new Map<string, ScheduledTrigger>();
    const moves: Array<[ScheduledTrigger, number]> = [];
    const resets: Array<{ runbookId: string; triggerId: string; pattern: string }> = [];
    let nextDue: number | undefined;
    for (const t of triggers) {
      const key = triggerKey(t.runbookId, t.triggerId);
      live.add(key);
      const schedule = this.schedule(t);
      if (!schedule) continue;
      const pattern = `${t.cron}|${t.timezone}`;
      const cursor = cursors.get(key);
      if (!cursor || cursor.pattern !== pattern) {
        // First seen (or its pattern changed): occurrences count from now, earlier ones are not "missed".
        resets.push({ runbookId: t.runbookId, triggerId: t.triggerId, pattern });
      } else {
        // Nothing due since the cursor (the usual tick): no need to plan, the next occurrence is known.
        const first = this.firstAfter(key, pattern, schedule, cursor.lastMs);
        if (first === undefined || first > now) {
          if (first !== undefined && (nextDue === undefined || first < nextDue)) nextDue = first;
          continue;
        }
        const plan = planTick({
          schedule,
          lastMs: cursor.lastMs,
          nowMs: now,
          missed: t.missed,
          enabled: !disabled.has(key),
          invalid: t.invalid !== undefined,
          ...(this.o.graceMs !== undefined ? { graceMs: this.o.graceMs } : {}),
        });
        const add = (c: FireClaim): void => {
          claims.push(c);
          byClaim.set(claimKey(c), t);
        };
        for (const at of plan.fire) {
          const vars = runVarsOf(t, at);
          add('error' in vars ? this.claimOf(t, at, 'invalid', vars.error) : this.claimOf(t, at, 'claimed', null));
        }
        for (const n of plan.notFired) {
          const detail =
            n.outcome === 'invalid' ? (t.invalid ?? null) : n.outcome === 'missed' ? missedDetail(t) : null;
          add(this.claimOf(t, n.at, n.outcome, detail));
        }
        if (plan.last !== undefined) moves.push([t, plan.last]);
      }
      const next = nextOccurrence(schedule, now);
      if (next !== undefined && (nextDue === undefined || next < nextDue)) nextDue = next;
    }
    for (const k of this.firsts.keys()) if (!live.has(k)) this.firsts.delete(k);
    if (resets.length > 0) await this.o.fires.resetCursors(resets, now);
    // A deleted runbook (or trigger) forgets its cursor: added again, it starts from then.
    for (const key of cursors.keys()) {
      if (live.has(key)) continue;
      const [runbookId, triggerId] = key.split('\n') as [string, string];
      await this.o.fires.dropCursor(runbookId, triggerId);
    }
    // Fires first, claimed in small chunks in a random order, each chunk only when this process has
    // room to create its runs: many schedules due at once are shared by every process due then
    // (claiming is much faster than creating a run, so claiming all at once would leave one process
    // creating them all while the others wait).
    const made: Array<Promise<readonly [FireClaim, string] | undefined>> = [];
    const toFire = shuffled(claims.filter((c) => c.outcome === 'claimed'));
    for (let i = 0; i < toFire.length; i += CLAIM_CHUNK) {
      await this.room();
      for (const c of await this.o.fires.claim(toFire.slice(i, i + CLAIM_CHUNK), this.o.owner, now)) {
        made.push(this.limited(c, async () => [c, await this.createRun(c, byClaim.get(claimKey(c))!)] as const));
      }
    }
    const created = (await Promise.all(made)).filter((m) => m !== undefined);
    const others = claims.filter((c) => c.outcome !== 'claimed');
    const notFired = others.length > 0 ? await this.o.fires.claim(others, this.o.owner, now) : [];
    await this.o.fires.advanceCursors(
      moves.map(([t, lastMs]) => ({ runbookId: t.runbookId, triggerId: t.triggerId, lastMs })),
    );
    const records: FireRecord[] = notFired.map((c) => ({
      runbookId: c.runbookId,
      triggerId: c.triggerId,
      scheduledFor: c.scheduledFor,
      outcome: c.outcome as FireRecord['outcome'],
      ...(c.detail !== null ? { detail: c.detail } : {}),
    }));
    if (records.length > 0) await this.gate.record(records);
    let started = await this.markStarted(created);
    if (now - this.lastRecovery >= 1000) {
      this.lastRecovery = now;
      started += await this.finishUnfinished(now);
    }
    return { started, nextDue };
  }

  private claimOf(t: ScheduledTrigger, at: number, outcome: FireClaim['outcome'], detail: string | null): FireClaim {
    return { runbookId: t.runbookId, triggerId: t.triggerId, scheduledFor: at, version: t.version, outcome, detail };
  }

  /** The first occurrence after a cursor, remembered while the cursor stays where it is. */
  private firstAfter(key: string, pattern: string, s: Schedule, lastMs: number): number | undefined {
    const c = this.firsts.get(key);
    if (c && c.pattern === pattern && c.lastMs === lastMs) return c.first;
    const first = nextOccurrence(s, lastMs);
    this.firsts.set(key, { pattern, lastMs, first });
    return first;
  }

  private schedule(t: ScheduledTrigger): Schedule | undefined {
    const pattern = `${t.cron}|${t.timezone}`;
    let s = this.compiled.get(pattern);
    if (!s) {
      s = compileSchedule(t.cron, t.timezone);
      this.compiled.set(pattern, s);
    }
    if (!('error' in s)) return s;
    // Validation refuses a bad pattern; this host's Node may still lack a zone another one knew.
    const key = `${t.runbookId}\n${t.triggerId}\n${t.version}`;
    if (!this.warned.has(key)) {
      this.warned.add(key);
      this.o.log?.(`scheduler: ${t.runbookId}/${t.triggerId} (version ${t.version}) never fires: ${s.error}`);
    }
    return undefined;
  }

  /** Resolves when fewer than `concurrency` creates are running or waiting. */
  private async room(): Promise<void> {
    const limit = this.o.concurrency ?? 16;
    while (this.running + this.waiting.length >= limit) await new Promise<void>((r) => this.roomWaiters.push(r));
  }

  /** Run `fn` when fewer than `concurrency` are running; a failure is logged (the claim stays `claimed`). */
  private async limited<T>(c: FireClaim, fn: () => Promise<T>): Promise<T | undefined> {
    while (this.running >= (this.o.concurrency ?? 16)) await new Promise<void>((r) => this.waiting.push(r));
    this.running++;
    try {
      return await fn();
    } catch (err) {
      // Finished by the next look at unfinished claims, with the same idempotency key.
      this.o.log?.(`scheduler: ${c.runbookId}/${c.triggerId} at ${iso(c.scheduledFor)}: ${(err as Error).message}`);
      return undefined;
    } finally {
      this.running--;
      this.waiting.shift()?.();
      for (const r of this.roomWaiters.splice(0)) r();
    }
  }

  /** Mark claims whose runs exist `started` and write their history; how many this call moved. */
  private async markStarted(created: ReadonlyArray<readonly [FireClaim, string]>): Promise<number> {
    if (created.length === 0) return 0;
    const moved = await this.o.fires.started(created.map(([claim, runId]) => ({ claim, runId })));
    await this.gate.record(
      moved.map(({ claim: c, runId }) => ({
        runbookId: c.runbookId,
        triggerId: c.triggerId,
        scheduledFor: c.scheduledFor,
        outcome: 'started' as const,
        runId,
      })),
    );
    return moved.length;
  }

  /** Create (or find, after a crash) the occurrence's run; its id. */
  private async createRun(c: FireClaim, t: ScheduledTrigger): Promise<string> {
    const vars = runVarsOf(t, c.scheduledFor);
    if ('error' in vars) throw new Error(vars.error);
    const made = await this.o.service.create(t.runbook, {
      mode: t.mode,
      vars,
      actor: `schedule:${c.runbookId}/${c.triggerId}`,
      idempotencyKey: occurrenceKey(c.runbookId, c.triggerId, c.scheduledFor),
    });
    return made.run.id;
  }

  /** Claims left `claimed` (a crash between claim and create, or a failed create): finish them. */
  private async finishUnfinished(now: number): Promise<number> {
    const stale = await this.o.fires.unfinished(now - (this.o.unfinishedAfterMs ?? 10_000), 50);
    const items: Array<readonly [FireClaim, ScheduledTrigger]> = [];
    for (const c of stale) {
      const t = await this.o.source.at(c.runbookId, c.version, c.triggerId);
      const key = `gone\n${claimKey(c)}`;
      if (t) items.push([c, t]);
      else if (!this.warned.has(key) && this.warned.add(key))
        this.o.log?.(
          `scheduler: ${c.runbookId}/${c.triggerId} version ${c.version} is gone; its claim at ${iso(c.scheduledFor)} stays unfinished`,
        );
    }
    const made = await Promise.all(
      items.map(([c, t]) => this.limited(c, async () => [c, await this.createRun(c, t)] as const)),
    );
    return this.markStarted(made.filter((m) => m !== undefined));
  }
}

/** Fires claimed per statement (see `tick`). */
const CLAIM_CHUNK = 8;

function shuffled<T>(xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

const claimKey = (c: Pick<FireClaim, 'runbookId' | 'triggerId' | 'scheduledFor'>): string =>
  `${c.runbookId}\n${c.triggerId}\n${c.scheduledFor}`;

const iso = (ms: number): string => new Date(ms).toISOString();

function missedDetail(t: ScheduledTrigger): string {
  return `not fired: later than its grace, after downtime (missed: ${t.missed})`;
}

/**
 * The run's vars: the runbook's, then the trigger's `vars:` rendered (over `{{trigger.*}}`, the
 * runbook's `{{vars.*}}` and `{{runbook.name}}`), then the
 * `trigger.*` values themselves (`trigger.scheduled_for`, ISO 8601 UTC). An error names what failed.
 */
export function runVarsOf(t: ScheduledTrigger, scheduledFor: number): Record<string, string> | { error: string } {
  const occurrence = { trigger: `${t.runbookId}/${t.triggerId}`, scheduledFor };
  const triggerVars = scheduleTrigger.toVars(occurrence, { cron: t.cron }, { matched: true, groups: {} });
  const scope = {
    trigger: { scheduled_for: triggerVars['trigger.scheduled_for'] },
    vars: t.runbook.vars,
    runbook: { name: t.runbook.name },
  } as TemplateScope;
  const vars: Record<string, string> = { ...t.runbook.vars };
  try {
    for (const [k, v] of Object.entries(t.vars)) vars[k] = renderTemplate(v, scope);
  } catch (err) {
    return { error: `vars: ${(err as Error).message}` };
  }
  return Object.assign(vars, triggerVars);
}
