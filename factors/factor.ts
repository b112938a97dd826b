// The second-factor contract (DESIGN "Factors"): each factor is one module behind this interface, listed in factors/index.ts.
import type Router from '@koa/router';
import type { Step } from '../src/flow/step.js';
import type { CredentialType } from '../src/services/mfa/credentials.js';
import type { NotificationType } from '../src/services/notifications/index.js';
import type { AccountKit, AccountPages } from '../src/account/kit.js';
import type { AccountContext } from '../src/account/context.js';
import type { UserView } from '../src/services/account/users.js';

import type { FactorId } from './ids.js';

export type { FactorId };

/** What the Security & ID page shows of a factor: a partial (templates/partials/<partial>.hbs) and its data. */
export interface AccountSection {
  partial: string;
  view(user: UserView, kit: AccountKit): Promise<Record<string, unknown>>;
}

/** What an admin's page for a user shows of a factor the user has, beyond its name: a partial and its data. */
export interface AdminSection {
  partial: string;
  view(user: { id: string }, services: Pick<AccountContext, 'factors'>): Promise<Record<string, unknown>>;
}

export interface Factor {
  id: FactorId;
  /** the credential type it keeps on the user; none for recovery codes, which come with every factor */
  credentialType?: CredentialType;
  /** may it satisfy the phishing-resistant level (urn:pos-idp:acr:phr)? */
  phishingResistant: boolean;
  /** RFC 8176 values a use of this factor adds between "pwd" and "mfa", from what the verification saw */
  amr(seen?: Record<string, boolean>): string[];
  enrolled(user: Pick<UserView, 'mfaEnabled' | 'credentialTypes'>): boolean;
  /** the sign-in step that verifies it; it owns the route that switches to it ("use-<something>") */
  verify: Step;
  /** the sign-in step that enrols it, when it can be enrolled during sign-in */
  enrol?: Step;
  /** link text key of the switch to this factor, shown on the other factors' pages */
  switchLabel: string;
  /** the way in when the factor at hand fails (recovery codes): its switch reads as that factor's `lostLabel` */
  fallback?: boolean;
  /** link text key of the switch to the fallback from this factor's page ("I can't use my passkey") */
  lostLabel?: string;
  /** path under /interaction/<uid>/ of that switch */
  switchPath: string;
  /** name of the factor for people (admin and account pages): a locale key */
  nameKey: string;
  account?: AccountSection;
  admin?: AdminSection;
  /** its own pages under /account (set-up, registration, rename, removal): a router with its own prefix */
  accountRoutes?(pages: AccountPages): Router;
  /** the page of its own that binds it, where the binding rule's proof page leads back to (src/account/binding-routes.ts) */
  bindingPath?: string;
  /** ?done=<name> notices its pages redirect to the overview with: name -> locale key */
  accountNotices?: Record<string, string>;
  notifications: readonly NotificationType[];
}

/** The link text of a switch from the factor at hand to another: to the fallback (recovery codes) it names what failed. */
export const switchLabelOf = (to: Factor, from: Factor): string => (to.fallback && from.lostLabel) || to.switchLabel;
