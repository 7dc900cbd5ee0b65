/**
 * Who is logged in, for every page: `useSession()` gives the user, their role and `can(role)`, so a
 * page offers only what the role may do (the server refuses the rest anyway).
 */
import { createContext, useContext } from 'react';
import type { Role, Who } from './api/types';

const ORDER: Role[] = ['viewer', 'operator', 'admin'];

export interface Session {
  who: Who;
  /** May this user do what needs `role`? */
  can(role: Role): boolean;
  logout(): Promise<void>;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside the logged-in app');
  return s;
}

export function allows(have: Role, need: Role): boolean {
  return ORDER.indexOf(have) >= ORDER.indexOf(need);
}
