/**
 * Who may decide an approval: entries are users (`@alice`, `U…`/`W…`) or user groups (`@handle`
 * of a group, `S…`). A handle is looked up among the workspace's people first (users.list), then
 * its user groups (usergroups.list); a group's members come from usergroups.users.list. Look-ups
 * are memoised per workspace client (60 s), so a burst of clicks costs a few calls.
 */
import { RunwireError } from '../../core/errors.js';
import type { WorkspaceClient } from '../delivery/workspace-client.js';
import type { CallOutcome } from '../delivery/slack-call.js';

/** Pure: is this an approver entry we can read? (`@handle`, a user id or a user group id). */
export function approverProblem(entry: string): string | undefined {
  if (/^@[a-z0-9][a-z0-9._-]*$/i.test(entry)) return undefined;
  if (/^[UWS][A-Z0-9]{2,}$/.test(entry)) return undefined;
  return `approver "${entry}" is not @handle (a person or a user group), a user id (U…) or a user group id (S…)`;
}

interface Listed {
  users: Array<{ id: string; name: string; deleted?: boolean; is_bot?: boolean }>;
  groups: Array<{ id: string; handle: string }>;
}

async function listed(ws: WorkspaceClient, signal?: AbortSignal): Promise<Listed> {
  return ws.memoise('approvers:listing', async () => {
    const users: Listed['users'] = [];
    let cursor: string | undefined;
    do {
      const out = await ws.read('users.list', { limit: 200, ...(cursor ? { cursor } : {}) }, signal);
      if (out.kind !== 'ok') throw lookupFailed('users.list', out);
      users.push(...((out.data.members as Listed['users']) ?? []));
      cursor = (out.data.response_metadata as { next_cursor?: string } | undefined)?.next_cursor || undefined;
    } while (cursor);
    const g = await ws.read('usergroups.list', {}, signal);
    // A workspace without user groups (or a token without usergroups:read) still has its people.
    const groups = g.kind === 'ok' ? ((g.data.usergroups as Listed['groups']) ?? []) : [];
    return { users, groups };
  });
}

function lookupFailed(method: string, out: CallOutcome): RunwireError {
  const why = out.kind === 'refused' ? out.error : out.kind;
  return new RunwireError(
    'runwire.approval.lookup_failed',
    `Could not list the approvers' workspace (${method}: ${why}).`,
    { fix: 'Give the connection users:read (and usergroups:read for user groups), then try again.', retryable: true },
  );
}

async function groupMembers(ws: WorkspaceClient, groupId: string, signal?: AbortSignal): Promise<string[]> {
  return ws.memoise(`approvers:group:${groupId}`, async () => {
    const out = await ws.read('usergroups.users.list', { usergroup: groupId }, signal);
    if (out.kind !== 'ok') throw lookupFailed('usergroups.users.list', out);
    return (out.data.users as string[]) ?? [];
  });
}

/** Each entry's user ids; throws `runwire.approval.unknown_approver` naming every entry the workspace lacks. */
export async function resolveApprovers(
  ws: WorkspaceClient,
  entries: readonly string[],
  signal?: AbortSignal,
): Promise<Set<string>> {
  const ids = new Set<string>();
  const unknown: string[] = [];
  const l = await listed(ws, signal);
  for (const e of entries) {
    if (/^[UW]/.test(e)) {
      ids.add(e);
      continue;
    }
    let groupId: string | undefined;
    if (/^S/.test(e)) groupId = e;
    else {
      const handle = e.slice(1).toLowerCase();
      const user = l.users.find((u) => u.name.toLowerCase() === handle && !u.deleted);
      if (user) {
        ids.add(user.id);
        continue;
      }
      groupId = l.groups.find((g) => g.handle.toLowerCase() === handle)?.id;
    }
    if (!groupId) {
      unknown.push(e);
      continue;
    }
    for (const id of await groupMembers(ws, groupId, signal)) ids.add(id);
  }
  if (unknown.length) {
    throw new RunwireError(
      'runwire.approval.unknown_approver',
      `No person or user group ${unknown.join(', ')} in the Slack workspace.`,
      { fix: 'Fix approvers: in the runbook (@handle of a person or a user group, U… or S…).' },
    );
  }
  return ids;
}
