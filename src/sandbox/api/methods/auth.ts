/** auth.test */
import type { MethodRegistry } from '../registry.js';

export function registerAuthMethods(reg: MethodRegistry): void {
  reg.register({
    name: 'auth.test',
    tier: 'special',
    errors: [],
    handler({ token, workspace: ws, baseUrl }) {
      const t = token!;
      const user = ws.users.get(t.user_id);
      return {
        url: baseUrl,
        team: ws.team.name,
        user: user?.name ?? '',
        team_id: ws.team.id,
        user_id: t.user_id,
        ...(t.kind === 'bot' ? { bot_id: t.bot_id } : {}),
        is_enterprise_install: false,
      };
    },
  });
}
