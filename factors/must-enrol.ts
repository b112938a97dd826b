// Whether this sign-in must end with setting up a second factor (S7, S10, S11): the rule every enrolment step follows.
import type { FlowFacts, FlowState } from '../src/flow/state.js';

export const mustEnrolNow = (state: FlowState, facts: FlowFacts) => {
  const user = facts.user;
  if (!user || state.enrol?.done) return false;
  // once started, the wizard runs to its end even though the confirmed code already activated MFA
  if (state.enrol) return true;
  // an active factor is replaced only after this sign-in proved a second factor (checklist 39)
  if (user.mfaEnabled && !state.secondFactor) return false;
  // B21: "Set up now" on the roll-out prompt asks for the same enrolment a requirement would
  return state.secondFactor === 'recovery' || user.mustEnrol || (!user.mfaEnabled && (user.mfaRequired || state.mfaDemanded || state.rollout === 'now'));
};
