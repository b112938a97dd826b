// Flow state (persisted per interaction, validated on every load) and the facts the runner reads once per request.
import { z } from 'zod';
import { ROLES, type Role } from '../models/user.js';
import type { RegisterRecord } from '../services/quick-switch/index.js';
import { factorFlowSlices } from '../../factors/slices.js';
import { FACTOR_IDS } from '../../factors/ids.js';
import type { CredentialType } from '../services/mfa/credentials.js';
import type { AccountThrottleState } from '../services/throttle/guard.js';
import type { KnownDevice } from '../services/throttle/known-devices.js';
import type { Locale } from '../http/i18n.js';
import type { Rollout } from '../services/rollout/deadline.js';
import type { BindingPolicy } from '../services/binding/index.js';
import { approvalStateSchema } from '../../interactions/approval/state.js';

export const flowStateSchema = z.object({
  uid: z.string().min(1),
  locale: z.enum(['en', 'nl']),
  clientId: z.string(),
  native: z.boolean(),
  // the client or the request demands an MFA-asserted login (require_mfa, acr_values, essential acr)
  mfaDemanded: z.boolean(),
  // ... and a phishing-resistant one (require_phishing_resistant, the phr level); mfaDemanded is then true too
  phrDemanded: z.boolean().optional(),
  // a signed-in user only needs the second factor (step-up), not the password again
  stepUp: z.boolean(),
  // prompt=login or max_age: a fresh authentication, so a remembered device does not skip the second factor
  freshDemanded: z.boolean().optional(),
  storeId: z.string().optional(),
  storePrefix: z.string().optional(),
  // "Not your store?": the person names the store, even on a trusted register that knows its own
  storeAsked: z.boolean().optional(),
  userId: z.string().optional(),
  username: z.string().optional(),
  passwordVerified: z.boolean().optional(),
  // the right password was handed to the browser as a signed proof instead of being stored (src/flow/proof.ts); once
  // the state is stored again, what is stored speaks and that proof counts no more
  proofSpent: z.boolean().optional(),
  // checklist 24: a password from an unknown device while the account's own count held passwords back. What it was is
  // kept here (server-side) and told only together with a second factor (interactions/password/both-factors.ts).
  bothFactors: z
    .object({
      userId: z.string().optional(),
      passwordOk: z.boolean(),
      refusal: z.union([z.object({ kind: z.literal('wait'), seconds: z.number() }), z.object({ kind: z.literal('closed') })]),
      // the breach check of a right password (services/breach BreachResult)
      breach: z
        .discriminatedUnion('status', [
          z.object({ status: z.literal('ok') }),
          z.object({ status: z.literal('breached'), count: z.number() }),
          z.object({ status: z.literal('unavailable'), error: z.string() }),
        ])
        .optional(),
    })
    .optional(),
  breach: z.object({ count: z.number(), resolved: z.boolean() }).optional(),
  // the factor that proved the second factor in this sign-in, and what its verification saw (for amr)
  secondFactor: z.enum(FACTOR_IDS).optional(),
  secondFactorSeen: z.record(z.string(), z.boolean()).optional(),
  // the factor the user switched to ("Use a recovery code"); unset: the first one they have (factors/index.ts)
  factor: z.enum(FACTOR_IDS).optional(),
  switchingUser: z.boolean().optional(),
  // "Forgot your password?" (B14): asking for the username, then the emailed-link answer
  forgot: z.enum(['ask', 'sent']).optional(),
  // wrong second factors after the right password in this sign-in: each announced, held back (checklist 69, issue 23)
  secondFactorFailures: z.number().int().optional(),
  // B17: how this sign-in proved, besides the password, that the user may bind a first authenticator
  enrolProof: z.enum(['pass', 'email']).optional(),
  enrolLinkSent: z.boolean().optional(),
  // ... and the link to verify their address, asked for on the proof page (issue 19 item 1)
  enrolVerifySent: z.boolean().optional(),
  // B21: the answer to the roll-out prompt before the store's deadline ("Set up now" / "Remind me later")
  rollout: z.enum(['now', 'later']).optional(),
  // B19: the request asked for a quick switch; who was signed in at the register then; the person picked in the grid;
  // off once the full sign-in is chosen instead
  quickSwitch: z
    .object({ fromRole: z.enum(ROLES).optional(), fromStoreId: z.string().optional(), pick: z.string().optional(), off: z.boolean().optional() })
    .optional(),
  // the PIN of the picked person was right on this register: the sign-in ends with amr ["pin"] and the switch acr
  pinVerified: z.boolean().optional(),
  switchRegisterId: z.string().optional(),
  // the factors' own slices (factors/slices.ts): the authenticator app's set-up wizard
  ...factorFlowSlices,
  // B20: this interaction asks a manager to approve one transaction of the signed-in cashier
  approval: approvalStateSchema.optional(),
});

export type FlowState = z.infer<typeof flowStateSchema>;

export interface FlowFacts {
  /** this request's time, from the injected clock */
  now: Date;
  /** the store, and the part of its policy the binding rule reads (src/services/binding) */
  store?: { id: string; prefix: string; name: string; timeZone: string } & BindingPolicy;
  user?: {
    id: string;
    username: string;
    name: string;
    role: Role;
    mfaEnabled: boolean;
    credentialTypes: CredentialType[];
    mustEnrol: boolean;
    mustChangePassword: boolean;
    mfaRequired: boolean;
    email: string | null;
    emailVerified: boolean;
    emailChangedAt: Date | null;
    throttle: AccountThrottleState;
    /** how many account-wide revocations ended the user's sessions and sign-ins so far (a password proof names it) */
    sessionsEnded?: number;
    /** the language emails are written in, and whether the user chose it (src/services/account/language.ts) */
    locale: Locale | null;
    localeChosen: boolean;
    /** B21: the store's roll-out deadline for the user's role, while it is not yet enforced */
    rollout?: Rollout;
    /** who reset the user's MFA (null: the support team) and when, until they enrol again (issue 19 item 7) */
    mfaReset?: { byName: string | null; at: Date };
  };
  deviceRemembered: boolean;
  /** the known-device cookie of this browser (B18) */
  device?: KnownDevice;
  rememberAllowed: boolean;
  rememberDays: number;
  /** the trusted register this browser is (its register cookie, B19) */
  register?: RegisterRecord;
  /** this browser's register cookie names a register an admin revoked */
  registerRevoked?: boolean;
}
