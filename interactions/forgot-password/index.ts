// Step "forgot-password" (B14): "Forgot your password?" on the password page asks the username of the chosen store
// and answers the same whether or not it exists or has an address (checklist 25); the emailed link does the rest
// (src/password-reset). It never signs anyone in: back on the password page the new password is asked as always.
import { z } from 'zod';
import { advance, defineStep, need, rerender } from '../../src/flow/step.js';
import { RESET_LINK_MINUTES } from '../../src/services/password-reset/index.js';

export const forgotPasswordStep = defineStep({
  id: 'forgot-password',
  applies: (state) => Boolean(state.storeId && state.forgot) && !state.passwordVerified,
  render: (state, facts) => ({
    template: 'forgot-password',
    view: {
      stage: state.forgot === 'sent' ? 'sent' : 'ask',
      storeName: facts.store?.name ?? state.storePrefix,
      username: state.username ?? '',
      backUrl: `/interaction/${state.uid}/back-to-sign-in`,
      minutes: RESET_LINK_MINUTES,
    },
  }),
  input: z.object({ username: z.string().trim().toLowerCase().min(1).max(100) }),
  async submit(input, state, _facts, services, req) {
    const asked = await services.passwordReset.request({
      storeId: need(state.storeId, 'state.storeId'),
      username: input.username,
      ip: req.ip,
      locale: state.locale,
      interactionUid: state.uid,
    });
    if (asked.kind === 'wait') return rerender('reset_too_many', { vars: { minutes: Math.max(1, Math.ceil(asked.seconds / 60)) } });
    return advance({ forgot: 'sent', username: input.username });
  },
  routes: [
    // the link on the password page; the store it was handed comes along (src/flow/runner.ts)
    { path: 'forgot-password', run: (state) => ({ kind: 'patch', patch: state.storeId && !state.passwordVerified ? { forgot: 'ask' } : {} }) },
    { path: 'back-to-sign-in', run: () => ({ kind: 'patch', patch: { forgot: undefined } }) },
  ],
});
