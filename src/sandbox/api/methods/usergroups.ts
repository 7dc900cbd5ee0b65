/** usergroups.list / usergroups.users.list (as Slack: `usergroups:read`, Tier 2). */
import { bool, str } from '../args.js';
import { SlackApiError, type MethodRegistry } from '../registry.js';

export function registerUserGroupMethods(reg: MethodRegistry): void {
  reg.register({
    name: 'usergroups.list',
    tier: 2,
    scopes: { bot: ['usergroups:read'], user: ['usergroups:read'] },
    errors: [],
    handler(call) {
      const ws = call.workspace;
      const withUsers = bool(call.args, 'include_users');
      const created = Math.floor(ws.now() / 1000);
      const creator = [...ws.users.values()].find((u) => u.is_admin)?.id ?? ws.app.bot_user_id;
      return {
        usergroups: [...ws.usergroups.values()].map((g) => ({
          id: g.id,
          team_id: ws.team.id,
          is_usergroup: true,
          is_subteam: true,
          name: g.name,
          description: '',
          handle: g.handle,
          is_external: false,
          auto_type: null,
          auto_provision: false,
          enterprise_subteam_id: '',
          date_create: created,
          date_update: created,
          date_delete: 0,
          created_by: creator,
          updated_by: creator,
          deleted_by: null,
          prefs: { channels: [], groups: [] },
          user_count: g.users.length,
          ...(withUsers ? { users: [...g.users] } : {}),
        })),
      };
    },
  });
  reg.register({
    name: 'usergroups.users.list',
    tier: 2,
    scopes: { bot: ['usergroups:read'], user: ['usergroups:read'] },
    // Slack's reference lists no error for an unknown group; it answers no_permission for one the token cannot see.
    errors: ['no_permission'],
    handler(call) {
      const id = str(call.args, 'usergroup');
      const g = id === undefined ? undefined : call.workspace.usergroups.get(id);
      if (!g) throw new SlackApiError('no_permission');
      return { users: [...g.users] };
    },
  });
}
