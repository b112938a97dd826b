// Step "phr-missing": the client or the request demands a phishing-resistant sign-in (a passkey) and the user has
// none: say how to add one, or end the request with unmet_authentication_requirements (RFC 9470 §4).
import { z } from 'zod';
import { abort, defineStep } from '../../src/flow/step.js';
import { currentFactor, needsSecondFactor } from '../../factors/index.js';

export const phrMissingStep = defineStep({
  id: 'phr-missing',
  applies: (state, facts) => Boolean(state.phrDemanded) && needsSecondFactor(state, facts) && !currentFactor(state, facts),
  render: () => ({ template: 'phr-missing', view: { accountUrl: '/account' } }),
  input: z.object({}),
  submit: async () => abort('unmet_authentication_requirements', 'a phishing-resistant second factor (a passkey) is required'),
});
