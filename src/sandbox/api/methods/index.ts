/** The Web API methods every sandbox has; extensions register more on `sandbox.methods`. */
import type { MethodRegistry } from '../registry.js';
import { registerAuthMethods } from './auth.js';
import { registerChatMethods } from './chat.js';
import { registerConversationMethods } from './conversations.js';
import { registerOAuthMethods } from './oauth.js';
import { registerUserMethods } from './users.js';
import { registerUserGroupMethods } from './usergroups.js';

export function registerDefaultMethods(reg: MethodRegistry): void {
  registerAuthMethods(reg);
  registerChatMethods(reg);
  registerConversationMethods(reg);
  registerUserMethods(reg);
  registerUserGroupMethods(reg);
  registerOAuthMethods(reg);
}
