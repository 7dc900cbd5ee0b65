/**
 * The scheduler's view of the runbook library: the schedule triggers of each runbook's latest
 * version (deleted runbooks left out), read from the database on every call so a new, changed or
 * deleted runbook is seen by every server and worker without a restart. A version's parsed triggers
 * are cached (a version never changes), so a call is one small query when nothing changed.
 */
import type { Runbook, RunbookIssue } from '../../core/runbook.js';
import type { ScheduleSource, ScheduledTrigger } from '../../triggers/scheduler/contracts.js';
import { declaredSchedules } from '../../triggers/scheduler/declared.js';
import type { Sql } from '../store/sql.js';

interface Cached {
  version: number;
  triggers: ScheduledTrigger[];
}

export class LibraryScheduleSource implements ScheduleSource {
  private readonly cache = new Map<string, Cached>();

  constructor(private readonly sql: Sql) {}

  async list(): Promise<ScheduledTrigger[]> {
    const heads = await this.sql.all(
      `SELECT r.id, r.issues, MAX(v.version) AS version FROM runbooks r
       JOIN runbook_versions v ON v.runbook_id = r.id WHERE r.deleted = 0 GROUP BY r.id, r.issues`,
    );
    const out: ScheduledTrigger[] = [];
    const seen = new Set<string>();
    for (const h of heads) {
      const id = String(h.id);
      const version = Number(h.version);
      seen.add(id);
      let c = this.cache.get(id);
      if (!c || c.version !== version) {
        c = { version, triggers: await this.load(id, version) };
        this.cache.set(id, c);
      }
      const invalid = h.issues ? invalidDetail(String(h.issues)) : undefined;
      for (const t of c.triggers) out.push(invalid === undefined ? t : { ...t, invalid });
    }
    for (const id of this.cache.keys()) if (!seen.has(id)) this.cache.delete(id);
    return out;
  }

  async at(runbookId: string, version: number, triggerId: string): Promise<ScheduledTrigger | undefined> {
    return (await this.load(runbookId, version)).find((t) => t.triggerId === triggerId);
  }

  private async load(id: string, version: number): Promise<ScheduledTrigger[]> {
    const [row] = await this.sql.all('SELECT spec FROM runbook_versions WHERE runbook_id = ? AND version = ?', [
      id,
      version,
    ]);
    if (!row) return [];
    const runbook = JSON.parse(String(row.spec)) as Runbook;
    return declaredSchedules(runbook).map((d) => ({
      runbookId: id,
      version,
      runbook,
      triggerId: d.id,
      cron: d.cron,
      timezone: d.timezone,
      missed: d.missed,
      mode: d.mode,
      vars: d.vars,
    }));
  }
}

/** The first issue of the runbook's current (invalid) source, for the fire's history. */
function invalidDetail(issuesJson: string): string {
  try {
    const issues = JSON.parse(issuesJson) as RunbookIssue[];
    const first = issues[0];
    const where = first ? ` (${first.file}:${first.line}:${first.column})` : '';
    const more = issues.length > 1 ? ` and ${issues.length - 1} more` : '';
    return `the runbook's current source is invalid: ${first?.message ?? 'see runwire runbooks show'}${where}${more}`;
  } catch {
    return "the runbook's current source is invalid";
  }
}
