// Which second proof a user without a factor can bring before one is bound (B17; issue 19 items 2-3), for the pages
// that explain it: the proof page (at sign-in and on Security & ID) and the roll-out prompt. A link to a usable
// address; else why not (no address, not verified yet: verify it here, or changed lately: usable from a date); and
// a temporary access pass, from whoever can make one for this user.
import { ADDRESS_SETTLE_DAYS, addressUsable, type BindingUser, type Requirement } from '../src/services/binding/index.js';
import type { Locale } from '../src/services/locale.js';
import { momentInWords } from '../src/services/policy/time-zone.js';

export type EmailWay = 'ready' | 'none' | 'unverified' | 'settling';

export interface ProofWays {
  /** the store's dated roll-out lets the password alone bind this first factor: nothing more to bring */
  passwordOnly: boolean;
  email: EmailWay;
  /** the address, masked (the page may be seen by someone who only knows the password) */
  maskedEmail?: string;
  /** for a changed address: when it was changed, and from when links go to it */
  changedOn?: string;
  usableFrom?: string;
  settleDays: number;
  /** who makes this user a pass: the support team for the account owner (S11), else the owner or an admin */
  passFrom: 'support' | 'store';
}

/** "alice@example.com" as "a•••@example.com". */
export const maskEmail = (email: string) => {
  const at = email.lastIndexOf('@');
  return at > 0 ? `${email[0]}•••${email.slice(at)}` : '•••';
};

export function proofWays(user: BindingUser, need: Requirement, at: { locale: Locale; zone: string; now: Date }): ProofWays {
  const passFrom = user.role === 'owner' ? 'support' : 'store';
  const passwordOnly = need.kind === 'ready' && need.via === 'password';
  const email: EmailWay = !user.email ? 'none' : !user.emailVerified ? 'unverified' : addressUsable(user, at.now) ? 'ready' : 'settling';
  const day = (d: Date) => momentInWords(d, at.locale, at.zone, at.now).date;
  const changed = email === 'settling' ? user.emailChangedAt : null;
  return {
    passwordOnly,
    email,
    maskedEmail: user.email ? maskEmail(user.email) : undefined,
    changedOn: changed ? day(changed) : undefined,
    usableFrom: changed ? day(new Date(changed.getTime() + ADDRESS_SETTLE_DAYS * 86_400_000)) : undefined,
    settleDays: ADDRESS_SETTLE_DAYS,
    passFrom,
  };
}
