// Step "recovery": an unused recovery code instead of the app code (S10); the user must then set MFA up again.
import { z } from 'zod';
import { advance, defineStep, need, rerender, secondFactorFailed, throttled } from '../../src/flow/step.js';
import { needsSecondFactor } from '../totp-verify/index.js';

export const recoveryStep = defineStep({
  id: 'recovery',
  applies: (state, facts) => needsSecondFactor(state, facts) && Boolean(state.recoveryMode),
  render: (state) => ({ template: 'recovery', view: { backUrl: `/interaction/${state.uid}/use-app` } }),
  input: z.object({ code: z.string().trim().max(40) }),
  async submit(input, state, _facts, services, req) {
    const storeId = need(state.storeId, 'state.storeId');
    const userId = need(state.userId, 'state.userId');
    const keys = [services.throttle.accountKey(storeId, need(state.username, 'state.username'))];
    const outcome = await services.throttle.attempt(
      keys,
      { storeId, userId, ip: req.ip, factor: 'recovery' },
      async () => (await services.mfa.useRecoveryCode(userId, input.code, { ip: req.ip })).ok,
      { clearOnSuccess: true },
    );
    if (outcome.kind === 'wait') return throttled(outcome.seconds);
    if (outcome.kind === 'failed') return rerender('recovery_invalid', secondFactorFailed(state, { kind: 'audit', type: 'signin.recovery_failed' }));
    return advance({ secondFactor: 'recovery', recoveryMode: false });
  },
});
