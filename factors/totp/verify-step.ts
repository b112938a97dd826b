// Step "totp-verify": the six-digit code (S8, S14), replay-proof (B1), with "remember this device" (not for native apps).
import { z } from 'zod';
import { advance, defineStep, need, rerender, secondFactorFailed, subjectOf, throttled, type Effect } from '../../src/flow/step.js';
import type { TotpVerdict } from '../../src/services/totp/index.js';

export const totpVerifyStep = defineStep({
  id: 'totp-verify',
  // its turn is decided by the factor list (factors/index.ts)
  applies: () => true,
  render: (_state, facts) => ({
    template: 'totp-verify',
    view: { offerRemember: facts.rememberAllowed, rememberDays: facts.rememberDays },
  }),
  input: z.object({ code: z.string().trim().max(20), remember: z.string().max(5).optional() }),
  async submit(input, state, facts, services, req) {
    const user = need(facts.user, 'facts.user');
    const userId = user.id;
    let verdict = 'invalid' as TotpVerdict;
    const outcome = await services.throttle.attempt(
      subjectOf(state, facts, services, user),
      { ip: req.ip, factor: 'totp' },
      // the attempt's slot and the code's step are claimed in one command
      async (claim) => {
        verdict = await services.factors.totp.verifyCode(userId, input.code, claim);
        return verdict === 'busy' ? 'busy' : verdict === 'ok' ? 'ok' : 'failed';
      },
      { clearOnSuccess: true },
    );
    if (outcome.kind === 'wait' || outcome.kind === 'closed') return throttled(outcome);
    // a code used a moment ago (say, on the account page) is the user's own: it counts, but alarms nobody
    if (outcome.kind === 'failed' && verdict === 'replayed') return rerender('code_replayed', { effects: [{ kind: 'audit', type: 'signin.totp_failed', details: { replayed: true } }] });
    if (outcome.kind === 'failed') return rerender('code_invalid', secondFactorFailed(state, { kind: 'audit', type: 'signin.totp_failed', details: { replayed: false } }));
    const effects: Effect[] = [];
    if (input.remember && facts.rememberAllowed) effects.push({ kind: 'remember-device', userId });
    return advance({ secondFactor: 'totp' }, effects);
  },
  routes: [{ path: 'use-app', run: () => ({ kind: 'patch', patch: { factor: 'totp' } }) }],
});
