// Step "totp-enrol": the enrolment wizard at sign-in (S7, S6): Begin -> password -> scan -> code -> recovery codes -> Done.
import { z } from 'zod';
import { advance, defineStep, rerender } from '../../src/flow/step.js';
import type { FlowFacts, FlowState } from '../../src/flow/state.js';

export const mustEnrolNow = (state: FlowState, facts: FlowFacts) => {
  const user = facts.user;
  if (!user || state.enrol?.done) return false;
  // once started, the wizard runs to its end even though the confirmed code already activated MFA
  if (state.enrol) return true;
  return (
    state.secondFactor === 'recovery' ||
    user.mustEnrol ||
    (!user.mfaEnabled && (user.mfaRequired || state.mfaDemanded))
  );
};

export const totpEnrolStep = defineStep({
  id: 'totp-enrol',
  applies: mustEnrolNow,
  async render(state, facts, services) {
    const stage = state.enrol?.stage ?? 'begin';
    const view: Record<string, unknown> = {
      stage,
      required: facts.user?.mfaRequired || state.mfaDemanded,
      afterRecovery: state.secondFactor === 'recovery',
    };
    if (stage === 'scan' && state.enrol?.secretSealed) {
      Object.assign(view, await services.mfa.describePending(state.enrol.secretSealed, facts.store!.prefix, facts.user!.username));
    }
    if (stage === 'codes' && state.enrol?.codesSealed) {
      view.codes = services.mfa.unsealCodes(state.enrol.codesSealed);
      view.downloadUrl = `/interaction/${state.uid}/recovery-codes.txt`;
    }
    return { template: 'totp-enrol', view };
  },
  input: z.object({
    stage: z.enum(['begin', 'password', 'scan', 'code', 'codes']),
    password: z.string().max(1024).optional(),
    code: z.string().trim().max(20).optional(),
    saved: z.string().max(5).optional(),
  }),
  async submit(input, state, _facts, services, req) {
    const enrol = state.enrol ?? { stage: 'begin' as const };
    if (input.stage !== enrol.stage) return rerender('session_expired');
    const userId = state.userId!;
    switch (enrol.stage) {
      case 'begin':
        return advance({ enrol: { stage: 'password' } });
      case 'password': {
        const result = await services.reauthenticate(userId, input.password ?? '', req.ip);
        if (result === 'too_many') return rerender('too_many');
        if (result !== 'ok') return rerender('credentials');
        return advance({ enrol: { stage: 'scan', secretSealed: services.mfa.newPendingSecret() } });
      }
      case 'scan':
        return advance({ enrol: { ...enrol, stage: 'code' } });
      case 'code': {
        const done = await services.mfa.confirmEnrolment(userId, enrol.secretSealed!, input.code ?? '', {
          actorId: userId,
          ip: req.ip,
        });
        if (!done.ok) return rerender('code_invalid');
        return advance({ secondFactor: 'otp', enrol: { stage: 'codes', codesSealed: services.mfa.sealCodes(done.codes) } });
      }
      case 'codes':
        if (!input.saved) return rerender('must_confirm_codes');
        return advance({ enrol: { stage: 'codes', done: true } });
    }
  },
});
