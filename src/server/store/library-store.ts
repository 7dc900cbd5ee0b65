/**
 * The versioned runbook library: each `PUT` of a changed source adds a version (1, 2, …); the parsed
 * runbook is kept with its source so a run starts from exactly what was validated. Deleting hides a
 * runbook (its versions stay, runs refer to them); putting it again continues its numbering. A file of
 * `--runbooks DIR` that is currently invalid keeps its issues beside the last good version.
 */
import type { Runbook, RunbookIssue } from '../../core/runbook.js';
import type { Sql, SqlRow } from './sql.js';

export interface RunbookVersion {
  id: string;
  version: number;
  name: string;
  description: string | null;
  format: 'yaml' | 'json';
  source: string;
  runbook: Runbook;
  created_at: string;
  created_by: string;
}

export interface LibraryEntry {
  id: string;
  /** The latest version, or undefined when only issues exist (a file that was never valid). */
  latest: RunbookVersion | undefined;
  /** Issues of the file as it is now, when `--runbooks DIR` holds an invalid version of it. */
  issues: RunbookIssue[] | null;
  /** The file's text as it is now, when it is invalid (the issues' lines and columns point into it). */
  current_source: string | null;
  source_file: string | null;
}

export type VersionSummary = Omit<RunbookVersion, 'source' | 'runbook'>;

const VERSION_COLS = 'runbook_id, version, name, description, format, source, spec, created_at, created_by';

function version(r: SqlRow): RunbookVersion {
  return {
    id: String(r.runbook_id),
    version: Number(r.version),
    name: String(r.name),
    description: r.description === null || r.description === undefined ? null : String(r.description),
    format: r.format === 'json' ? 'json' : 'yaml',
    source: String(r.source),
    runbook: JSON.parse(String(r.spec)) as Runbook,
    created_at: String(r.created_at),
    created_by: String(r.created_by),
  };
}

/** How many parsed versions a server keeps (a version never changes once written). */
const CACHED_VERSIONS = 64;

export class LibraryStore {
  /**
   * Parsed versions by `id` + version, newest use last. A version is immutable (a changed source is a
   * new version, a delete only hides the runbook), so every server on one database may keep its own.
   */
  private readonly parsed = new Map<string, RunbookVersion>();

