// The one rule for binding a second factor (DESIGN "Binding a factor"; B17; checklist 38, 39, 58, 62): what proof a
// binding needs now, from the user's state, the store's policy and what this session has proved. Pure: no I/O.
import type { Role } from '../policy/index.js';

/** How a binding was allowed: an existing factor proved in this session, a pass or emailed link, or the store's grace. */
export type BindingVia = 'factor' | 'pass' | 'email' | 'password';
/** The second proofs a user without a usable factor can bring. */
export type ProofOption = 'pass' | 'email';

/** What kind of binding this is, for audit and for the words on the page. */
export type BindingKind = 'first' | 'added' | 'replacement';

export interface BindingUser {
  role: Role;
  mfaEnabled: boolean;
  /** an admin or operator reset, or a recovery-code sign-in: the next factor replaces what was there */
  mustEnrol: boolean;
  email: string | null;
  emailVerified: boolean;
  /** when the user last changed their own address (null: set by an admin, or never changed) */
  emailChangedAt: Date | null;
}

export interface BindingPolicy {
  /** the store lets a password alone bind a first factor until this moment (a first roll-out), else never */
  passwordEnrolmentUntil: Date | null;
}

/** What this session has proved, as the server recorded it (never taken from the form). */
export interface BindingEvidence {
  /** an existing second factor of this user, proved in this session (a sign-in step, or an MFA session) */
  factorProved: boolean;
  /** a temporary access pass or an emailed enrolment link, redeemed (and used up) for this binding */
  proof?: ProofOption;
  /** the password, entered for this binding or typed in this very sign-in */
  passwordProved: boolean;
}

export type Requirement =
  | { kind: 'ready'; via: BindingVia; bindingKind: BindingKind; passwordNeeded: boolean }
  | { kind: 'proof'; options: ProofOption[]; bindingKind: BindingKind; passwordNeeded: boolean };

/** An address changed by the user themselves is trusted for enrolment links only after this long (the old one is told). */
export const ADDRESS_SETTLE_DAYS = 7;

/** May an enrolment link go to this user's address: verified, and not just changed by someone holding the password? */
export function addressUsable(user: BindingUser, now: Date): boolean {
  if (!user.email || !user.emailVerified) return false;
  return !user.emailChangedAt || now.getTime() - user.emailChangedAt.getTime() >= ADDRESS_SETTLE_DAYS * 86_400_000;
}

export const bindingKindOf = (user: BindingUser): BindingKind => (user.mfaEnabled ? 'added' : user.mustEnrol ? 'replacement' : 'first');

/**
 * The proof a binding needs now. An existing factor proved in this session suffices; otherwise a pass or an emailed
 * link; the password alone only for a first factor, and only while the store's policy explicitly allows it. Every
 * binding also needs the password entered again (passwordNeeded while it was not).
 */
export function bindingRequirement(user: BindingUser, policy: BindingPolicy, evidence: BindingEvidence, now: Date): Requirement {
  const bindingKind = bindingKindOf(user);
  const passwordNeeded = !evidence.passwordProved;
  // a factor counts only while the user still has it (an admin's reset in between takes it away)
  if (evidence.factorProved && user.mfaEnabled) return { kind: 'ready', via: 'factor', bindingKind, passwordNeeded };
  if (evidence.proof) return { kind: 'ready', via: evidence.proof, bindingKind, passwordNeeded };
  // never for a user who has a factor (it must be proved), nor after a reset (the reset may be an attacker's doing)
  const grace = bindingKind === 'first' && policy.passwordEnrolmentUntil !== null && policy.passwordEnrolmentUntil > now;
  if (grace) return { kind: 'ready', via: 'password', bindingKind, passwordNeeded };
  // a user who has a factor proves it (sign in with it); a pass or link is for those who have none
  const options: ProofOption[] = user.mfaEnabled ? [] : addressUsable(user, now) ? ['pass', 'email'] : ['pass'];
  return { kind: 'proof', options, bindingKind, passwordNeeded };
}
