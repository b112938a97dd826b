// Step "both-factors" (checklist 24, B18): while failed sign-ins from unknown devices hold the account's password back,
// the password typed on such a device counts only together with a second factor (the authenticator app or a recovery
// code), asked on this page whatever the password was. Only a right password of a user who has that factor gets the
// factor checked, held back by the second-factor count alone, which an attacker without the password cannot touch:
// the real user signs in on a new device at once, and every other answer and its work are the same.
import { z } from 'zod';
import { advance, defineStep, need, rerender, type Effect } from '../../src/flow/step.js';
import type { AttemptVerdict } from '../../src/services/throttle/guard.js';
import { afterBreachCheck } from './index.js';

const TOTP_CODE = /^\d{6}$/;

export const bothFactorsStep = defineStep({
  id: 'both-factors',
  applies: (state) => Boolean(state.bothFactors) && !state.passwordVerified,
  render: (state) => {
    const refusal = need(state.bothFactors, 'state.bothFactors').refusal;
    return {
      template: 'both-factors',
      view: {
        username: state.username ?? '',
        closed: refusal.kind === 'closed',
        waitMinutes: refusal.kind === 'wait' ? Math.max(1, Math.ceil(refusal.seconds / 60)) : 0,
        backUrl: `/interaction/${state.uid}/back-to-password`,
      },
    };
  },
  input: z.object({ code: z.string().max(40) }),
  async submit(input, state, _facts, services, req) {
    const both = need(state.bothFactors, 'state.bothFactors');
    const storeId = need(state.storeId, 'state.storeId');
    const code = input.code.replace(/\s+/g, '');
    const factor = TOTP_CODE.test(code) ? 'totp' : 'recovery';
    const user = both.userId ? await services.users.byId(both.userId) : undefined;
    const holds = factor === 'totp' ? user?.credentialTypes.includes('totp') : user?.mfaEnabled;
    const proven = Boolean(both.passwordOk && user?.active && holds);
    // a code used a moment ago is the user's own (as on the code page): it counts, but alarms nobody
    let replayed = false;
    const result = await services.throttle.bothFactors(
      // never a known device of the user: that one is not held back (services.throttle.passwordNeedsSecondFactor)
      { storeId, username: state.username ?? '', user },
      { ip: req.ip, factor, countAddress: true, attemptKey: state.uid },
      proven,
      async (claim): Promise<AttemptVerdict> => {
        const userId = need(user, 'user').id;
        if (factor === 'totp') {
          const verdict = await services.factors.totp.verifyCode(userId, code, claim);
          replayed = verdict === 'replayed';
          return verdict === 'busy' ? 'busy' : verdict === 'ok' ? 'ok' : 'failed';
        }
        if ((await claim()) === 0) return 'busy';
        return (await services.mfa.useRecoveryCode(userId, code, { ip: req.ip })).ok ? 'ok' : 'failed';
      },
    );

    if (result.kind === 'failed') {
      // the audit log (admins only) says which it was; the page and the work of this answer do not
      const effects: Effect[] = result.checked
        ? [{ kind: 'audit', type: factor === 'totp' ? 'signin.totp_failed' : 'signin.recovery_failed', userId: user?.id, details: { bothFactors: true } }]
        : [{ kind: 'audit', type: 'signin.password_failed', userId: user?.id, details: { username: state.username, bothFactors: true } }];
      // a right password and a wrong code: the user is told (checklist 69), after the answer has left; the count is
      // server-side state in the same write as any other answer's
      const alarm = result.checked && user && !replayed;
      const failures = (state.secondFactorFailures ?? 0) + 1;
      if (alarm) effects.push({ kind: 'notify-second-factor-failed', userId: user.id, failures, afterAnswer: true });
      return rerender('both_factors_failed', { patch: { bothFactors: undefined, ...(alarm ? { secondFactorFailures: failures } : {}) }, effects });
    }

    const signedIn = need(user, 'user');
    const checked = afterBreachCheck(need(both.breach, 'the breach check of the right password'), signedIn.id, services.config.breachFailMode);
    if (checked.refuse) return rerender('breach_unavailable', { patch: { bothFactors: undefined }, effects: checked.effects });
    return advance(
      { userId: signedIn.id, username: signedIn.username, passwordVerified: true, secondFactor: factor, factor: undefined, bothFactors: undefined, ...checked.patch },
      checked.effects,
    );
  },
  routes: [{ path: 'back-to-password', run: () => ({ kind: 'patch', patch: { bothFactors: undefined } }) }],
});
