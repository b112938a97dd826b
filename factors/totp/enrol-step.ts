// Step "totp-enrol": the enrolment wizard at sign-in (S7, S6): Begin -> (password) -> scan -> code -> recovery codes -> Done,
// with Back and Cancel (which ends the request with access_denied: the user chose not to finish signing in).
import { abort, advance, defineStep, need, rerender } from '../../src/flow/step.js';
import { advanceWizard, wizardInput, wizardView } from './wizard.js';
import { mustEnrolNow } from '../must-enrol.js';
import { bindingSubject, passwordJustTyped, signInEvidence } from '../binding.js';
import { resetNotice } from '../reset-notice.js';

export const totpEnrolStep = defineStep({
  id: 'totp-enrol',
  applies: mustEnrolNow,
  async render(state, facts, services) {
    const progress = state.enrol ?? { stage: 'begin' as const };
    const view = await wizardView(progress, { app: services.factors.totp, codes: services.mfa, passwordProven: passwordJustTyped(state) }, {
      storePrefix: need(facts.store, 'facts.store').prefix,
      username: need(facts.user, 'facts.user').username,
      credentialTypes: need(facts.user, 'facts.user').credentialTypes,
      downloadUrl: `/interaction/${state.uid}/recovery-codes.txt`,
    });
    return {
      template: 'totp-enrol',
      view: {
        ...view,
        required: facts.user?.mfaRequired || state.mfaDemanded,
        afterRecovery: state.secondFactor === 'recovery',
        reset: resetNotice(facts.user?.mfaReset, state.locale, need(facts.store, 'facts.store').timeZone, facts.now),
      },
    };
  },
  input: wizardInput,
  async submit(input, state, facts, services, req) {
    const userId = need(state.userId, 'state.userId');
    const progress = state.enrol ?? { stage: 'begin' as const };
    // the codes are active once shown: from there on, the only way is forward
    if (input.move === 'cancel' && progress.stage !== 'codes') return abort('access_denied', 'the user cancelled setting up multi-factor authentication');
    const result = await advanceWizard(progress, input, {
      app: services.factors.totp,
      codes: services.mfa,
      passwordProven: passwordJustTyped(state),
      reauthenticate: (password) => services.reauthenticate(userId, password, req.ip),
      authorize: async (progress) => {
        const { user, policy } = bindingSubject(facts);
        return services.binding.authorize(user, policy, { ...signInEvidence(state), passwordProved: Boolean(progress.passwordProved) });
      },
      userId,
      ip: req.ip,
    });
    if (!result.ok) return rerender(result.error);
    // the confirmed code is a fresh second factor of this sign-in
    return advance({ enrol: result.next, ...(result.confirmed ? { secondFactor: 'totp' as const } : {}) });
  },
  routes: [
    {
      // "Download" on the recovery-codes page: only while that page is the current one
      path: 'recovery-codes.txt',
      run(state, _facts, services, render) {
        if (state.enrol?.stage !== 'codes' || !state.enrol.codesSealed) return { kind: 'not-found' };
        const codes = services.mfa.unsealCodes(state.enrol.codesSealed);
        return { kind: 'download', filename: 'recovery-codes.txt', body: render.recoveryCodesText(state.locale, codes, state.username ?? '') };
      },
    },
  ],
});
