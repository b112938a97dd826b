// Step "enrol-proof": before a first authenticator is bound at sign-in, a second proof besides the password (B17;
// checklist 38-39, 62): a temporary access pass from an admin, or a one-time link to the user's verified address.
import { z } from 'zod';
import { advance, defineStep, need, rerender, subjectOf, throttled } from '../../src/flow/step.js';
import type { FlowFacts, FlowState } from '../../src/flow/state.js';
import { mustEnrolNow } from '../../factors/must-enrol.js';

// the emailed link is a pass of its own, short-lived
const LINK_HOURS = 0.5;

export const needsEnrolProof = (state: FlowState, facts: FlowFacts) =>
  mustEnrolNow(state, facts) && !state.enrol && !state.secondFactor && !state.enrolProof && Boolean(facts.user?.enrolPassRequired);

export const enrolProofStep = defineStep({
  id: 'enrol-proof',
  applies: needsEnrolProof,
  render: (state, facts) => ({
    template: 'enrol-proof',
    // B21: "Set up now" before a roll-out deadline can still be put off from here
    view: { canEmail: Boolean(facts.user?.emailVerified), linkSent: Boolean(state.enrolLinkSent), laterUrl: state.rollout === 'now' ? `/interaction/${state.uid}/rollout-later` : undefined },
  }),
  input: z.object({ pass: z.string().trim().max(40).optional(), action: z.enum(['pass', 'email']).default('pass') }),
  async submit(input, state, facts, services, req) {
    const user = need(facts.user, 'facts.user');
    const target = { id: user.id, storeId: need(state.storeId, 'state.storeId') };
    if (input.action === 'email') {
      if (!user.emailVerified) return rerender('invalid_input');
      const { pass, expiresAt } = await services.accessPasses.create(target, { actorId: user.id, ip: req.ip }, 'email', LINK_HOURS);
      const url = `${services.config.issuer}/interaction/${state.uid}/enrol-link?${new URLSearchParams({ pass })}`;
      await services.notify({ type: 'enrolment_link', userId: user.id, details: { url, expiresAt: expiresAt.toISOString() } });
      return advance({ enrolLinkSent: true });
    }
    // a pass is guessed like a code: counted, slowed down, closed (B2)
    const outcome = await services.throttle.attempt(
      subjectOf(state, facts, services, user),
      { ip: req.ip, factor: 'recovery' },
      services.throttle.simply(() => services.accessPasses.redeem(target, input.pass ?? '', { ip: req.ip })),
      { clearOnSuccess: false },
    );
    if (outcome.kind === 'wait' || outcome.kind === 'closed') return throttled(outcome);
    if (outcome.kind === 'failed') return rerender('pass_invalid', { effects: [{ kind: 'audit', type: 'signin.access_pass_failed' }] });
    return advance({ enrolProof: 'pass' });
  },
  routes: [
    {
      // the emailed link, opened in the browser that is signing in (the interaction's cookie says so)
      path: 'enrol-link',
      async run(state, facts, services, _render, query) {
        const user = facts.user;
        if (!user || !needsEnrolProof(state, facts)) return { kind: 'error', code: 'link_invalid' };
        const pass = query.get('pass') ?? '';
        const ok = await services.accessPasses.redeem({ id: user.id, storeId: need(state.storeId, 'state.storeId') }, pass, {});
        return ok ? { kind: 'patch', patch: { enrolProof: 'email' } } : { kind: 'error', code: 'link_invalid' };
      },
    },
  ],
});
