/**
 * Where a Slack message goes, as a runbook writes it: a channel id, `#name`, a user id, `@name`
 * or an e-mail for a DM, or a list of up to 8 users for a group DM. Parsing is pure; turning a
 * target into a conversation id (conversations.list, users.lookupByEmail, conversations.open)
 * happens in `delivery/conversation-resolver.ts`.
 */

/** A user as a runbook names them. */
export type UserRef =
  | { kind: 'user_id'; id: string }
  | { kind: 'user_name'; name: string }
  | { kind: 'email'; email: string };

export type SlackTarget =
  /** A conversation id: C… (public), G… (private), D… (DM). */
  | { kind: 'channel_id'; id: string; label: string }
  /** A channel by name, without the `#`. */
  | { kind: 'channel_name'; name: string; label: string }
  /** A direct message to one user. */
  | { kind: 'dm'; user: UserRef; label: string }
  /** A group DM with 2–8 users. */
  | { kind: 'group_dm'; users: UserRef[]; label: string };

/** Slack allows a group DM of the sender plus 8 others. */
export const MAX_GROUP_DM_USERS = 8;

const CHANNEL_ID = /^[CGD][A-Z0-9]{6,}$/;
const USER_ID = /^[UW][A-Z0-9]{6,}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
// Slack channel names: lowercase letters, digits, hyphens, underscores, periods; at most 80.
const CHANNEL_NAME = /^[\p{Ll}\p{Lo}\p{N}_.-]{1,80}$/u;
const USER_NAME = /^[\p{L}\p{N}_.-]{1,80}$/u;

export type TargetParse = { ok: true; target: SlackTarget } | { ok: false; message: string };

function parseUser(raw: string): UserRef | string {
  const s = raw.trim();
  if (USER_ID.test(s)) return { kind: 'user_id', id: s };
  if (s.startsWith('@') && USER_NAME.test(s.slice(1))) return { kind: 'user_name', name: s.slice(1) };
  if (EMAIL.test(s)) return { kind: 'email', email: s.toLowerCase() };
  return `"${raw}" is not a user: write a user id (U…), @name or an e-mail address`;
}

/** True for a list entry that names a channel (`#name`, C…/G… id, a bare name), not a user. */
function looksLikeChannel(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  const s = v.trim();
  if (s.startsWith('#') || /^[CG][A-Z0-9]{6,}$/.test(s)) return true;
  return !s.includes('@') && !USER_ID.test(s) && CHANNEL_NAME.test(s);
}

/** Parse a `channel:` value. Errors say what forms are accepted. */
export function parseTarget(value: unknown): TargetParse {
  if (Array.isArray(value)) {
    if (value.length === 0) return { ok: false, message: 'an empty list names no one: give 1 to 8 users' };
    const channels = value.filter(looksLikeChannel);
    if (channels.length > 0) {
      const which = channels.map((c) => `"${String(c).trim()}"`).join(', ');
      return {
        ok: false,
        message: `${which} ${channels.length === 1 ? 'is a channel, not a user' : 'are channels, not users'}: a list is the people of one group DM (U…, @name or e-mail); to post to several channels, write one task per channel`,
      };
    }
    if (value.length > MAX_GROUP_DM_USERS) {
      return { ok: false, message: `a group DM can have at most ${MAX_GROUP_DM_USERS} users (got ${value.length})` };
    }
    const users: UserRef[] = [];
    for (const v of value) {
      if (typeof v !== 'string')
        return { ok: false, message: 'every entry of a group DM list must be a user (U…, @name or e-mail)' };
      const u = parseUser(v);
      if (typeof u === 'string') return { ok: false, message: u };
      users.push(u);
    }
    const label = value.map((v) => String(v).trim()).join(', ');
    if (users.length === 1) return { ok: true, target: { kind: 'dm', user: users[0]!, label } };
    return { ok: true, target: { kind: 'group_dm', users, label } };
  }
  if (typeof value !== 'string' || value.trim() === '') {
    return { ok: false, message: 'write a channel id, #name, a user (U…, @name, e-mail) or a list of up to 8 users' };
  }
  const s = value.trim();
  if (CHANNEL_ID.test(s)) return { ok: true, target: { kind: 'channel_id', id: s, label: s } };
  if (s.startsWith('#')) {
    const name = s.slice(1);
    if (!CHANNEL_NAME.test(name)) {
      return { ok: false, message: `"${s}" is not a valid channel name (lowercase letters, digits, - _ . only)` };
    }
    return { ok: true, target: { kind: 'channel_name', name, label: s } };
  }
  if (s.startsWith('@') || USER_ID.test(s) || s.includes('@')) {
    const u = parseUser(s);
    if (typeof u === 'string') return { ok: false, message: u };
    return { ok: true, target: { kind: 'dm', user: u, label: s } };
  }
  if (CHANNEL_NAME.test(s)) return { ok: true, target: { kind: 'channel_name', name: s, label: `#${s}` } };
  return { ok: false, message: `"${s}" is not a channel id, #name, user or e-mail` };
}

/** True when the value still holds template syntax, so it can only be parsed after rendering. */
export function isTemplated(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('{{');
  if (Array.isArray(value)) return value.some(isTemplated);
  return false;
}
