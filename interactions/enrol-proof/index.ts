// Step "enrol-proof": before a first authenticator is bound at sign-in, the second proof the binding rule asks for
// (src/services/binding; B17; checklist 38-39, 62): a temporary access pass from an admin, or a one-time link to the
// user's usable email address. The page says which of these this user can use, why it is asked, and how to make the
// email way work (verify the address from here).
import { z } from 'zod';
import { advance, defineStep, need, rerender, subjectOf, throttled } from '../../src/flow/step.js';
import type { FlowFacts, FlowState } from '../../src/flow/state.js';
import { mustEnrolNow } from '../../factors/must-enrol.js';
import { signInRequirement } from '../../factors/binding.js';
import { resetNotice } from '../../factors/reset-notice.js';
import { proofWays } from '../../factors/proof-ways.js';

export const needsEnrolProof = (state: FlowState, facts: FlowFacts) => mustEnrolNow(state, facts) && !state.enrol && signInRequirement(state, facts).kind === 'proof';

const canEmail = (state: FlowState, facts: FlowFacts) => {
  const need = signInRequirement(state, facts);
  return need.kind === 'proof' && need.options.includes('email');
};

export const enrolProofStep = defineStep({
  id: 'enrol-proof',
  applies: needsEnrolProof,
  render: (state, facts) => {
    const user = need(facts.user, 'facts.user');
    const zone = need(facts.store, 'facts.store').timeZone;
    return {
      template: 'enrol-proof',
      view: {
        // which ways this user has, and for the others why not and what to do (issue 19 item 3)
        ...proofWays(user, signInRequirement(state, facts), { locale: state.locale, zone, now: facts.now }),
        canEmail: canEmail(state, facts),
        // why it is asked: after a reset, for a first authenticator
        afterReset: user.mustEnrol && !user.mfaEnabled,
        reset: resetNotice(user.mfaReset, state.locale, zone, facts.now),
        linkSent: Boolean(state.enrolLinkSent),
        verifySent: Boolean(state.enrolVerifySent),
        // back to this page once the address is verified (a reload would post the form again)
        continueUrl: `/interaction/${state.uid}`,
        // B21: "Set up now" before a roll-out deadline can still be put off from here
        laterUrl: state.rollout === 'now' ? `/interaction/${state.uid}/rollout-later` : undefined,
      },
    };
  },
  input: z.object({ pass: z.string().trim().max(40).optional(), action: z.enum(['pass', 'email', 'verify']).default('pass') }),
  async submit(input, state, facts, services, req) {
    const user = need(facts.user, 'facts.user');
    const target = { id: user.id, storeId: need(state.storeId, 'state.storeId') };
    if (input.action === 'email') {
      if (!canEmail(state, facts)) return rerender('invalid_input');
      const { pass, expiresAt } = await services.binding.newLink(target, req.ip);
      const url = `${services.config.issuer}/interaction/${state.uid}/enrol-link?${new URLSearchParams({ pass })}`;
      await services.notify({ type: 'enrolment_link', userId: user.id, details: { url, expiresAt: expiresAt.toISOString() } });
      return advance({ enrolLinkSent: true });
    }
    if (input.action === 'verify') {
      // the "Verify email address" link, to the user's own address: once verified (and settled), a link can come instead of a pass
      const sent = await services.email.requestVerification(user.id, { actorId: user.id, ip: req.ip });
      if (sent.kind === 'wait') return rerender('verify_wait');
      if (sent.kind === 'no_address') return rerender('invalid_input');
      return advance({ enrolVerifySent: sent.kind === 'sent' });
    }
    const outcome = await services.binding.redeemPass(subjectOf(state, facts, services, user), target, input.pass ?? '', req.ip);
    if (outcome.kind === 'wait' || outcome.kind === 'closed') return throttled(outcome);
    if (outcome.kind === 'invalid') return rerender('pass_invalid', { effects: [{ kind: 'audit', type: 'signin.access_pass_failed' }] });
    return advance({ enrolProof: 'pass' });
  },
  routes: [
    {
      // the emailed link, opened in the browser that is signing in (the interaction's cookie says so)
      path: 'enrol-link',
      async run(state, facts, services, _render, query) {
        const user = facts.user;
        if (!user || !needsEnrolProof(state, facts)) return { kind: 'error', code: 'link_invalid' };
        const ok = await services.binding.redeemLink({ id: user.id, storeId: need(state.storeId, 'state.storeId') }, query.get('pass') ?? '');
        return ok ? { kind: 'patch', patch: { enrolProof: 'email' } } : { kind: 'error', code: 'link_invalid' };
      },
    },
  ],
});
