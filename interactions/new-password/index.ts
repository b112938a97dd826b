// Step "new-password": a user whose password an admin chose replaces it with one only they know (checklist 61),
// after the second factor like the breach step, and with the same rules (length, common, context, breaches).
import { z } from 'zod';
import { advance, defineStep, need, rerender } from '../../src/flow/step.js';

export const newPasswordStep = defineStep({
  id: 'new-password',
  applies: (state, facts) => Boolean(state.passwordVerified && facts.user?.mustChangePassword),
  render: () => ({ template: 'new-password', view: {} }),
  input: z.object({ new_password: z.string().max(1024), confirm_password: z.string().max(1024) }),
  async submit(input, state, facts, services, req) {
    if (input.new_password !== input.confirm_password) return rerender('password_mismatch');
    const verdict = await services.passwords.checkNew(input.new_password, { username: need(facts.user, 'facts.user').username, storePrefix: facts.store?.prefix });
    if (!verdict.ok) return rerender(`password_${verdict.reason}`);
    const userId = need(state.userId, 'state.userId');
    await services.passwords.change(userId, input.new_password, { actorId: userId, ip: req.ip });
    // the new password was checked against breaches just now, so an earlier warning is settled
    return advance(state.breach ? { breach: { ...state.breach, resolved: true } } : {});
  },
});