  constructor(
    private readonly sql: Sql,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Add a version unless the source equals the latest one. `created`: the id was new (or deleted).
   * Clears any recorded issues.
   */
  async put(
    id: string,
    v: { source: string; format: 'yaml' | 'json'; runbook: Runbook; by: string; sourceFile?: string },
  ): Promise<{ version: RunbookVersion; created: boolean; changed: boolean }> {
    const at = this.now().toISOString();
    const [head] = await this.sql.all('SELECT deleted FROM runbooks WHERE id = ?', [id]);
    const created = !head || Number(head.deleted) === 1;
    await this.sql.run(
      `INSERT INTO runbooks (id, deleted, source_file, issues, current_source, updated_at) VALUES (?, 0, ?, NULL, NULL, ?)
       ON CONFLICT (id) DO UPDATE SET deleted = 0, source_file = excluded.source_file, issues = NULL,
         current_source = NULL, updated_at = excluded.updated_at`,
      [id, v.sourceFile ?? null, at],
    );
    const latest = await this.latest(id);
    if (latest && latest.source === v.source && !created) return { version: latest, created, changed: false };
    // One statement picks the next number; two writers racing on PostgreSQL collide on the key and retry.
    for (let attempt = 0; ; attempt++) {
      try {
        const rows = await this.sql.all(
          `INSERT INTO runbook_versions (${VERSION_COLS})
           SELECT ?, COALESCE(MAX(version), 0) + 1, ?, ?, ?, ?, ?, ?, ? FROM runbook_versions WHERE runbook_id = ?
           RETURNING ${VERSION_COLS}`,
          [
            id,
            v.runbook.name,
            v.runbook.description ?? null,
            v.format,
            v.source,
            JSON.stringify(v.runbook),
            at,
            v.by,
            id,
          ],
        );
        return { version: this.remember(version(rows[0]!)), created, changed: true };
      } catch (err) {
        if (attempt >= 3 || !/unique|duplicate|PRIMARY/i.test(String((err as Error).message))) throw err;
      }
    }
  }

  /** Record that the file behind `id` is invalid now (the last good version stays in use). */
  async setIssues(id: string, issues: RunbookIssue[], sourceFile: string, source: string): Promise<void> {
    await this.sql.run(
      `INSERT INTO runbooks (id, deleted, source_file, issues, current_source, updated_at) VALUES (?, 0, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET source_file = excluded.source_file, issues = excluded.issues,
         current_source = excluded.current_source, updated_at = excluded.updated_at`,
      [id, sourceFile, JSON.stringify(issues), source, this.now().toISOString()],
    );
  }

  async latest(id: string): Promise<RunbookVersion | undefined> {
    const [r] = await this.sql.all(
      `SELECT ${VERSION_COLS} FROM runbook_versions WHERE runbook_id = ? ORDER BY version DESC LIMIT 1`,
      [id],
    );
    return r ? version(r) : undefined;
  }

  /**
   * The latest version of a runbook that is not deleted (what `POST /api/runs` starts): one query for its
   * number, and the version itself from the cache, so a repeated start neither fetches nor parses the
   * runbook again (a 10,000-task runbook is megabytes of JSON).
   */
  async current(id: string): Promise<RunbookVersion | undefined> {
    const [r] = await this.sql.all(
      `SELECT version FROM runbook_versions
       WHERE runbook_id = ? AND EXISTS (SELECT 1 FROM runbooks WHERE id = ? AND deleted = 0)
       ORDER BY version DESC LIMIT 1`,
      [id, id],
    );
    return r ? this.version(id, Number(r.version)) : undefined;
  }

  async version(id: string, n: number): Promise<RunbookVersion | undefined> {
    const key = `${id}\u0000${n}`;
    const hit = this.parsed.get(key);
    if (hit) {
      this.parsed.delete(key);
      this.parsed.set(key, hit);
      return hit;
    }
    const [r] = await this.sql.all(
      `SELECT ${VERSION_COLS} FROM runbook_versions WHERE runbook_id = ? AND version = ?`,
      [id, n],
    );
    return r ? this.remember(version(r)) : undefined;
  }

  private remember(v: RunbookVersion): RunbookVersion {
    this.parsed.set(`${v.id}\u0000${v.version}`, v);
    if (this.parsed.size > CACHED_VERSIONS) this.parsed.delete(this.parsed.keys().next().value!);
    return v;
  }

  /** A runbook that is not deleted, with its latest version and current issues. */
  async get(id: string): Promise<LibraryEntry | undefined> {
    const [head] = await this.sql.all(
      'SELECT id, deleted, source_file, issues, current_source FROM runbooks WHERE id = ?',
      [id],
    );
    if (!head || Number(head.deleted) === 1) return undefined;
    return {
      id,
      latest: await this.latest(id),
      issues: head.issues ? (JSON.parse(String(head.issues)) as RunbookIssue[]) : null,
      current_source: head.issues && typeof head.current_source === 'string' ? head.current_source : null,
      source_file: head.source_file === null || head.source_file === undefined ? null : String(head.source_file),
    };
  }

  async list(): Promise<LibraryEntry[]> {
    const heads = await this.sql.all('SELECT id FROM runbooks WHERE deleted = 0 ORDER BY id');
    const out: LibraryEntry[] = [];
    for (const h of heads) {
      const e = await this.get(String(h.id));
      if (e) out.push(e);
    }
    return out;
  }

  async versions(id: string): Promise<VersionSummary[]> {
    const rows = await this.sql.all(
      `SELECT ${VERSION_COLS} FROM runbook_versions WHERE runbook_id = ? ORDER BY version DESC`,
      [id],
    );
    return rows.map((r) => {
      const { source: _s, runbook: _r, ...rest } = version(r);
      return rest;
    });
  }

  /** Hide a runbook; false when there was none. */
  async delete(id: string): Promise<boolean> {
    return (
      (await this.sql.run('UPDATE runbooks SET deleted = 1, updated_at = ? WHERE id = ? AND deleted = 0', [
        this.now().toISOString(),
        id,
      ])) > 0
    );
  }
}
