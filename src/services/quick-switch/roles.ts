// Who may switch in with a PIN (B19): never owners or admins, and never anyone of more privilege than the register's
// current user (owner > admin > manager > cashier); with nobody signed in, only cashiers.
import type { Role } from '../policy/index.js';

const RANK: Record<Role, number> = { cashier: 0, manager: 1, admin: 2, owner: 3 };

/** Roles that always take the full sign-in, whoever is at the register. */
export const FULL_SIGN_IN_ROLES: readonly Role[] = ['owner', 'admin'];

export function pinAllowed(target: Role, current: Role | undefined): boolean {
  if (FULL_SIGN_IN_ROLES.includes(target)) return false;
  return RANK[target] <= RANK[current ?? 'cashier'];
}

/** Can a user of this role ever switch in with a PIN, whoever is at the register? (Security & ID offers a PIN only then.) */
export const pinEverAllowed = (role: Role): boolean => pinAllowed(role, 'owner');
