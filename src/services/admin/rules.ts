// Who may do what in the admin console: pure rules over actor and target (S11, D5, B12).
import { isStoreAdmin, type Role } from '../roles.js';

export type AdminAction = 'view' | 'change_role' | 'deactivate' | 'reactivate' | 'reset_mfa' | 'remove_mfa' | 'revoke_devices' | 'unlock_sign_in' | 'issue_pass' | 'set_language' | 'end_sessions';

/** Why an action is refused; routes map these to 403 (other_store to 404 in the pages, to avoid probing ids). */
export type Denial = 'not_admin' | 'other_store' | 'self' | 'owner_protected' | 'owner_role';

export interface Party {
  id: string;
  storeId: string;
  role: Role;
}

// exactly one owner per store, so "owner" is never assigned or taken away in the console
export { ASSIGNABLE_ROLES } from '../roles.js';

export const isConsoleRole = isStoreAdmin;

export function denialFor(actor: Party, target: Party, action: AdminAction, newRole?: Role): Denial | null {
  if (!isConsoleRole(actor.role)) return 'not_admin';
  if (actor.storeId !== target.storeId) return 'other_store';
  if (action === 'view') return null;
  // one's own MFA, role and account are changed on the account page, never through the console
  if (actor.id === target.id) return 'self';
  // only the owner may touch the owner's account; an owner who lost everything goes through the operator (S11)
  if (target.role === 'owner' && actor.role !== 'owner') return 'owner_protected';
  if (action === 'change_role' && (target.role === 'owner' || newRole === 'owner')) return 'owner_role';
  if (action === 'deactivate' && target.role === 'owner') return 'owner_protected';
  return null;
}
