// Each factor's slices of state (a leaf): the sign-in flow state (src/flow/state.ts) and Security & ID's page state
// (src/account/state.ts) take their factor parts from here, each declared once in the factor's own folder.
import { totpAccountSlice, wizardProgressSchema } from './totp/state.js';
import { passkeyAccountSlice } from './passkey/state.js';

/** In a sign-in: the authenticator app's set-up wizard, when the sign-in ends with an enrolment. */
export const factorFlowSlices = { enrol: wizardProgressSchema.optional() };

/** On Security & ID: a factor's set-up under way. */
export const factorAccountSlices = { totp: totpAccountSlice.optional(), passkey: passkeyAccountSlice.optional() };
