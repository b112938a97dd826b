// Step "recovery": an unused recovery code instead of the other factors (S10); the user must then set MFA up again.
import { z } from 'zod';
import { advance, defineStep, need, rerender, secondFactorFailed, subjectOf, throttled } from '../../src/flow/step.js';

export const recoveryStep = defineStep({
  id: 'recovery',
  // its turn is decided by the factor list (factors/index.ts)
  applies: () => true,
  render: () => ({ template: 'recovery', view: {} }),
  input: z.object({ code: z.string().trim().max(40) }),
  async submit(input, state, facts, services, req) {
    const user = need(facts.user, 'facts.user');
    const outcome = await services.throttle.attempt(
      subjectOf(state, facts, services, user),
      { ip: req.ip, factor: 'recovery' },
      services.throttle.simply(async () => (await services.mfa.useRecoveryCode(user.id, input.code, { ip: req.ip })).ok),
      { clearOnSuccess: true },
    );
    if (outcome.kind === 'wait' || outcome.kind === 'closed') return throttled(outcome);
    if (outcome.kind === 'failed') return rerender('recovery_invalid', secondFactorFailed(state, { kind: 'audit', type: 'signin.recovery_failed' }));
    return advance({ secondFactor: 'recovery', factor: undefined });
  },
  routes: [{ path: 'use-recovery', run: () => ({ kind: 'patch', patch: { factor: 'recovery' } }) }],
});
