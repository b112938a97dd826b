// Step "mfa-rollout" (B21): before the store's deadline for their role, a user without MFA is asked to set it up now
// (the enrolment steps follow, with the proof B17 asks for, which the prompt names) or to be reminded at the next
// sign-in (password only).
import { z } from 'zod';
import { advance, defineStep, need } from '../../src/flow/step.js';
import type { FlowFacts, FlowState } from '../../src/flow/state.js';
import { deadlineInWords } from '../../src/services/rollout/deadline.js';
import { signInRequirement } from '../../factors/binding.js';
import { proofWays } from '../../factors/proof-ways.js';

export const rolloutPending = (state: FlowState, facts: FlowFacts) => {
  const user = facts.user;
  return Boolean(
    state.passwordVerified && user?.rollout && !user.mfaEnabled && !user.mfaRequired && !user.mustEnrol && !state.mfaDemanded && !state.stepUp && !state.enrol,
  );
};

export const mfaRolloutStep = defineStep({
  id: 'mfa-rollout',
  applies: (state, facts) => rolloutPending(state, facts) && !state.rollout,
  render: (state, facts) => {
    const rollout = need(facts.user?.rollout, 'facts.user.rollout');
    // what "Set up now" will ask of this user besides the phone: a pass, a link to their address, or nothing (B17)
    const ways = proofWays(need(facts.user, 'facts.user'), signInRequirement(state, facts), { locale: state.locale, zone: need(facts.store, 'facts.store').timeZone, now: facts.now });
    return { template: 'mfa-rollout', view: { deadline: deadlineInWords(rollout.deadline, state.locale), daysLeft: rollout.daysLeft, lastDay: rollout.daysLeft === 0, ...ways } };
  },
  input: z.object({ choice: z.enum(['now', 'later']) }),
  async submit(input, _state, facts) {
    const rollout = need(facts.user?.rollout, 'facts.user.rollout');
    if (input.choice === 'now') return advance({ rollout: 'now' });
    return advance({ rollout: 'later' }, [{ kind: 'audit', type: 'rollout.postponed', details: { deadline: rollout.deadline, daysLeft: rollout.daysLeft } }]);
  },
  routes: [
    {
      // "Remind me later" from the proof page of "Set up now", for a user who has no pass at hand yet
      path: 'rollout-later',
      run(state, facts) {
        if (!rolloutPending(state, facts) || state.rollout !== 'now' || state.enrolProof) return { kind: 'error', code: 'link_invalid' };
        return { kind: 'patch', patch: { rollout: 'later' } };
      },
    },
  ],
});
