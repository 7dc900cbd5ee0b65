/**
 * API tokens and roles, pure. A token is `rwt_` + 32 random bytes (base64url); only its SHA-256 is
 * stored, so a leaked database does not leak a usable token, and a lookup by hash needs no
 * constant-time compare (the hash of a high-entropy secret reveals nothing useful). Roles are ordered:
 * viewer reads; operator also starts, cancels and acts on runs and tasks; admin also manages
 * runbooks, connections and tokens.
 */
import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_PREFIX = 'rwt_';
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];
/** What a route needs: a role, or nothing (`public`). */
export type Need = Role | 'public';

export function isRole(x: unknown): x is Role {
  return typeof x === 'string' && (ROLES as readonly string[]).includes(x);
}

/** May a caller with `role` use a route that needs `need`? */
export function allows(role: Role, need: Need): boolean {
  return need === 'public' || ROLES.indexOf(role) >= ROLES.indexOf(need);
}

export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export function newToken(): string {
  return newSecret(TOKEN_PREFIX);
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The part of a token shown in listings: enough to tell tokens apart, far too little to use. */
export function displayPrefix(token: string): string {
  return `${token.slice(0, TOKEN_PREFIX.length + 6)}…`;
}

/** `Authorization: Bearer x` → `x`, else undefined. */
export function bearerOf(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

/** One cookie's value from a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeCookie(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** A cookie value percent-decoded; one that is not valid percent-encoding is kept as sent (it matches no session). */
function decodeCookie(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Token names: letters, digits, `.`, `_`, `-`; up to 64. */
export const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
