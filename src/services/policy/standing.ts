// How a user stands with MFA now (S1, S11, B21): the one answer the admin's users list, a user's page, the MFA
// coverage page and the roll-out job all count from, so they never disagree.
import { rolloutFor, type Rollout } from '../rollout/deadline.js';
import { mfaRequirement, type MfaReason, type MfaRequirementInput, type Role } from './index.js';

/**
 * active: a second factor is set up. Without one:
 * overdue: the store's roll-out deadline for the role has passed (only then: nothing else is "overdue");
 * required: the role or the store's policy requires it, with no deadline (set up at the next sign-in);
 * reset: nothing requires it, but an admin's or support's reset asks for it again at the next sign-in;
 * due: the store asks for it by a date still ahead;
 * optional: nothing asks for it.
 */
export type MfaStanding = 'active' | 'overdue' | 'required' | 'reset' | 'due' | 'optional';

export const STANDINGS: readonly MfaStanding[] = ['active', 'overdue', 'required', 'reset', 'due', 'optional'];

/** The standings of someone who must set up MFA at their next sign-in. */
export const MUST_SET_UP: ReadonlySet<MfaStanding> = new Set(['overdue', 'required', 'reset']);

export interface StandingUser {
  role: Role;
  mfaEnabled: boolean;
  /** an admin or operator reset: the next sign-in sets MFA up again */
  mustEnrol: boolean;
}

export interface Standing {
  standing: MfaStanding;
  /** every rule that requires MFA for the role now (the admin's page lists them) */
  reasons: MfaReason[];
  /** the store's roll-out for the role, if it set one */
  rollout?: Rollout;
}

export function mfaStanding(user: StandingUser, store: MfaRequirementInput['store'], now: Date): Standing {
  const { reasons } = mfaRequirement({ role: user.role, store, client: { requireMfa: false }, now });
  const rollout = rolloutFor(user.role, store, now);
  const standing: MfaStanding = user.mfaEnabled
    ? 'active'
    : rollout?.enforced
      ? 'overdue'
      : reasons.length > 0
        ? 'required'
        : user.mustEnrol
          ? 'reset'
          : rollout
            ? 'due'
            : 'optional';
  return { standing, reasons, rollout };
}
