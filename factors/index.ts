// The second factors, in the order a sign-in offers them (the first one the user has is asked for first), and the
// choice of the factor a sign-in asks for now. Adding a factor: its folder, this list, and its service in the container.
import type { Step } from '../src/flow/step.js';
import type { FlowFacts, FlowState } from '../src/flow/state.js';
import { switchLabelOf, type Factor, type FactorId } from './factor.js';
import { passkeyFactor } from './passkey/index.js';
import { totpFactor } from './totp/index.js';
import { recoveryFactor } from './recovery/index.js';

export const factors: readonly Factor[] = [passkeyFactor, totpFactor, recoveryFactor];

export const factorById = (id: FactorId | undefined) => factors.find((f) => f.id === id);

// phishing-resistant factors only, when the client or the request demands that level
const acceptable = (factor: Factor, state: FlowState) => !state.phrDemanded || factor.phishingResistant;

/** The second factor this sign-in has proved, if it is one the demand accepts. */
export const secondFactorDone = (state: FlowState) => {
  const used = factorById(state.secondFactor);
  return Boolean(used && acceptable(used, state));
};

// A remembered device skips the second factor only on an ordinary sign-in: not when the client or the request demands
// MFA, nor when the request asks for a fresh authentication (prompt=login, max_age) (checklist 50-52), and never while
// the user must enrol again: replacing a factor always takes the current second factor.
export const needsSecondFactor = (state: FlowState, facts: FlowFacts) =>
  Boolean(facts.user?.mfaEnabled) &&
  !secondFactorDone(state) &&
  (state.stepUp || state.mfaDemanded || Boolean(state.freshDemanded) || !facts.deviceRemembered || Boolean(facts.user?.mustEnrol));

const usable = (state: FlowState, facts: FlowFacts) => {
  const user = facts.user;
  return user ? factors.filter((f) => f.enrolled(user) && acceptable(f, state)) : [];
};

/** The factor asked for now: the one the user switched to, else the first they have that the demand accepts. */
export function currentFactor(state: FlowState, facts: FlowFacts): Factor | undefined {
  if (!needsSecondFactor(state, facts)) return undefined;
  const choices = usable(state, facts);
  return choices.find((f) => f.id === state.factor) ?? choices[0];
}

// The verify steps in list order, each taking its turn when its factor is the current one; its page links to the
// user's other factors ("Use a recovery code").
export const verifySteps: Step[] = factors.map((factor) => ({
  ...factor.verify,
  applies: (state, facts) => currentFactor(state, facts)?.id === factor.id && factor.verify.applies(state, facts),
  async render(state, facts, services) {
    const page = await factor.verify.render(state, facts, services);
    const others = usable(state, facts).filter((f) => f !== factor);
    return { ...page, view: { ...page.view, alternatives: others.map((f) => ({ url: `/interaction/${state.uid}/${f.switchPath}`, label: switchLabelOf(f, factor) })) } };
  },
}));

export const enrolSteps: Step[] = factors.flatMap((factor) => (factor.enrol ? [factor.enrol] : []));

/** amr and whether the proof is phishing-resistant, from the factor this sign-in used (RFC 8176). */
export function proofOf(state: FlowState): { amr: string[]; phishingResistant: boolean } {
  const used = factorById(state.secondFactor);
  if (!used) return { amr: ['pwd'], phishingResistant: false };
  return { amr: ['pwd', ...used.amr(state.secondFactorSeen), 'mfa'], phishingResistant: used.phishingResistant };
}
