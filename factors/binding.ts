// Binding a factor during a sign-in: what this sign-in has proved, as the binding rule reads it (src/services/binding).
import type { FlowFacts, FlowState } from '../src/flow/state.js';
import { bindingRequirement, type BindingEvidence, type BindingPolicy } from '../src/services/binding/index.js';
import { need } from '../src/flow/step.js';

// the password page of this very sign-in proved it; a step-up of an earlier session did not (it is asked again)
export const passwordJustTyped = (state: FlowState) => Boolean(state.passwordVerified) && !state.stepUp;

/** What this sign-in has proved towards a binding: a factor of the user, a pass or link, the password. */
export const signInEvidence = (state: FlowState): BindingEvidence => ({
  factorProved: Boolean(state.secondFactor),
  proof: state.enrolProof,
  passwordProved: passwordJustTyped(state) || Boolean(state.enrol?.passwordProved),
});

/** The rule's inputs from the facts of this request: the user and their store's policy. */
export function bindingSubject(facts: FlowFacts): { user: NonNullable<FlowFacts['user']>; policy: BindingPolicy } {
  const user = need(facts.user, 'facts.user');
  return { user, policy: { passwordEnrolmentUntil: facts.store?.passwordEnrolmentUntil ?? null } };
}

/** The rule's answer for this sign-in now. */
export function signInRequirement(state: FlowState, facts: FlowFacts) {
  const { user, policy } = bindingSubject(facts);
  return bindingRequirement(user, policy, signInEvidence(state), facts.now);
}
