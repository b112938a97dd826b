// Read-side views of users and stores, as the flow and the services see them (no mongoose types leak out).
import type { Role } from '../policy/index.js';
import type { AccountThrottleState } from '../throttle/guard.js';
import type { CredentialType } from '../mfa/credentials.js';
import type { Locale } from '../locale.js';

export interface UserView {
  id: string;
  storeId: string;
  username: string;
  name: string;
  email: string | null;
  emailVerified: boolean;
  /** when the user last changed their own address (an emailed enrolment link waits for it to settle, B17) */
  emailChangedAt: Date | null;
  role: Role;
  active: boolean;
  locale: Locale | null;
  /** the locale was chosen (account page, admin), not just the last one used */
  localeChosen: boolean;
  /** at least one second factor is set up */
  mfaEnabled: boolean;
  /** the kinds of second-factor credential the user has (src/services/mfa/credentials.ts) */
  credentialTypes: CredentialType[];
  mustEnrol: boolean;
  /** an admin's (`by`: their user id) or the support operator's (`by`: '') reset of MFA, until the user enrols again */
  mfaReset?: MfaReset | null;
  mustChangePassword: boolean;
  /** consecutive failed attempts (B2), read with the user */
  throttle: AccountThrottleState;
  /** account-wide revocations of the user's sessions and sign-ins in progress so far */
  sessionsEnded?: number;
  /** the record's last change (userinfo's updated_at): at or after any change of what the claims say */
  updatedAt?: Date;
}

export interface MfaReset {
  by: string;
  at: Date;
}

export interface StoreView {
  id: string;
  prefix: string;
  name: string;
  country: string;
  /** the language of emails to users without one of their own: chosen by an admin, else by country */
  locale: Locale;
  localeChosen: boolean;
  integrations: string[];
  policy: {
    requireForManagers: boolean;
    requireForEveryone: boolean;
    rememberDeviceAllowed: boolean;
    rememberDeviceDays: number;
    passwordEnrolmentUntil: Date | null;
    sessionIdleMinutes: number;
    sessionAbsoluteHours: number;
    /** B21: the last day a role may sign in without MFA ("YYYY-MM-DD", store time); null: no roll-out */
    managerMfaBy: string | null;
    cashierMfaBy: string | null;
    /** B19: the zone chosen for the business day; null: the country's (src/services/policy/time-zone.ts) */
    timeZone?: string | null;
  };
}

export interface UserDirectory {
  byId(id: string): Promise<UserView | undefined>;
  /** For token claims: may be a few seconds old (CLAIMS_CACHE_MS); never for a decision about signing in. */
  recentById(id: string): Promise<UserView | undefined>;
  byUsername(storeId: string, username: string): Promise<UserView | undefined>;
  storeById(id: string): Promise<StoreView | undefined>;
  storeByPrefix(prefix: string): Promise<StoreView | undefined>;
}
