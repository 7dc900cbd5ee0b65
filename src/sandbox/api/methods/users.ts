/** users.list / info / lookupByEmail */
import { int, paginate, str } from '../args.js';
import { SlackApiError, type MethodRegistry } from '../registry.js';
import { userJson } from '../shape.js';

export function registerUserMethods(reg: MethodRegistry): void {
  reg.register({
    name: 'users.list',
    tier: 2,
    scopes: { bot: ['users:read'], user: ['users:read'] },
    errors: ['invalid_cursor'],
    handler(call) {
      const ws = call.workspace;
      const limit = int(call.args, 'limit', 200, 1, 1000);
      const { page, next_cursor } = paginate([...ws.users.values()], limit, str(call.args, 'cursor'));
      return {
        members: page.map((u) => userJson(ws, u, call.token!.scopes.includes('users:read.email'))),
        cache_ts: Math.floor(ws.now() / 1000),
        response_metadata: { next_cursor },
      };
    },
  });
  reg.register({
    name: 'users.info',
    tier: 4,
    scopes: { bot: ['users:read'], user: ['users:read'] },
    errors: ['user_not_found'],
    handler(call) {
      const id = str(call.args, 'user');
      const u = id === undefined ? undefined : call.workspace.users.get(id);
      if (!u) throw new SlackApiError('user_not_found');
      return { user: userJson(call.workspace, u, call.token!.scopes.includes('users:read.email')) };
    },
  });
  reg.register({
    name: 'users.lookupByEmail',
    tier: 3,
    scopes: { bot: ['users:read.email'], user: ['users:read.email'] },
    errors: ['users_not_found'],
    handler(call) {
      const email = str(call.args, 'email');
      const u = email === undefined ? undefined : call.workspace.userByEmail(email);
      if (!u) throw new SlackApiError('users_not_found');
      return { user: userJson(call.workspace, u, true) };
    },
  });
}
