/**
 * Slack people and user groups → Runwire roles (`slack_user_roles`, migration 701), on the runtime's
 * database through the one-statement `Sql` adapter. Subjects are kept as written (`@alice`,
 * `@release-managers`, `U…`, `S…`) and resolved through the Web API when someone acts (`roleOf`).
 */
import { RunwireError } from '../../core/errors.js';
import type { Sql } from '../../server/store/sql.js';
import { type Role, ROLES, isRole } from '../../server/auth/tokens.js';
import { approverProblem, resolveApprovers } from '../approvals/approvers.js';
import type { WorkspaceClient } from '../delivery/workspace-client.js';

export interface SlackUserRole {
  subject: string;
  role: Role;
  createdAt: string;
}

/** A subject as stored: `@handle` lower-cased, ids as given; throws a clear error otherwise. */
export function normaliseSubject(raw: string): string {
  const s = raw.trim();
  const problem = approverProblem(s);
  if (problem)
    throw new RunwireError('runwire.slack_users.bad_subject', problem.replace('approver', 'Slack user'), {
      fix: 'Name a person or a user group as @handle, or by id (U…, S…).',
    });
  return s.startsWith('@') ? s.toLowerCase() : s;
}

export function checkRole(raw: string): Role {
  if (isRole(raw)) return raw;
  throw new RunwireError('runwire.slack_users.bad_role', `"${raw}" is not a role: use ${ROLES.join(', ')}.`, {
    fix: 'viewer reads (status, help), operator also runs and decides (run, approve, reject), admin also administers.',
  });
}

export class SlackUserStore {
  constructor(private readonly sql: Sql) {}

  async map(subject: string, role: Role, at: string): Promise<SlackUserRole> {
    const s = normaliseSubject(subject);
    await this.sql.run(
      `INSERT INTO slack_user_roles (subject, role, created_at) VALUES (?, ?, ?)
       ON CONFLICT (subject) DO UPDATE SET role = excluded.role`,
      [s, checkRole(role), at],
    );
    return (await this.list()).find((r) => r.subject === s)!;
  }

  /** False when nothing was mapped for it. */
  async unmap(subject: string): Promise<boolean> {
    return (await this.sql.run('DELETE FROM slack_user_roles WHERE subject = ?', [normaliseSubject(subject)])) === 1;
  }

  async list(): Promise<SlackUserRole[]> {
    const rows = await this.sql.all('SELECT subject, role, created_at FROM slack_user_roles ORDER BY subject');
    return rows
      .filter((r) => isRole(r.role))
      .map((r) => ({ subject: String(r.subject), role: r.role as Role, createdAt: String(r.created_at) }));
  }

  /**
   * A Slack person's role: the highest of the entries naming them or a user group they are in;
   * undefined when none does. Entries the workspace does not have are left out.
   */
  async roleOf(ws: WorkspaceClient, userId: string): Promise<Role | undefined> {
    let best = -1;
    for (const e of await this.list()) {
      const rank = ROLES.indexOf(e.role);
      if (rank <= best) continue;
      let ids: Set<string>;
      try {
        ids = await resolveApprovers(ws, [e.subject]);
      } catch {
        continue;
      }
      if (ids.has(userId)) best = rank;
    }
    return best >= 0 ? ROLES[best] : undefined;
  }
}
