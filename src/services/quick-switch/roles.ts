// Who may switch in with a PIN (B19): never owners or admins, and never anyone of more privilege than the register's
// current user (owner > admin > manager > cashier); with nobody signed in, only cashiers.
import { atLeast, isStoreAdmin, type Role } from '../roles.js';

export function pinAllowed(target: Role, current: Role | undefined): boolean {
  if (isStoreAdmin(target)) return false;
  return atLeast(current ?? 'cashier', target);
}

/** Can a user of this role ever switch in with a PIN, whoever is at the register? (Security & ID offers a PIN only then.) */
export const pinEverAllowed = (role: Role): boolean => pinAllowed(role, 'owner');
