// Who must use MFA: role, store policy (and its roll-out deadlines), the AU+Xero rule and client demands, as a pure function (S1, S5, B4, B21).
import { rolloutFor, type RolloutPolicy } from '../rollout/deadline.js';
import { atLeast, isStoreAdmin, type Role } from '../roles.js';

export type { Role };
export type MfaReason = 'role' | 'store_everyone' | 'store_managers' | 'store_deadline' | 'au_xero' | 'client';

export interface MfaRequirementInput {
  role: Role;
  store: {
    country: string;
    integrations: string[];
    policy: { requireForManagers: boolean; requireForEveryone: boolean } & RolloutPolicy;
  };
  client: { requireMfa: boolean };
  /** B21: a role's roll-out deadline is enforced from the day after it (store time) */
  now: Date;
}

export interface MfaRequirement {
  required: boolean;
  /** Every rule that applies, in a stable order (for audit and UI explanations). */
  reasons: MfaReason[];
}

export function mfaRequirement(input: MfaRequirementInput): MfaRequirement {
  const { role, store, client, now } = input;
  const reasons: MfaReason[] = [];
  // S1: mandatory for the account owner and admins, whatever the store says.
  if (isStoreAdmin(role)) reasons.push('role');
  if (store.policy.requireForEveryone) reasons.push('store_everyone');
  if (store.policy.requireForManagers && atLeast(role, 'manager')) reasons.push('store_managers');
  if (rolloutFor(role, store, now)?.enforced) reasons.push('store_deadline');
  // S5: since 30 April 2021 every Australian store integrated with Xero must use MFA for its admins.
  const xero = store.integrations.some((i) => i.trim().toLowerCase() === 'xero');
  if (isStoreAdmin(role) && store.country.trim().toUpperCase() === 'AU' && xero) reasons.push('au_xero');
  // D4/B4: a partner integration can demand MFA-asserted tokens for everyone signing in to it.
  if (client.requireMfa) reasons.push('client');
  return { required: reasons.length > 0, reasons };
}
