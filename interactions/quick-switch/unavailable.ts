// Step "quick-switch-unavailable" (B19): "Quick switch" pressed in a browser that is no trusted register (never trusted,
// or revoked by an admin) says so, and how an owner or admin trusts it, before the full sign-in; it never falls back
// silently. Nothing about the store or its registers is told that the full sign-in would not tell anyway.
import { z } from 'zod';
import { advance, defineStep, need } from '../../src/flow/step.js';

export const quickSwitchUnavailableStep = defineStep({
  id: 'quick-switch-unavailable',
  applies: (state, facts) => Boolean(state.quickSwitch && !state.quickSwitch.off && !facts.register && !state.passwordVerified && !state.pinVerified),
  render: (_state, facts) => ({ template: 'quick-switch-unavailable', view: { revoked: Boolean(facts.registerRevoked) } }),
  input: z.object({}),
  // "Sign in with password and code": the full sign-in, from the store (or the password, when the store is known)
  submit: async (_input, state) => advance({ quickSwitch: { ...need(state.quickSwitch, 'state.quickSwitch'), off: true } }),
});
