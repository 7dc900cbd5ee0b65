/**
 * Every trigger of the runbook library: the triggers of each runbook's latest version, with whether
 * the runbook's current file is invalid (a `--runbooks DIR` file that no longer validates keeps its
 * last good version, whose triggers then report `invalid_runbook` instead of firing). Read again
 * when the library changes: a one-row "stamp" query (versions count, last change) is checked at most
 * every STAMP_MS, so an event right after a push sees the pushed version.
 */
import type { Runbook, TriggerSpec } from '../../core/runbook.js';
import type { LibraryStore } from '../store/library-store.js';
import type { Sql } from '../store/sql.js';

export interface IndexedTrigger {
  runbookId: string;
  version: number;
  runbook: Runbook;
  spec: TriggerSpec;
  /** The runbook's current file has issues (the version here is the last good one). */
  invalid: boolean;
}

const STAMP_MS = 100;

export class TriggerIndex {
  private list: IndexedTrigger[] | undefined;
  private stamp = '';
  private checkedAt = -Infinity;
  private loading: Promise<IndexedTrigger[]> | undefined;

  constructor(
    private readonly library: LibraryStore,
    private readonly sql: Sql,
    private readonly now: () => number = Date.now,
  ) {}

  /** Every trigger of the library, by runbook id then declaration order. */
  async all(): Promise<IndexedTrigger[]> {
    if (this.list && this.now() - this.checkedAt < STAMP_MS) return this.list;
    this.loading ??= this.refresh().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  async find(runbookId: string, triggerId: string): Promise<IndexedTrigger | undefined> {
    return (await this.all()).find((t) => t.runbookId === runbookId && t.spec.id === triggerId);
  }

  private async refresh(): Promise<IndexedTrigger[]> {
    const [row] = await this.sql.all(
      `SELECT (SELECT COUNT(*) FROM runbook_versions) AS n, (SELECT MAX(updated_at) FROM runbooks) AS u,
              (SELECT COUNT(*) FROM runbooks WHERE deleted = 0) AS live`,
    );
    const stamp = `${String(row?.n)}|${String(row?.u)}|${String(row?.live)}`;
    this.checkedAt = this.now();
    if (this.list && stamp === this.stamp) return this.list;
    const out: IndexedTrigger[] = [];
    for (const e of await this.library.list()) {
      if (!e.latest) continue;
      for (const spec of e.latest.runbook.triggers ?? []) {
        out.push({
          runbookId: e.id,
          version: e.latest.version,
          runbook: e.latest.runbook,
          spec,
          invalid: e.issues !== null && e.issues.length > 0,
        });
      }
    }
    this.list = out;
    this.stamp = stamp;
    return out;
  }
}
