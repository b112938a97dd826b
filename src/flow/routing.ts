// Which step a request of an interaction is for: the first of the ordered list (interactions/index.ts) that applies to
// the flow state and this request's facts, with a store the previous page handed on; a POST to any other step is stale.
import { steps } from '../../interactions/index.js';
import type { FlowFacts, FlowState } from './state.js';
import type { Step } from './step.js';
import type { Carried } from './tokens.js';

// A carried store only means something before the password: once the flow knows the user, their store is fixed, so a
// carry minted earlier in this interaction (for another store) can never move a proven user into another store's
// policy (found in review: it skipped the store's MFA requirement and a manager approval's same-store rule).
export const withCarry = (state: FlowState, carried: Carried | undefined): FlowState =>
  carried && !state.userId && !state.passwordVerified ? { ...state, ...carried } : state;

/** The step to show now; undefined when the sign-in is done (a right PIN on a trusted register is all of a quick switch, B19). */
export const currentStep = (state: FlowState, facts: FlowFacts): Step | undefined => (state.pinVerified ? undefined : steps.find((s) => s.applies(state, facts)));

/** A POST to step `posted`: finish a flow that is done, send a stale tab back to the current step, or submit to it. */
export function postRoute(posted: string, state: FlowState, facts: FlowFacts): { kind: 'finish' } | { kind: 'stale' } | { kind: 'submit'; step: Step } {
  const step = currentStep(state, facts);
  if (!step) return { kind: 'finish' };
  return step.id === posted ? { kind: 'submit', step } : { kind: 'stale' };
}
